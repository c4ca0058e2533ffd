#include "core/ascii.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(AsciiTest, LowerFoldsOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Bills-2025.CSV"), "bills-2025.csv");
  EXPECT_EQ(AsciiLower("\xC3\x84PFEL"), "\xC3\x84pfel");  // Ä stays as its UTF-8 bytes
  EXPECT_EQ(AsciiLower('Z'), 'z');
  EXPECT_EQ(AsciiLower('@'), '@');
}

TEST(AsciiTest, EndsWithNoCaseComparesTheTail) {
  EXPECT_TRUE(EndsWithNoCase("BILLS.CSV.GZ", ".csv.gz"));
  EXPECT_TRUE(EndsWithNoCase("a.csv", ".csv"));
  EXPECT_FALSE(EndsWithNoCase("a.csv.gz", ".csv"));
  EXPECT_FALSE(EndsWithNoCase("sv", ".csv"));
  EXPECT_TRUE(EndsWithNoCase("", ""));
}

}  // namespace
}  // namespace billflow
