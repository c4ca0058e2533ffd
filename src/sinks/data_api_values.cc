#include "sinks/data_api_values.h"

#include <charconv>
#include <variant>

namespace billflow::data_api {

TextCell AsCell(const SqlValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&value)) return std::to_string(*n);
  if (const auto* b = std::get_if<SqlBlob>(&value)) return b->bytes;
  if (const auto* flag = std::get_if<bool>(&value)) return std::string(*flag ? "1" : "0");
  if (const auto* d = std::get_if<double>(&value)) {
    char buffer[32];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, *d);
    return std::string(buffer, error == std::errc() ? end : buffer);
  }
  return std::nullopt;
}

SqlParameterSet Parameters(std::span<const SqlArg> args) {
  SqlParameterSet out;
  out.reserve(args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    const SqlArg& arg = args[i];
    std::string name = "p" + std::to_string(i + 1);
    switch (arg.kind) {
      case SqlArg::Kind::kNull:
        out.push_back({std::move(name), std::monostate{}, TypeHint::kNone});
        break;
      case SqlArg::Kind::kInt:
        out.push_back({std::move(name), arg.number, TypeHint::kNone});
        break;
      case SqlArg::Kind::kBytes:
        out.push_back({std::move(name), SqlBlob{arg.text}, TypeHint::kNone});
        break;
      case SqlArg::Kind::kText:
        out.push_back({std::move(name), arg.text, TypeHint::kNone});
        break;
      case SqlArg::Kind::kDate:
        out.push_back({std::move(name), arg.text, TypeHint::kDate});
        break;
      case SqlArg::Kind::kDecimal:
        out.push_back({std::move(name), arg.text, TypeHint::kDecimal});
        break;
    }
  }
  return out;
}

std::int64_t AsLong(const SqlValue& value) {
  if (const auto* n = std::get_if<std::int64_t>(&value)) return *n;
  if (const auto* s = std::get_if<std::string>(&value)) {
    std::int64_t n = 0;
    std::from_chars(s->data(), s->data() + s->size(), n);
    return n;
  }
  return 0;
}

std::optional<std::int64_t> AsExactLong(const SqlValue& value) {
  if (const auto* n = std::get_if<std::int64_t>(&value)) return *n;
  if (const auto* s = std::get_if<std::string>(&value)) {
    std::int64_t n = 0;
    auto [end, error] = std::from_chars(s->data(), s->data() + s->size(), n);
    if (error == std::errc() && end == s->data() + s->size()) return n;
  }
  return std::nullopt;
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
SqlParameter Text(std::string name, std::string_view value) {
  return {std::move(name), std::string(value), TypeHint::kNone};
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
