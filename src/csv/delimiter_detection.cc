#include "csv/delimiter_detection.h"

#include <vector>

namespace billflow {
namespace {

// Splits one line on `delimiter`, dropping the quotes around quoted fields (a header has no
// doubled quotes worth keeping for matching).
std::vector<std::string> SplitLine(std::string_view line, char delimiter, char quote) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (const char c : line) {
    if (c == quote) {
      quoted = !quoted;
    } else if (c == delimiter && !quoted) {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

// Counts the contract columns the split supplies, one field at a time: a header of millions
// of fields costs one field's bytes, not a vector of them.
int Mapped(std::string_view line, char delimiter, char quote, const HeaderOptions& options) {
  std::array<bool, kColumnCount> found{};
  int count = 0;
  std::string field;
  const auto settle = [&] {
    const int column = HeaderMap::ColumnOfHeader(field, options);
    field.clear();
    if (column < 0 || found[static_cast<std::size_t>(column)]) return;
    found[static_cast<std::size_t>(column)] = true;
    ++count;
  };
  bool quoted = false;
  for (const char c : line) {
    if (c == quote) {
      quoted = !quoted;
    } else if (c == delimiter && !quoted) {
      settle();
    } else {
      field.push_back(c);
    }
  }
  settle();
  return count;
}

}  // namespace

std::string DelimiterName(char delimiter) {
  if (delimiter == '\t') return "tab";
  return "\"" + std::string(1, delimiter) + "\"";
}

Result<DelimiterChoice> DetectDelimiter(std::string_view header_line, const HeaderOptions& options,
                                        char quote) {
  std::array<int, kDelimiterCandidates.size()> counts{};
  std::size_t best = 0;
  bool tie = false;
  for (std::size_t i = 0; i < kDelimiterCandidates.size(); ++i) {
    counts[i] = Mapped(header_line, kDelimiterCandidates[i], quote, options);
    if (i == 0 || counts[i] > counts[best]) {
      best = i;
      tie = false;
    } else if (counts[i] == counts[best]) {
      tie = true;
    }
  }
  std::string tried;
  for (std::size_t i = 0; i < kDelimiterCandidates.size(); ++i) {
    if (i == best) continue;
    tried += (tried.empty() ? "" : ", ") + DelimiterName(kDelimiterCandidates[i]) + " maps " +
             std::to_string(counts[i]);
  }
  if (tie || counts[best] == 0) {
    const std::vector<std::string> fields = SplitLine(header_line, ',', quote);
    const std::vector<std::string_view> views(fields.begin(), fields.end());
    auto comma = HeaderMap::FromHeader(views, options);
    std::string message = comma ? "header is ambiguous" : comma.error().message;
    message += " (tried delimiters \",\" \";\" tab \"|\": ";
    for (std::size_t i = 0; i < kDelimiterCandidates.size(); ++i) {
      message += (i == 0 ? "" : ", ") + DelimiterName(kDelimiterCandidates[i]) + " maps " +
                 std::to_string(counts[i]);
    }
    message += " of 9 columns); set delimiter or columns";
    return Fail(ErrorCode::kInvalidData, message);
  }
  DelimiterChoice choice;
  choice.delimiter = kDelimiterCandidates[best];
  choice.mapped_columns = counts[best];
  choice.reason = DelimiterName(choice.delimiter) + " maps " + std::to_string(counts[best]) +
                  " of 9 columns (" + tried + ")";
  return choice;
}

}  // namespace billflow
