// Fuzz target: HeaderMap::FromHeader on fields split from the input at '\n' (so names may
// hold commas, quotes and any byte). A map that is built has one position per contract column,
// each pointing at a field whose trimmed, lower-cased name, with ' ' and '-' read as '_', is
// that column; Select picks them; every other field is counted in extra_column_count (the
// first ten named in extra_columns). A failure names a missing or twice-named column.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "csv/header_map.h"
#include "fuzz_check.h"

namespace {

std::string Normalise(std::string_view name) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ' ' || c == '-') c = '_';  // `Bill Amount` and `bill-amount` name bill_amount
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t newline = text.find('\n', start);
    fields.push_back(text.substr(
        start, newline == std::string_view::npos ? std::string_view::npos : newline - start));
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  auto map = billflow::HeaderMap::FromHeader(fields);
  if (!map) {
    const std::string& message = map.error().message;
    FUZZ_CHECK(message.find("missing required column") != std::string::npos ||
               message.find("twice") != std::string::npos);
    return 0;
  }
  FUZZ_CHECK(map->field_count() == fields.size());
  const billflow::RowFields picked = map->Select(fields);
  std::size_t known = 0;
  for (std::size_t c = 0; c < picked.size(); ++c) {
    FUZZ_CHECK(Normalise(picked[c]) == billflow::kColumnNames[c]);
    FUZZ_CHECK(picked[c].data() >= text.data() &&
               picked[c].data() + picked[c].size() <= text.data() + text.size());
  }
  for (std::string_view field : fields) {
    const std::string name = Normalise(field);
    for (auto column : billflow::kColumnNames) known += name == column ? 1U : 0U;
  }
  FUZZ_CHECK(known == picked.size());
  FUZZ_CHECK(map->extra_column_count() == fields.size() - known);
  FUZZ_CHECK(map->extra_columns().size() ==
             std::min(map->extra_column_count(), billflow::HeaderMap::kNamedExtraColumns));
  return 0;
}
