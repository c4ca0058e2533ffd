#include "core/amount_format.h"

#include <gtest/gtest.h>

#include <string>

namespace billflow {
namespace {

std::string Rewritten(std::string_view text, char decimal, std::string_view thousands) {
  char out[32];
  std::size_t size = 0;
  switch (RewriteAmount(text, AmountStyle{decimal, thousands}, out, sizeof out, &size)) {
    case AmountFormatError::kNone:
      return std::string(out, size);
    case AmountFormatError::kMisplacedThousands:
      return "misplaced";
    case AmountFormatError::kTooLong:
      return "too long";
  }
  return "?";
}

TEST(AmountFormatTest, GroupsAreCheckedAndRemoved) {
  EXPECT_EQ(Rewritten("1.234.567,89", ',', "."), "1234567.89");
  EXPECT_EQ(Rewritten("-1'234.5", '.', "'"), "-1234.5");
  EXPECT_EQ(Rewritten("1,234", '.', ","), "1234");
  EXPECT_EQ(Rewritten("  12 345,6  ", ',', " "), "12345.6");
  EXPECT_EQ(Rewritten("1234,5", ',', "."), "1234.5");  // grouping is optional
}

TEST(AmountFormatTest, MisplacedGroupsAreRefused) {
  EXPECT_EQ(Rewritten("1.23.4,5", ',', "."), "misplaced");
  EXPECT_EQ(Rewritten("1234.567,5", ',', "."), "misplaced");
  EXPECT_EQ(Rewritten("1.2345,5", ',', "."), "misplaced");
  EXPECT_EQ(Rewritten(".123,5", ',', "."), "misplaced");
  EXPECT_EQ(Rewritten("1,234,5", '.', ","), "misplaced");
}

TEST(AmountFormatTest, ForeignSeparatorsBecomeInvalid) {
  EXPECT_EQ(Rewritten("1.5", ',', ""), "1?5");
  EXPECT_EQ(Rewritten("1,5,6", ',', ""), "1.5?6");
  EXPECT_EQ(Rewritten(std::string(40, '1'), ',', ""), "too long");
}

}  // namespace
}  // namespace billflow
