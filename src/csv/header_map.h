#ifndef BILLFLOW_CSV_HEADER_MAP_H_
#define BILLFLOW_CSV_HEADER_MAP_H_

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/row_validator.h"

namespace billflow {

// Maps the contract's columns to positions in a file's header: names matched
// case-insensitively with surrounding spaces ignored, any order, extra columns allowed.
class HeaderMap {
 public:
  // Fails (kInvalidData) naming every missing column, or a column named twice.
  [[nodiscard]] static Result<HeaderMap> FromHeader(std::span<const std::string_view> header);

  // Picks the contract columns out of a record that has field_count() fields.
  RowFields Select(std::span<const std::string_view> fields) const;
  std::size_t field_count() const { return field_count_; }
  // Columns the contract does not name: how many, and the first kNamedExtraColumns of them
  // (a header of a million columns must not cost a million strings).
  static constexpr std::size_t kNamedExtraColumns = 10;
  std::size_t extra_column_count() const { return extra_column_count_; }
  const std::vector<std::string>& extra_columns() const { return extra_columns_; }

 private:
  std::array<std::size_t, kColumnCount> positions_{};
  std::size_t field_count_ = 0;
  std::size_t extra_column_count_ = 0;
  std::vector<std::string> extra_columns_;
};

}  // namespace billflow

#endif  // BILLFLOW_CSV_HEADER_MAP_H_
