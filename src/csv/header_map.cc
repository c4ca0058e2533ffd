#include "csv/header_map.h"

#include "core/ascii.h"

namespace billflow {
std::string HeaderMap::MatchKey(std::string_view name) {
  std::string key = AsciiLower(TrimAscii(name));
  for (char& c : key) {
    if (c == ' ' || c == '-') c = '_';
  }
  return key;
}

int HeaderMap::ColumnOfField(std::string_view field) {
  for (std::size_t c = 0; c < kColumnNames.size(); ++c) {
    if (field == kColumnNames[c]) return static_cast<int>(c);
  }
  return -1;
}

int HeaderMap::ColumnOfHeader(std::string_view name, const HeaderOptions& options) {
  const std::string key = MatchKey(name);
  for (const auto& [alias, field] : options.columns) {
    if (MatchKey(alias) == key) return ColumnOfField(field);
  }
  return ColumnOfField(key);
}

int HeaderMap::CountMapped(std::span<const std::string_view> header, const HeaderOptions& options) {
  std::array<bool, kColumnCount> found{};
  int count = 0;
  for (const std::string_view name : header) {
    const int column = ColumnOfHeader(name, options);
    if (column < 0 || found[static_cast<std::size_t>(column)]) continue;
    found[static_cast<std::size_t>(column)] = true;
    ++count;
  }
  return count;
}

Result<HeaderMap> HeaderMap::FromHeader(std::span<const std::string_view> header,
                                        const HeaderOptions& options) {
  for (const auto& [alias, field] : options.columns) {
    if (ColumnOfField(field) < 0) {
      return Fail(ErrorCode::kInvalidData,
                  "columns maps \"" + alias + "\" to unknown field " + field);
    }
  }
  HeaderMap map;
  map.field_count_ = header.size();
  std::array<bool, kColumnCount> found{};
  for (std::size_t i = 0; i < header.size(); ++i) {
    const int column = ColumnOfHeader(header[i], options);
    if (column < 0) {
      if (++map.extra_column_count_ <= kNamedExtraColumns) {
        map.extra_columns_.push_back(AsciiLower(TrimAscii(header[i])));
      }
      continue;
    }
    const auto c = static_cast<std::size_t>(column);
    if (found[c]) {
      return Fail(ErrorCode::kInvalidData,
                  "header names column " + std::string(kColumnNames[c]) + " twice");
    }
    found[c] = true;
    map.positions_[c] = i;
    map.source_names_[c] = std::string(TrimAscii(header[i]));
  }
  for (const auto& [field, value] : options.defaults) {
    const int column = ColumnOfField(field);
    if (column < 0) {
      return Fail(ErrorCode::kInvalidData, "defaults names unknown field " + field);
    }
    const auto c = static_cast<std::size_t>(column);
    if (found[c]) continue;  // the file's own column wins
    found[c] = true;
    map.positions_[c] = kFromDefault;
    map.defaults_[c] = value;
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
  for (std::size_t c = 0; c < row.size(); ++c) {
    row[c] = positions_[c] == kFromDefault ? std::string_view(defaults_[c]) : fields[positions_[c]];
  }
  return row;
}

}  // namespace billflow
