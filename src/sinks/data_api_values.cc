#include "sinks/data_api_values.h"

#include <charconv>
#include <variant>

#include "crypto/sha256.h"

namespace billflow::data_api {

std::string SourceKey(const std::string& source) { return ToHex(Sha256::Of(source)); }

std::int64_t AsLong(const SqlValue& value) {
  if (const auto* n = std::get_if<std::int64_t>(&value)) return *n;
  if (const auto* s = std::get_if<std::string>(&value)) {
    std::int64_t n = 0;
    std::from_chars(s->data(), s->data() + s->size(), n);
    return n;
  }
  return 0;
}

std::string AsText(const SqlValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&value)) return std::to_string(*n);
  if (const auto* b = std::get_if<SqlBlob>(&value)) return b->bytes;
  return {};
}

Status CheckColumns(const std::vector<SqlValue>& record, std::size_t columns,
                    const std::string& what) {
  if (record.size() >= columns) return Ok();
  return Fail(ErrorCode::kInvalidData, what + ": the answer has " + std::to_string(record.size()) +
                                           " columns, expected " + std::to_string(columns));
}

SqlParameter Long(const char* name, std::int64_t value) { return {name, value, TypeHint::kNone}; }
SqlParameter Text(const char* name, std::string_view value) {
  return {name, std::string(value), TypeHint::kNone};
}
SqlParameter OptionalText(const char* name, std::string_view value) {
  if (value.empty()) return {name, std::monostate{}, TypeHint::kNone};
  return Text(name, value);
}
SqlParameter Dec(const char* name, const Decimal& value) {
  return {name, value.ToString(), TypeHint::kDecimal};
}

Error Named(Error error, const std::string& what) {
  error.message = what + ": " + error.message;
  return error;
}

}  // namespace billflow::data_api
