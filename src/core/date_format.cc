#include "core/date_format.h"

#include <array>

#include "core/ascii.h"

namespace billflow {
namespace {

constexpr std::array<std::string_view, 12> kMonthAbbreviations = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Reads between min_digits and max_digits digits at text[*pos].
bool ReadNumber(std::string_view text, std::size_t* pos, int min_digits, int max_digits,
                int* value) {
  int digits = 0;
  int number = 0;
  while (digits < max_digits && *pos < text.size() && IsAsciiDigit(text[*pos])) {
    number = number * 10 + (text[*pos] - '0');
    ++*pos;
    ++digits;
  }
  if (digits < min_digits) return false;
  *value = number;
  return true;
}

bool ReadMonthName(std::string_view text, std::size_t* pos, int* month) {
  if (text.size() - *pos < 3) return false;
  for (std::size_t m = 0; m < kMonthAbbreviations.size(); ++m) {
    const std::string_view name = kMonthAbbreviations[m];
    if (Lower(text[*pos]) == name[0] && Lower(text[*pos + 1]) == name[1] &&
        Lower(text[*pos + 2]) == name[2]) {
      *pos += 3;
      *month = static_cast<int>(m) + 1;
      return true;
    }
  }
  return false;
}

}  // namespace

DateParseError ParseDateWithFormat(std::string_view text, std::string_view format,
                                   CivilDate* out) noexcept {
  int year = -1;
  int month = -1;
  int day = -1;
  std::size_t pos = 0;
  for (std::size_t f = 0; f < format.size(); ++f) {
    if (format[f] != '%') {
      if (pos >= text.size() || text[pos] != format[f]) return DateParseError::kBadFormat;
      ++pos;
      continue;
    }
    if (++f == format.size()) return DateParseError::kBadFormat;
    bool ok = false;
    switch (format[f]) {
      case 'Y':
        ok = ReadNumber(text, &pos, 4, 4, &year);
        break;
      case 'm':
        ok = ReadNumber(text, &pos, 1, 2, &month);
        break;
      case 'd':
        ok = ReadNumber(text, &pos, 1, 2, &day);
        break;
      case 'b':
        ok = ReadMonthName(text, &pos, &month);
        break;
      case '%':
        ok = pos < text.size() && text[pos] == '%';
        ++pos;
        break;
      default:
        ok = false;
    }
    if (!ok) return DateParseError::kBadFormat;
  }
  if (pos != text.size() || year < 0 || month < 0 || day < 0) return DateParseError::kBadFormat;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return DateParseError::kNotCalendarDate;
  }
  *out = CivilDate{year, month, day};
  return DateParseError::kNone;
}

std::string CheckDateFormat(std::string_view format) {
  int years = 0;
  int months = 0;
  int days = 0;
  const std::string quoted = "\"" + std::string(format) + "\"";
  for (std::size_t f = 0; f < format.size(); ++f) {
    if (format[f] != '%') continue;
    if (++f == format.size()) return quoted + " ends with a lone %";
    switch (format[f]) {
      case 'Y':
        ++years;
        break;
      case 'm':
      case 'b':
        ++months;
        break;
      case 'd':
        ++days;
        break;
      case '%':
        break;
      default:
        return quoted + " has the unknown directive %" + std::string(1, format[f]) +
               " (use %Y, %m, %d, %b)";
    }
  }
  if (years != 1) return quoted + (years == 0 ? " has no %Y" : " has %Y more than once");
  if (months != 1) return quoted + (months == 0 ? " has no %m or %b" : " has the month twice");
  if (days != 1) return quoted + (days == 0 ? " has no %d" : " has %d more than once");
  return "";
}

}  // namespace billflow
