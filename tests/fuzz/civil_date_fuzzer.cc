// Fuzz target: ParseCivilDate. An accepted date is a real calendar day whose text is the
// input with '/' normalised to '-'; it formats, re-parses equal, and its day number is one
// more than the previous day's.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/civil_date.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using billflow::CivilDate;
  using billflow::DateParseError;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CivilDate date{1999, 9, 9};
  const DateParseError error = billflow::ParseCivilDate(text, &date);
  if (error != DateParseError::kNone) {
    FUZZ_CHECK(date == (CivilDate{1999, 9, 9}));
    if (size != 10) FUZZ_CHECK(error == DateParseError::kBadFormat);
    return 0;
  }
  FUZZ_CHECK(size == 10);
  FUZZ_CHECK(date.year >= 1000 && date.year <= 9999);
  FUZZ_CHECK(date.month >= 1 && date.month <= 12);
  FUZZ_CHECK(date.day >= 1 && date.day <= billflow::DaysInMonth(date.year, date.month));
  std::string normalised(text);
  if (normalised[4] == '/') normalised[4] = normalised[7] = '-';
  FUZZ_CHECK(date.ToString() == normalised);
  CivilDate again;
  FUZZ_CHECK(billflow::ParseCivilDate(date.ToString(), &again) == DateParseError::kNone &&
             again == date);

  CivilDate previous = date;
  if (--previous.day == 0) {
    if (--previous.month == 0) {
      previous.month = 12;
      --previous.year;
    }
    previous.day = billflow::DaysInMonth(previous.year, previous.month);
  }
  FUZZ_CHECK(date.DaysSinceEpoch() == previous.DaysSinceEpoch() + 1);
  FUZZ_CHECK(previous < date);
  return 0;
}
