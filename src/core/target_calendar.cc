#include "core/target_calendar.h"

namespace billflow {

CivilDate EasterSunday(std::int32_t year) {
  // The anonymous Gregorian computus (Meeus, Astronomical Algorithms, ch. 8).
  const std::int32_t a = year % 19;
  const std::int32_t b = year / 100;
  const std::int32_t c = year % 100;
  const std::int32_t d = b / 4;
  const std::int32_t e = b % 4;
  const std::int32_t f = (b + 8) / 25;
  const std::int32_t g = (b - f + 1) / 3;
  const std::int32_t h = (19 * a + b - d - g + 15) % 30;
  const std::int32_t i = c / 4;
  const std::int32_t k = c % 4;
  const std::int32_t l = (32 + 2 * e + 2 * i - h - k) % 7;
  const std::int32_t m = (a + 11 * h + 22 * l) / 451;
  const std::int32_t month = (h + l - 7 * m + 114) / 31;
  const std::int32_t day = (h + l - 7 * m + 114) % 31 + 1;
  return CivilDate{year, month, day};
}

bool IsTargetWorkingDay(CivilDate date) {
  if (date.IsoWeekdayIndex() >= 5) return false;
  const int md = date.month * 100 + date.day;
  if (md == 101 || md == 1225) return false;
  if (date.year >= 2000) {
    if (md == 501 || md == 1226) return false;
    const std::int64_t easter = EasterSunday(date.year).DaysSinceEpoch();
    const std::int64_t day = date.DaysSinceEpoch();
    if (day == easter - 2 || day == easter + 1) return false;
  }
  if (md == 1231 && (date.year == 1998 || date.year == 1999 || date.year == 2001)) return false;
  return true;
}

std::vector<CivilDate> MissingTargetWorkingDays(const std::set<std::int64_t>& published_days,
                                                CivilDate from, CivilDate to) {
  std::vector<CivilDate> missing;
  for (std::int64_t day = from.DaysSinceEpoch(); day <= to.DaysSinceEpoch(); ++day) {
    if (published_days.contains(day)) continue;
    const CivilDate date = CivilDate::FromDaysSinceEpoch(day);
    if (IsTargetWorkingDay(date)) missing.push_back(date);
  }
  return missing;
}

}  // namespace billflow
