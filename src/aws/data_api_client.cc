#include "aws/data_api_client.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "aws/aws_error.h"
#include "aws/data_api_error.h"
#include "aws/sigv4_signer.h"

namespace billflow {
namespace {

using nlohmann::json;

// Invalid UTF-8 (possible in a rejected row's raw bytes) becomes U+FFFD instead of throwing.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

const char* TypeHintName(TypeHint hint) {
  switch (hint) {
    case TypeHint::kNone:
      return nullptr;
    case TypeHint::kDecimal:
      return "DECIMAL";
    case TypeHint::kDate:
      return "DATE";
    case TypeHint::kTime:
      return "TIME";
    case TypeHint::kTimestamp:
      return "TIMESTAMP";
    case TypeHint::kJson:
      return "JSON";
    case TypeHint::kUuid:
      return "UUID";
  }
  return nullptr;
}

// A JSON string literal of `text`, invalid UTF-8 replaced by U+FFFD (as Dump() does).
void AppendJsonString(const std::string& text, std::string* out) {
  out->append(json(text).dump(-1, ' ', false, json::error_handler_t::replace));
}

// The JSON of one parameter set, written without building a json document (a ~3,000-row batch
// as a document held ~15 MiB, the largest part of the Data API sink's memory). Keys come in the
// order json's sorted objects print them, so the text is what json::dump() would give.
void AppendParametersJson(const SqlParameterSet& parameters, std::string* out) {
  struct Value {
    std::string* out;
    void operator()(std::monostate) const { out->append(R"({"isNull":true})"); }
    void operator()(const std::string& text) const {
      out->append(R"({"stringValue":)");
      AppendJsonString(text, out);
      out->push_back('}');
    }
    void operator()(std::int64_t n) const {
      out->append(R"({"longValue":)").append(std::to_string(n)).push_back('}');
    }
    void operator()(double d) const { out->append(Dump(json{{"doubleValue", d}})); }
    void operator()(bool b) const {
      out->append(b ? R"({"booleanValue":true})" : R"({"booleanValue":false})");
    }
    void operator()(const SqlBlob& blob) const {
      out->append(R"({"blobValue":")")
          .append(DataApiClient::Base64Encode(blob.bytes))
          .append("\"}");
    }
  };
  out->push_back('[');
  bool first = true;
  for (const SqlParameter& parameter : parameters) {
    if (!first) out->push_back(',');
    first = false;
    out->append(R"({"name":)");
    AppendJsonString(parameter.name, out);
    if (const char* hint = TypeHintName(parameter.type_hint)) {
      out->append(R"(,"typeHint":")").append(hint).push_back('"');
    }
    out->append(R"(,"value":)");
    std::visit(Value{out}, parameter.value);
    out->push_back('}');
  }
  out->push_back(']');
}

// The body of /Execute and /BatchExecute, keys in json's sorted order; `append_parameters`
// writes the value of `parameters_key` ("parameters" or "parameterSets"), or is empty.
std::string StatementBody(const DataApiTarget& target, const std::string& sql,
                          const std::string& transaction_id, std::string_view parameters_key,
                          const std::function<void(std::string*)>& append_parameters) {
  std::string body = "{";
  if (!target.database.empty()) {
    body.append(R"("database":)");
    AppendJsonString(target.database, &body);
    body.push_back(',');
  }
  if (append_parameters) {
    body.append("\"").append(parameters_key).append("\":");
    append_parameters(&body);
    body.push_back(',');
  }
  body.append(R"("resourceArn":)");
  AppendJsonString(target.resource_arn, &body);
  body.append(R"(,"secretArn":)");
  AppendJsonString(target.secret_arn, &body);
  body.append(R"(,"sql":)");
  AppendJsonString(sql, &body);
  if (!transaction_id.empty()) {
    body.append(R"(,"transactionId":)");
    AppendJsonString(transaction_id, &body);
  }
  body.push_back('}');
  return body;
}

SqlValue ValueFromField(const json& field) {
  if (!field.is_object()) return std::monostate{};
  if (auto it = field.find("stringValue"); it != field.end() && it->is_string()) {
    return it->get<std::string>();
  }
  if (auto it = field.find("longValue"); it != field.end() && it->is_number_integer()) {
    return it->get<std::int64_t>();
  }
  if (auto it = field.find("doubleValue"); it != field.end() && it->is_number()) {
    return it->get<double>();
  }
  if (auto it = field.find("booleanValue"); it != field.end() && it->is_boolean()) {
    return it->get<bool>();
  }
  if (auto it = field.find("blobValue"); it != field.end() && it->is_string()) {
    std::optional<std::string> bytes = DataApiClient::Base64Decode(it->get<std::string>());
    if (bytes) return SqlBlob{std::move(*bytes)};
  }
  return std::monostate{};
}

}  // namespace

DataApiClient::DataApiClient(HttpClient* http, AwsConfig config, DataApiTarget target, Clock clock,
                             DataApiOptions options)
    : http_(http),
      config_(std::move(config)),
      target_(std::move(target)),
      clock_(std::move(clock)),
      options_(std::move(options)) {
  if (!options_.sleep) {
    options_.sleep = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
  }
}

std::string DataApiClient::Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t n = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                      (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                      std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63],
            kAlphabet[n & 63]};
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2) n |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> DataApiClient::Base64Decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string DataApiClient::ParameterSetJson(const SqlParameterSet& parameters) {
  std::string out;
  AppendParametersJson(parameters, &out);
  return out;
}

Result<std::string> DataApiClient::Call(const std::string& path, const std::string& body,
                                        CallKind kind) {
  std::chrono::milliseconds backoff = options_.first_backoff;
  for (int attempt = 0;; ++attempt) {
    if (deadline_ && clock_() >= *deadline_) {
      return Fail(ErrorCode::kDeadlineExceeded, "Data API " + path + ": deadline reached");
    }
    HttpRequest request;
    request.method = "POST";
    request.url = config_.Endpoint(AwsService::kRdsData).origin + path;
    request.timeout = options_.request_timeout;
    request.headers = {{"Content-Type", "application/json"}};
    request.body = body;
    BILLFLOW_TRY(SignRequest(&request, config_.credentials,
                             SigV4Options{config_.region, "rds-data", false, false}, clock_()));
    Result<HttpResponse> response = http_->Send(request);
    if (!response) {
      if (kind == CallKind::kCommit) {
        return Fail(ErrorCode::kAmbiguousCommit,
                    "Data API " + path + ": no answer, the commit may or may not have happened (" +
                        response.error().message + ")");
      }
      return tl::unexpected(response.error());
    }
    if (response->ok()) return std::move(response->body);

    AwsErrorInfo info = ParseJsonError(*response);
    std::string message =
        "Data API " + path + ": " +
        (info.type.empty() ? "HTTP " + std::to_string(response->status) : info.type) +
        (info.message.empty() ? "" : ": " + info.message);
    const bool commit = kind == CallKind::kCommit;
    switch (ClassifyDataApiError(response->status, info)) {
      case DataApiFault::kResuming: {
        bool budget_left = attempt < options_.max_resume_retries;
        bool time_left = !deadline_ || clock_() + backoff < *deadline_;
        if (budget_left && time_left) {
          options_.sleep(backoff);
          backoff = std::min(backoff * 2, options_.max_backoff);
          continue;
        }
        return Fail(ErrorCode::kUnavailable, message + " (database still resuming after " +
                                                 std::to_string(attempt + 1) + " attempts)");
      }
      case DataApiFault::kStatementTimeout:
        if (kind == CallKind::kInTransaction) return Fail(ErrorCode::kDeadlineExceeded, message);
        return Fail(ErrorCode::kAmbiguousCommit, message + " (the statement may still complete)");
      case DataApiFault::kTransactionGone:
        if (commit) {
          // An earlier send of this commit whose answer was lost may have committed it, or it
          // expired: only the ledger knows.
          return Fail(ErrorCode::kAmbiguousCommit,
                      message +
                          " (the transaction is gone: committed by an earlier send of this "
                          "request whose answer was lost, or expired)");
        }
        // Its work is lost (expired or aborted): the whole transaction can be tried again.
        return Fail(ErrorCode::kConflict, message + " (the transaction is gone)");
      case DataApiFault::kRequestTooLarge:
        return Fail(ErrorCode::kLimitExceeded,
                    message + " (a request of " + std::to_string(body.size()) +
                        " bytes of JSON; the service takes at most 4 MiB)");
      case DataApiFault::kDuplicateKey:
        return Fail(ErrorCode::kDuplicateKey, message);
      case DataApiFault::kConflict:
        return Fail(ErrorCode::kConflict, message);
      case DataApiFault::kDatabase:
        return Fail(ErrorCode::kDatabase, message);
      case DataApiFault::kPermission:
        return Fail(ErrorCode::kPermissionDenied, message);
      case DataApiFault::kNotFound:
        return Fail(ErrorCode::kNotFound, message);
      case DataApiFault::kUnavailable:
        return Fail(commit ? ErrorCode::kAmbiguousCommit : ErrorCode::kUnavailable, message);
    }
    return Fail(ErrorCode::kInternal, message);
  }
}

Result<ExecuteResult> DataApiClient::Execute(const std::string& sql,
                                             const SqlParameterSet& parameters,
                                             const std::string& transaction_id) {
  const std::string body = StatementBody(
      target_, sql, transaction_id, "parameters",
      parameters.empty() ? std::function<void(std::string*)>() : [&parameters](std::string* out) {
        AppendParametersJson(parameters, out);
      });
  Result<std::string> answer =
      Call("/Execute", body, transaction_id.empty() ? CallKind::kPlain : CallKind::kInTransaction);
  if (!answer) return tl::unexpected(answer.error());
  json document = json::parse(*answer, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) {
    return Fail(ErrorCode::kInvalidData, "Data API /Execute: answer is not a JSON object");
  }
  ExecuteResult result;
  if (auto it = document.find("numberOfRecordsUpdated");
      it != document.end() && it->is_number_integer()) {
    result.records_updated = it->get<std::int64_t>();
  }
  if (auto it = document.find("records"); it != document.end() && it->is_array()) {
    for (const json& row : *it) {
      std::vector<SqlValue> values;
      if (row.is_array()) {
        for (const json& field : row) values.push_back(ValueFromField(field));
      }
      result.records.push_back(std::move(values));
    }
  }
  return result;
}

Result<std::size_t> DataApiClient::BatchExecute(const std::string& sql,
                                                const std::vector<SqlParameterSet>& sets,
                                                const std::string& transaction_id) {
  const std::string body =
      StatementBody(target_, sql, transaction_id, "parameterSets", [&sets](std::string* out) {
        out->push_back('[');
        for (std::size_t i = 0; i < sets.size(); ++i) {
          if (i != 0) out->push_back(',');
          AppendParametersJson(sets[i], out);
        }
        out->push_back(']');
      });
  Result<std::string> answer = Call(
      "/BatchExecute", body, transaction_id.empty() ? CallKind::kPlain : CallKind::kInTransaction);
  if (!answer) return tl::unexpected(answer.error());
  return sets.size();
}

Result<std::string> DataApiClient::BeginTransaction() {
  json body{{"resourceArn", target_.resource_arn}, {"secretArn", target_.secret_arn}};
  if (!target_.database.empty()) body["database"] = target_.database;
  Result<std::string> answer = Call("/BeginTransaction", Dump(body), CallKind::kPlain);
  if (!answer) return tl::unexpected(answer.error());
  json document = json::parse(*answer, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("transactionId") ||
      !document["transactionId"].is_string()) {
    return Fail(ErrorCode::kInvalidData, "Data API /BeginTransaction: answer has no transactionId");
  }
  return document["transactionId"].get<std::string>();
}

Status DataApiClient::CommitTransaction(const std::string& transaction_id) {
  json body{{"resourceArn", target_.resource_arn},
            {"secretArn", target_.secret_arn},
            {"transactionId", transaction_id}};
  Result<std::string> answer = Call("/CommitTransaction", Dump(body), CallKind::kCommit);
  if (!answer) {
    // A commit that never reached the service leaves the transaction open, holding its row
    // locks (the ledger row's among them) until the service drops it after 3 idle minutes:
    // every reload meanwhile waits out the lock timeout. End it. When the commit did happen
    // the rollback is refused as "not found", which changes nothing.
    if (answer.error().code == ErrorCode::kAmbiguousCommit)
      (void)RollbackTransaction(transaction_id);
    return tl::unexpected(answer.error());
  }
  return Ok();
}

Status DataApiClient::RollbackTransaction(const std::string& transaction_id) {
  json body{{"resourceArn", target_.resource_arn},
            {"secretArn", target_.secret_arn},
            {"transactionId", transaction_id}};
  Result<std::string> answer = Call("/RollbackTransaction", Dump(body), CallKind::kInTransaction);
  if (!answer) return tl::unexpected(answer.error());
  return Ok();
}

}  // namespace billflow
