#ifndef BILLFLOW_CORE_CIVIL_DATE_H_
#define BILLFLOW_CORE_CIVIL_DATE_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace billflow {

// A proleptic-Gregorian calendar date without time zone.
struct CivilDate {
  std::int32_t year = 1970;
  std::int32_t month = 1;  // 1..12
  std::int32_t day = 1;    // 1..31

  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;

  // "YYYY-MM-DD".
  std::string ToString() const;
  // Writes "YYYY-MM-DD" into out[0..9] without allocating.
  void Format(char out[10]) const;
  // Days since 1970-01-01 (negative before).
  std::int64_t DaysSinceEpoch() const;
  // The inverse of DaysSinceEpoch.
  static CivilDate FromDaysSinceEpoch(std::int64_t days);
  // 0 = Monday … 6 = Sunday (ISO 8601 order).
  int IsoWeekdayIndex() const;
};

enum class DateParseError {
  kNone,
  kBadFormat,        // not YYYY-MM-DD or YYYY/MM/DD
  kNotCalendarDate,  // well formed, but no such day (2023-02-30)
};

bool IsLeapYear(std::int32_t year);
int DaysInMonth(std::int32_t year, int month);

// Parses YYYY-MM-DD, or YYYY/MM/DD (normalized); noexcept, no allocation. Years 1000..9999.
[[nodiscard]] DateParseError ParseCivilDate(std::string_view text, CivilDate* out) noexcept;

}  // namespace billflow

#endif  // BILLFLOW_CORE_CIVIL_DATE_H_
