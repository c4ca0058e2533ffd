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

TEST(CivilDateTest, FromDaysSinceEpochInvertsEveryDayOfFourCenturies) {
  for (std::int64_t day = CivilDate{1900, 1, 1}.DaysSinceEpoch();
       day <= CivilDate{2300, 12, 31}.DaysSinceEpoch(); ++day) {
    ASSERT_EQ(CivilDate::FromDaysSinceEpoch(day).DaysSinceEpoch(), day);
  }
  EXPECT_EQ(CivilDate::FromDaysSinceEpoch(11017).ToString(), "2000-03-01");
  EXPECT_EQ(CivilDate::FromDaysSinceEpoch(-1).ToString(), "1969-12-31");
}

TEST(CivilDateTest, IsoWeekdayIndexStartsOnMonday) {
  EXPECT_EQ((CivilDate{1970, 1, 1}.IsoWeekdayIndex()), 3);    // Thursday
  EXPECT_EQ((CivilDate{2024, 6, 17}.IsoWeekdayIndex()), 0);   // Monday
  EXPECT_EQ((CivilDate{2024, 6, 16}.IsoWeekdayIndex()), 6);   // Sunday
  EXPECT_EQ((CivilDate{1969, 12, 29}.IsoWeekdayIndex()), 0);  // Monday before the epoch
}

}  // namespace
}  // namespace billflow
