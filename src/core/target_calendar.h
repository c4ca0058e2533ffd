#ifndef BILLFLOW_CORE_TARGET_CALENDAR_H_
#define BILLFLOW_CORE_TARGET_CALENDAR_H_

#include <cstdint>
#include <set>
#include <vector>

#include "core/civil_date.h"

namespace billflow {

// Easter Sunday of a Gregorian year (the Catholic/Protestant date TARGET follows).
CivilDate EasterSunday(std::int32_t year);

// Whether the TARGET payment system is open on `date`, i.e. whether the ECB publishes
// reference rates that day. Closed on Saturdays and Sundays, 1 January and 25 December; from
// 2000 also on Good Friday, Easter Monday, 1 May and 26 December; on 31 December of 1998, 1999
// and 2001 (the ECB's annual calendars before its long-term one of 2002).
bool IsTargetWorkingDay(CivilDate date);

// The TARGET working days in [from, to] whose day number (CivilDate::DaysSinceEpoch) is not
// in `published_days`, oldest first. Empty when from > to.
std::vector<CivilDate> MissingTargetWorkingDays(const std::set<std::int64_t>& published_days,
                                                CivilDate from, CivilDate to);

}  // namespace billflow

#endif  // BILLFLOW_CORE_TARGET_CALENDAR_H_
