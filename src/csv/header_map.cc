#include "csv/header_map.h"

namespace billflow {
namespace {

std::string NormalizeName(std::string_view name) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Result<HeaderMap> HeaderMap::FromHeader(std::span<const std::string_view> header) {
  HeaderMap map;
  map.field_count_ = header.size();
  std::array<bool, kColumnCount> found{};
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string name = NormalizeName(header[i]);
    bool known = false;
    for (std::size_t c = 0; c < kColumnNames.size(); ++c) {
      if (name != kColumnNames[c]) continue;
      if (found[c]) {
        return Fail(ErrorCode::kInvalidData, "header names column " + name + " twice");
      }
      found[c] = true;
      map.positions_[c] = i;
      known = true;
    }
    if (known) continue;
    if (++map.extra_column_count_ <= kNamedExtraColumns) map.extra_columns_.push_back(name);
  }
  std::string missing;
  for (std::size_t c = 0; c < kColumnNames.size(); ++c) {
    if (found[c]) continue;
    if (!missing.empty()) missing += ", ";
    missing += kColumnNames[c];
  }
  if (!missing.empty()) {
    return Fail(ErrorCode::kInvalidData, "header is missing required column(s): " + missing);
  }
  return map;
}

RowFields HeaderMap::Select(std::span<const std::string_view> fields) const {
  RowFields row;
  for (std::size_t c = 0; c < row.size(); ++c) row[c] = fields[positions_[c]];
  return row;
}

}  // namespace billflow
