#include "core/civil_date.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(CivilDateTest, SlashFormIsNormalized) {
  CivilDate d;
  ASSERT_EQ(ParseCivilDate("2023/05/11", &d), DateParseError::kNone);
  EXPECT_EQ(d.ToString(), "2023-05-11");
}

TEST(CivilDateTest, LeapDaysFollowTheGregorianRule) {
  CivilDate d;
  EXPECT_EQ(ParseCivilDate("2024-02-29", &d), DateParseError::kNone);
  EXPECT_EQ(ParseCivilDate("2000-02-29", &d), DateParseError::kNone);
  EXPECT_EQ(ParseCivilDate("1900-02-29", &d), DateParseError::kNotCalendarDate);
  EXPECT_EQ(ParseCivilDate("2023-02-29", &d), DateParseError::kNotCalendarDate);
}

TEST(CivilDateTest, ImpossibleAndAmbiguousFormsAreRefused) {
  CivilDate d;
  EXPECT_EQ(ParseCivilDate("2023-02-30", &d), DateParseError::kNotCalendarDate);
  EXPECT_EQ(ParseCivilDate("2023-13-01", &d), DateParseError::kNotCalendarDate);
  EXPECT_EQ(ParseCivilDate("2023-04-31", &d), DateParseError::kNotCalendarDate);
  EXPECT_EQ(ParseCivilDate("2023-00-10", &d), DateParseError::kNotCalendarDate);
  EXPECT_EQ(ParseCivilDate("03/04/2024", &d), DateParseError::kBadFormat);
  EXPECT_EQ(ParseCivilDate("2023-5-1", &d), DateParseError::kBadFormat);
  EXPECT_EQ(ParseCivilDate("2023-05/01", &d), DateParseError::kBadFormat);
  EXPECT_EQ(ParseCivilDate("2023-05-01T", &d), DateParseError::kBadFormat);
  EXPECT_EQ(ParseCivilDate("", &d), DateParseError::kBadFormat);
}

TEST(CivilDateTest, DaysSinceEpochCountsCalendarDays) {
  EXPECT_EQ((CivilDate{1970, 1, 1}.DaysSinceEpoch()), 0);
  EXPECT_EQ((CivilDate{2000, 3, 1}.DaysSinceEpoch()), 11017);
  EXPECT_EQ((CivilDate{1969, 12, 31}.DaysSinceEpoch()), -1);
}

}  // namespace
}  // namespace billflow
