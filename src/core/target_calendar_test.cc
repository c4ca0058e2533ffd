#include "core/target_calendar.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(TargetCalendarTest, EasterSundayMatchesPublishedDates) {
  EXPECT_EQ(EasterSunday(1999).ToString(), "1999-04-04");
  EXPECT_EQ(EasterSunday(2000).ToString(), "2000-04-23");
  EXPECT_EQ(EasterSunday(2019).ToString(), "2019-04-21");
  EXPECT_EQ(EasterSunday(2024).ToString(), "2024-03-31");
  EXPECT_EQ(EasterSunday(2025).ToString(), "2025-04-20");
  EXPECT_EQ(EasterSunday(2038).ToString(), "2038-04-25");  // the latest possible date
  EXPECT_EQ(EasterSunday(2285).ToString(), "2285-03-22");  // the earliest possible date
}

TEST(TargetCalendarTest, ClosedOnWeekendsAndTheSixHolidays) {
  EXPECT_FALSE(IsTargetWorkingDay({2024, 6, 15}));  // Saturday
  EXPECT_FALSE(IsTargetWorkingDay({2024, 6, 16}));  // Sunday
  EXPECT_TRUE(IsTargetWorkingDay({2024, 6, 17}));
  EXPECT_FALSE(IsTargetWorkingDay({2024, 1, 1}));
  EXPECT_FALSE(IsTargetWorkingDay({2024, 3, 29}));  // Good Friday
  EXPECT_FALSE(IsTargetWorkingDay({2024, 4, 1}));   // Easter Monday
  EXPECT_FALSE(IsTargetWorkingDay({2024, 5, 1}));
  EXPECT_FALSE(IsTargetWorkingDay({2024, 12, 25}));
  EXPECT_FALSE(IsTargetWorkingDay({2024, 12, 26}));
  EXPECT_TRUE(IsTargetWorkingDay({2024, 12, 24}));
  EXPECT_TRUE(IsTargetWorkingDay({2024, 12, 31}));
}

TEST(TargetCalendarTest, FollowsTheAnnualCalendarsBefore2002) {
  EXPECT_TRUE(IsTargetWorkingDay({1999, 4, 2}));     // Good Friday 1999: open
  EXPECT_TRUE(IsTargetWorkingDay({1999, 4, 5}));     // Easter Monday 1999: open
  EXPECT_FALSE(IsTargetWorkingDay({1999, 12, 31}));  // closed for the year 2000 transition
  EXPECT_FALSE(IsTargetWorkingDay({2000, 4, 21}));   // Good Friday 2000
  EXPECT_TRUE(IsTargetWorkingDay({2002, 12, 31}));
  EXPECT_FALSE(IsTargetWorkingDay({2001, 12, 31}));
}

TEST(TargetCalendarTest, MissingWorkingDaysSkipWeekendsAndHolidays) {
  // Thursday 2024-03-28 to Wednesday 2024-04-03 spans Good Friday and Easter Monday.
  std::set<std::int64_t> published = {CivilDate{2024, 3, 28}.DaysSinceEpoch(),
                                      CivilDate{2024, 4, 3}.DaysSinceEpoch()};
  std::vector<std::string> got;
  for (const CivilDate& d : MissingTargetWorkingDays(published, {2024, 3, 28}, {2024, 4, 3})) {
    got.push_back(d.ToString());
  }
  EXPECT_EQ(got, std::vector<std::string>{"2024-04-02"});
  EXPECT_TRUE(MissingTargetWorkingDays(published, {2024, 4, 3}, {2024, 3, 28}).empty());
}

}  // namespace
}  // namespace billflow
