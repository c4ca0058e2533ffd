#ifndef BILLFLOW_CORE_DATE_FORMAT_H_
#define BILLFLOW_CORE_DATE_FORMAT_H_

#include <string>
#include <string_view>

#include "core/civil_date.h"

namespace billflow {

// Parses `text` as `format` describes it: `%Y` four digits, `%m` and `%d` one or two
// digits, `%b` an English month abbreviation (Jan..Dec, any case), `%%` a percent sign, any
// other character itself. The whole text must match. noexcept, no allocation. A format that
// CheckDateFormat refuses never matches.
[[nodiscard]] DateParseError ParseDateWithFormat(std::string_view text, std::string_view format,
                                                 CivilDate* out) noexcept;

// Empty when `format` is usable (year, month and day each exactly once, no unknown `%`
// directive); otherwise one sentence saying what is wrong, e.g. `"%d.%m" has no %Y`.
std::string CheckDateFormat(std::string_view format);

}  // namespace billflow

#endif  // BILLFLOW_CORE_DATE_FORMAT_H_
