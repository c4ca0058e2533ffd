// Every day of 2023-01-01..2025-12-31, precomputed in the spelling of the file's date format,
// and the spellings of the two date defects (not a calendar date; day and month order unknown).
#ifndef BILLFLOW_BENCH_GEN_DATE_TABLE_H_
#define BILLFLOW_BENCH_GEN_DATE_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace billflow_gen {

// Empty when `format` (see FileDialect::date_format) can be written in a file delimited by
// `delimiter`, else why not.
std::string CheckDateFormat(std::string_view format, char delimiter);

class DateTable {
 public:
  // `format` passed CheckDateFormat (or is empty: ISO 8601).
  explicit DateTable(const std::string& format);

  [[nodiscard]] size_t DayCount() const { return dashed_.size(); }
  // Day `index` (< DayCount()); `slashed` picks YYYY/MM/DD, and only counts without a format.
  [[nodiscard]] std::string_view Valid(size_t index, bool slashed) const {
    return slashed && !slashed_.empty() ? slashed_[index] : dashed_[index];
  }
  // Rejected by billflow under the matching --date-format (or none).
  [[nodiscard]] std::string_view Impossible(uint64_t variant) const {
    return impossible_[variant % impossible_.size()];
  }
  [[nodiscard]] std::string_view Ambiguous(uint64_t variant) const {
    return ambiguous_[variant % ambiguous_.size()];
  }

 private:
  std::vector<std::string> dashed_;   // 2024-03-09, or the format's spelling
  std::vector<std::string> slashed_;  // 2024/03/09; empty with a format
  std::vector<std::string> impossible_;
  std::vector<std::string> ambiguous_;
};

}  // namespace billflow_gen

#endif  // BILLFLOW_BENCH_GEN_DATE_TABLE_H_
