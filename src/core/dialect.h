#ifndef BILLFLOW_CORE_DIALECT_H_
#define BILLFLOW_CORE_DIALECT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace billflow {

// How one file writes its data: the effective settings after flags, profile and detection
// are resolved. A plain value; the default is the contract's own dialect (UTF-8, comma, `.`
// decimals, no thousands separator, ISO dates, no title lines, the contract's column names),
// with the encoding and delimiter detected per file.
struct Dialect {
  // iconv name of the file's encoding ("utf-8", "utf-16le", "windows-1252", ...). Empty =
  // detect: a UTF-8 or UTF-16 byte-order mark is honoured, else UTF-8.
  std::string encoding;
  // Field separator; '\0' (the default) = detect among , ; tab | from the header.
  char delimiter = '\0';
  char quote = '"';
  char decimal_separator = '.';  // '.' or ','
  // UTF-8 bytes of the thousands separator ("." "," "'" " " U+00A0 U+202F); empty = none.
  std::string thousands_separator;
  // strptime-like patterns tried in order (%Y, %m, %d, %b); empty = YYYY-MM-DD, YYYY/MM/DD.
  std::vector<std::string> date_formats;
  std::uint32_t skip_lines = 0;  // lines before the header
  // Header text in the file -> contract field name, in the order given.
  std::vector<std::pair<std::string, std::string>> columns;
  // Contract field name -> constant, for fields the file does not have.
  std::vector<std::pair<std::string, std::string>> defaults;

  // One line per setting, in a fixed order: hashed into the ledger so that the same bytes
  // read with other settings count as a new version of the file.
  std::string CanonicalText() const;
};

}  // namespace billflow

#endif  // BILLFLOW_CORE_DIALECT_H_
