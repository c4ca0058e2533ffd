#include "core/dialect.h"

namespace billflow {
namespace {

// Length-prefixed so that no value can forge the boundary of the next one.
void AppendValue(std::string_view key, std::string_view value, std::string* out) {
  out->append(key).append("=").append(std::to_string(value.size())).append(":");
  out->append(value).append("\n");
}

}  // namespace

std::string Dialect::CanonicalText() const {
  std::string out;
  AppendValue("encoding", encoding, &out);
  AppendValue("delimiter", std::string(1, delimiter), &out);
  AppendValue("quote", std::string(1, quote), &out);
  AppendValue("decimal_separator", std::string(1, decimal_separator), &out);
  AppendValue("thousands_separator", thousands_separator, &out);
  for (const auto& format : date_formats) AppendValue("date_format", format, &out);
  AppendValue("skip_lines", std::to_string(skip_lines), &out);
  for (const auto& [name, field] : columns) {
    AppendValue("column", name, &out);
    AppendValue("field", field, &out);
  }
  for (const auto& [field, value] : defaults) {
    AppendValue("default", field, &out);
    AppendValue("value", value, &out);
  }
  return out;
}

}  // namespace billflow
