#include "core/date_format.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

std::string Parsed(std::string_view text, std::string_view format) {
  CivilDate date;
  switch (ParseDateWithFormat(text, format, &date)) {
    case DateParseError::kNone:
      return date.ToString();
    case DateParseError::kBadFormat:
      return "bad format";
    case DateParseError::kNotCalendarDate:
      return "not a date";
  }
  return "?";
}

TEST(DateFormatTest, DayAndMonthTakeOneOrTwoDigits) {
  EXPECT_EQ(Parsed("01.06.2025", "%d.%m.%Y"), "2025-06-01");
  EXPECT_EQ(Parsed("1.6.2025", "%d.%m.%Y"), "2025-06-01");
  EXPECT_EQ(Parsed("6/2/2025", "%m/%d/%Y"), "2025-06-02");
  EXPECT_EQ(Parsed("2025-6-2", "%Y-%m-%d"), "2025-06-02");
}

TEST(DateFormatTest, MonthAbbreviationsInAnyCase) {
  EXPECT_EQ(Parsed("02-Jun-2025", "%d-%b-%Y"), "2025-06-02");
  EXPECT_EQ(Parsed("2 DEC 2025", "%d %b %Y"), "2025-12-02");
  EXPECT_EQ(Parsed("2 Dez 2025", "%d %b %Y"), "bad format");
}

TEST(DateFormatTest, WholeTextMustMatch) {
  EXPECT_EQ(Parsed("01.06.2025 ", "%d.%m.%Y"), "bad format");
  EXPECT_EQ(Parsed("01.06.25", "%d.%m.%Y"), "bad format");
  EXPECT_EQ(Parsed("123.06.2025", "%d.%m.%Y"), "bad format");
  EXPECT_EQ(Parsed("", "%d.%m.%Y"), "bad format");
}

TEST(DateFormatTest, ImpossibleDaysAreNotDates) {
  EXPECT_EQ(Parsed("29.02.2023", "%d.%m.%Y"), "not a date");
  EXPECT_EQ(Parsed("29.02.2024", "%d.%m.%Y"), "2024-02-29");
  EXPECT_EQ(Parsed("01.13.2024", "%d.%m.%Y"), "not a date");
}

TEST(DateFormatTest, CheckNamesWhatIsWrong) {
  EXPECT_EQ(CheckDateFormat("%d.%m.%Y"), "");
  EXPECT_EQ(CheckDateFormat("%d-%b-%Y"), "");
  EXPECT_EQ(CheckDateFormat("%d.%m"), "\"%d.%m\" has no %Y");
  EXPECT_EQ(CheckDateFormat("%d.%m.%y"),
            "\"%d.%m.%y\" has the unknown directive %y (use %Y, %m, %d, %b)");
  EXPECT_EQ(CheckDateFormat("%Y-%m-%m"), "\"%Y-%m-%m\" has the month twice");
  EXPECT_EQ(CheckDateFormat("%Y-%m-%d%"), "\"%Y-%m-%d%\" ends with a lone %");
}

}  // namespace
}  // namespace billflow
