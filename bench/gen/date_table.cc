#include "gen/date_table.h"

#include <array>

namespace billflow_gen {
namespace {

constexpr int kFirstYear = 2023;
constexpr int kLastYear = 2025;

struct Ymd {
  int year;
  int month;
  int day;
};

// Not calendar dates.
constexpr std::array<Ymd, 5> kImpossible = {
    {{2023, 2, 30}, {2023, 2, 29}, {2024, 4, 31}, {2025, 6, 31}, {2025, 13, 1}}};
// Without a format, day/month order cannot be told apart. Under a format that reads them
// (%m/%d/%Y), that spelling would be valid: there the defect is a day 00 instead.
constexpr std::array<std::string_view, 4> kAmbiguous = {"03/04/2024", "11/12/2023", "01/02/2025",
                                                        "07/08/2024"};
constexpr std::array<Ymd, 4> kDayZero = {{{2024, 3, 0}, {2023, 11, 0}, {2025, 1, 0}, {2024, 7, 0}}};

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) {
    return 29;
  }
  return kDays[static_cast<size_t>(month - 1)];
}

void AppendTwoDigits(int value, std::string& text) {
  text.push_back(static_cast<char>('0' + value / 10));
  text.push_back(static_cast<char>('0' + value % 10));
}

// "2024-03-09" for "%Y-%m-%d".
std::string FormatDate(const Ymd& date, std::string_view format) {
  std::string text;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      text.push_back(format[i]);
      continue;
    }
    const char spec = format[++i];
    if (spec == 'Y') {
      text += std::to_string(date.year);
    } else if (spec == 'm') {
      AppendTwoDigits(date.month, text);
    } else {
      AppendTwoDigits(date.day, text);
    }
  }
  return text;
}

}  // namespace

std::string CheckDateFormat(std::string_view format, char delimiter) {
  if (format.empty()) {
    return "";
  }
  std::array<int, 3> seen = {0, 0, 0};  // %Y %m %d
  for (size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
      return "holds the delimiter, a quote or a line break";
    }
    if (c != '%') {
      continue;
    }
    const char spec = i + 1 < format.size() ? format[++i] : '\0';
    const size_t slot = spec == 'Y' ? 0 : spec == 'm' ? 1 : spec == 'd' ? 2 : 3;
    if (slot == 3) {
      return "only %Y, %m and %d are written";
    }
    ++seen[slot];
  }
  if (seen != std::array<int, 3>{1, 1, 1}) {
    return "needs each of %Y, %m and %d once";
  }
  return "";
}

DateTable::DateTable(const std::string& format) {
  const std::string_view spelling = format.empty() ? std::string_view("%Y-%m-%d") : format;
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= DaysInMonth(year, month); ++day) {
        dashed_.push_back(FormatDate({year, month, day}, spelling));
        if (format.empty()) {
          slashed_.push_back(FormatDate({year, month, day}, "%Y/%m/%d"));
        }
      }
    }
  }
  for (const Ymd& date : kImpossible) {
    impossible_.push_back(FormatDate(date, spelling));
  }
  if (format.empty()) {
    ambiguous_.assign(kAmbiguous.begin(), kAmbiguous.end());
  } else {
    for (const Ymd& date : kDayZero) {
      ambiguous_.push_back(FormatDate(date, spelling));
    }
  }
}

}  // namespace billflow_gen
