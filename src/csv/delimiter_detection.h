#ifndef BILLFLOW_CSV_DELIMITER_DETECTION_H_
#define BILLFLOW_CSV_DELIMITER_DETECTION_H_

#include <array>
#include <string>
#include <string_view>

#include "core/result.h"
#include "csv/header_map.h"

namespace billflow {

// The candidates, in the order a tie is reported: , ; tab |
inline constexpr std::array<char, 4> kDelimiterCandidates = {',', ';', '\t', '|'};

struct DelimiterChoice {
  char delimiter = ',';
  int mapped_columns = 0;  // contract fields the header supplies with it
  std::string reason;      // for people: `";" maps 9 of 9 columns ("," maps 1)`
};

// Picks the candidate that splits `header_line` (one line, quotes honoured) into the most
// contract columns (HeaderMap::CountMapped with `options`). A tie for the most, or no
// column at all, fails (kInvalidData) with the missing-columns message of the comma split,
// followed by what was tried and the setting that decides it.
[[nodiscard]] Result<DelimiterChoice> DetectDelimiter(std::string_view header_line,
                                                      const HeaderOptions& options,
                                                      char quote = '"');

// How people read a delimiter in messages and profiles: "," ";" "|" or tab.
std::string DelimiterName(char delimiter);

}  // namespace billflow

#endif  // BILLFLOW_CSV_DELIMITER_DETECTION_H_
