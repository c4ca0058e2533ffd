// How billflow_gen spells its rows: the same logical rows in any of these dialects load to the
// same totals with the matching billflow flags (--encoding, --delimiter, --decimal-separator,
// --thousands-separator, --date-format).
#ifndef BILLFLOW_BENCH_GEN_FILE_DIALECT_H_
#define BILLFLOW_BENCH_GEN_FILE_DIALECT_H_

#include <string>

namespace billflow_gen {

enum class Encoding {
  kUtf8,
  kWindows1252,  // characters outside windows-1252 (東京, 🐄) are written as '?'
  kUtf16Le,      // with a byte order mark
};

struct FileDialect {
  Encoding encoding = Encoding::kUtf8;
  char delimiter = ',';
  char decimal_separator = '.';
  char thousands_separator = '\0';  // none; else every three digits of the whole part
  // %Y, %m and %d (two digits) and literal characters; empty: ISO 8601 with 5% of the rows in
  // the YYYY/MM/DD spelling billflow also accepts by default.
  std::string date_format;
};

}  // namespace billflow_gen

#endif  // BILLFLOW_BENCH_GEN_FILE_DIALECT_H_
