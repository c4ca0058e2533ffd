#include "core/backslash_escape.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

std::string Escaped(std::string_view text, const BackslashEscapes& escapes) {
  std::string out = "[";
  AppendBackslashEscaped(text, escapes, &out);
  return out + "]";
}

TEST(BackslashEscapeTest, TsvEscapesBackslashTabLineBreaksAndNulOnly) {
  EXPECT_EQ(Escaped(std::string_view("a\\b\tc\nd\re\0f'\"\x1a", 14), kTsvEscapes),
            std::string("[a\\\\b\\tc\\nd\\re\\0f'\"\x1a]"));
}

TEST(BackslashEscapeTest, MysqlLiteralEscapesQuotesAndControlZButNotTab) {
  EXPECT_EQ(Escaped(std::string_view("a\\b\tc\nd\re\0f'\"\x1a", 14), kMysqlLiteralEscapes),
            "[a\\\\b\tc\\nd\\re\\0f\\'\\\"\\Z]");
}

TEST(BackslashEscapeTest, PlainTextAndEmptyTextAreCopiedAsTheyAre) {
  EXPECT_EQ(Escaped("Caf\xC3\xA9 plain", kTsvEscapes), "[Caf\xC3\xA9 plain]");
  EXPECT_EQ(Escaped("", kMysqlLiteralEscapes), "[]");
  EXPECT_EQ(Escaped("\\", kTsvEscapes), "[\\\\]");
}

}  // namespace
}  // namespace billflow
