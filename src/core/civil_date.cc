#include "core/civil_date.h"

namespace billflow {

bool IsLeapYear(std::int32_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(std::int32_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

void CivilDate::Format(char out[10]) const {
  int y = year;
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<char>('0' + y % 10);
    y /= 10;
  }
  out[4] = '-';
  out[5] = static_cast<char>('0' + month / 10);
  out[6] = static_cast<char>('0' + month % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + day / 10);
  out[9] = static_cast<char>('0' + day % 10);
}

std::string CivilDate::ToString() const {
  char buffer[10];
  Format(buffer);
  return std::string(buffer, 10);
}

// Howard Hinnant's days_from_civil.
std::int64_t CivilDate::DaysSinceEpoch() const {
  const std::int64_t y = month <= 2 ? year - 1 : year;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = month > 2 ? month - 3 : month + 9;
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Howard Hinnant's civil_from_days.
CivilDate CivilDate::FromDaysSinceEpoch(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return CivilDate{static_cast<std::int32_t>(y), static_cast<std::int32_t>(m),
                   static_cast<std::int32_t>(d)};
}

int CivilDate::IsoWeekdayIndex() const {
  // 1970-01-01 was a Thursday (index 3).
  const std::int64_t index = (DaysSinceEpoch() % 7 + 7 + 3) % 7;
  return static_cast<int>(index);
}

DateParseError ParseCivilDate(std::string_view text, CivilDate* out) noexcept {
  if (text.size() != 10) return DateParseError::kBadFormat;
  const char separator = text[4];
  if ((separator != '-' && separator != '/') || text[7] != separator) {
    return DateParseError::kBadFormat;
  }
  int values[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lengths[3] = {4, 2, 2};
  for (int part = 0; part < 3; ++part) {
    for (int i = 0; i < lengths[part]; ++i) {
      const char c = text[static_cast<std::size_t>(starts[part] + i)];
      if (c < '0' || c > '9') return DateParseError::kBadFormat;
      values[part] = values[part] * 10 + (c - '0');
    }
  }
  const int year = values[0];
  const int month = values[1];
  const int day = values[2];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return DateParseError::kNotCalendarDate;
  }
  *out = CivilDate{year, month, day};
  return DateParseError::kNone;
}

}  // namespace billflow
