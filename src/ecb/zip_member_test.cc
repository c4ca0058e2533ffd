#include "ecb/zip_member.h"

#include <gtest/gtest.h>

#include "ecb/ecb_test_feeds.h"

namespace billflow {
namespace {

using testing::ZipOf;

TEST(ZipMemberTest, ReadsTheOneDataFile) {
  const std::string zip = ZipOf("eurofxref-hist.csv", "Date,USD,\n2024-06-14,1.07,\n",
                                {{"README.txt", "not data"}, {"__MACOSX/._x.csv", "junk"}});
  ASSERT_TRUE(LooksLikeZip(zip));
  auto member = ReadOnlyDataMember(zip, "eurofxref-hist.zip", 1 << 20);
  ASSERT_TRUE(member.has_value()) << member.error().message;
  EXPECT_EQ(member->name, "eurofxref-hist.csv");
  EXPECT_EQ(member->bytes, "Date,USD,\n2024-06-14,1.07,\n");
}

TEST(ZipMemberTest, SeveralOrNoDataFilesAreRefusedByName) {
  const std::string two = ZipOf("a.csv", "x", {{"b.XML", "y"}});
  auto several = ReadOnlyDataMember(two, "r.zip", 1 << 20);
  ASSERT_FALSE(several.has_value());
  EXPECT_EQ(several.error().message,
            "r.zip: expected one .csv or .xml file in the zip (as in eurofxref-hist.zip), found 2 "
            "among: a.csv, b.XML");
  auto none = ReadOnlyDataMember(ZipOf("notes.txt", "x"), "r.zip", 1 << 20);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().message,
            "r.zip: expected one .csv or .xml file in the zip (as in eurofxref-hist.zip), found 0 "
            "among: notes.txt");
}

TEST(ZipMemberTest, InflatingPastTheLimitStops) {
  const std::string zip = ZipOf("big.csv", std::string(100000, 'a'));
  ASSERT_LT(zip.size(), 2000u);  // it compresses well: a bomb in miniature
  auto member = ReadOnlyDataMember(zip, "r.zip", 65536);
  ASSERT_FALSE(member.has_value());
  EXPECT_EQ(member.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(member.error().message, "r.zip:big.csv: inflates to more than 65536 bytes");
}

TEST(ZipMemberTest, TruncatedArchiveIsNotReadable) {
  const std::string zip = ZipOf("a.csv", "Date,USD,\n");
  auto member = ReadOnlyDataMember(zip.substr(0, zip.size() / 2), "r.zip", 1 << 20);
  ASSERT_FALSE(member.has_value());
  EXPECT_EQ(member.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(member.error().message, "r.zip: not a readable zip: Not a zip archive");
  EXPECT_FALSE(LooksLikeZip("Date,USD,"));
}

}  // namespace
}  // namespace billflow
