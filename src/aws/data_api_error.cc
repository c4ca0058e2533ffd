#include "aws/data_api_error.h"

#include <cctype>
#include <charconv>
#include <initializer_list>

#include "core/sqlstate.h"

namespace billflow {
namespace {

bool Contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

// The position just past `needle` in `text`, compared ASCII case-insensitively; npos if absent.
std::size_t FindAfter(std::string_view text, std::string_view needle) {
  if (needle.size() > text.size()) return std::string_view::npos;
  for (std::size_t i = 0; i + needle.size() <= text.size(); ++i) {
    bool same = true;
    for (std::size_t j = 0; j < needle.size() && same; ++j) {
      same = std::tolower(static_cast<unsigned char>(text[i + j])) ==
             std::tolower(static_cast<unsigned char>(needle[j]));
    }
    if (same) return i + needle.size();
  }
  return std::string_view::npos;
}

bool IsOneOf(int code, std::initializer_list<int> codes) {
  for (int c : codes) {
    if (c == code) return true;
  }
  return false;
}

// The type names the service uses for each fault (current and older models).
DataApiFault FaultOfType(std::string_view type, int http_status) {
  if (type == "DatabaseResumingException") return DataApiFault::kResuming;
  if (type == "StatementTimeoutException") return DataApiFault::kStatementTimeout;
  if (type == "TransactionNotFoundException") return DataApiFault::kTransactionGone;
  if (http_status == 413) return DataApiFault::kRequestTooLarge;
  if (type == "ForbiddenException" || type == "AccessDeniedException" ||
      type == "UnrecognizedClientException" || type == "InvalidSignatureException" ||
      type == "InvalidSecretException" || type == "ExpiredTokenException") {
    return DataApiFault::kPermission;
  }
  if (type == "NotFoundException" || type == "DatabaseNotFoundException") {
    return DataApiFault::kNotFound;
  }
  if (type == "ServiceUnavailableError" || type == "InternalServerErrorException" ||
      type == "ThrottlingException" || type == "DatabaseUnavailableException" ||
      type == "SecretsErrorException") {
    return DataApiFault::kUnavailable;
  }
  if (type == "BadRequestException" || type == "DatabaseErrorException") {
    return DataApiFault::kDatabase;
  }
  switch (CodeForHttpStatus(http_status)) {
    case ErrorCode::kPermissionDenied:
      return DataApiFault::kPermission;
    case ErrorCode::kNotFound:
      return DataApiFault::kNotFound;
    case ErrorCode::kUnavailable:
      return DataApiFault::kUnavailable;
    default:
      return DataApiFault::kDatabase;
  }
}

// A PostgreSQL error, by the one SQLSTATE table every PostgreSQL path shares.
DataApiFault FaultOfSqlstate(std::string_view sqlstate) {
  switch (SqlstateErrorCode(sqlstate)) {
    case ErrorCode::kDuplicateKey:
      return DataApiFault::kDuplicateKey;
    case ErrorCode::kConflict:
      return DataApiFault::kConflict;
    case ErrorCode::kUnavailable:
      return DataApiFault::kUnavailable;
    case ErrorCode::kPermissionDenied:
      return DataApiFault::kPermission;
    default:
      return DataApiFault::kDatabase;
  }
}

}  // namespace

DatabaseErrorNumber ParseDatabaseErrorNumber(std::string_view message) {
  DatabaseErrorNumber number;
  if (std::size_t at = FindAfter(message, "error code: "); at != std::string_view::npos) {
    int code = 0;
    auto [end, error] = std::from_chars(message.data() + at, message.data() + message.size(), code);
    if (error == std::errc() && end != message.data() + at) number.mysql_code = code;
  }
  if (std::size_t at = FindAfter(message, "SQLState: "); at != std::string_view::npos) {
    std::string_view rest = message.substr(at);
    std::size_t length = 0;
    while (length < rest.size() && length < 5 &&
           std::isalnum(static_cast<unsigned char>(rest[length]))) {
      ++length;
    }
    if (length == 5) number.sqlstate = std::string(rest.substr(0, 5));
  }
  return number;
}

DataApiFault ClassifyDataApiError(int http_status, const AwsErrorInfo& info) {
  const std::string_view message = info.message;
  DataApiFault fault = FaultOfType(info.type, http_status);
  if (fault == DataApiFault::kNotFound && Contains(message, "ransaction")) {
    // The older models answer an unknown transactionId as NotFoundException.
    return DataApiFault::kTransactionGone;
  }
  if (fault != DataApiFault::kDatabase) return fault;

  const DatabaseErrorNumber number = ParseDatabaseErrorNumber(message);
  if (number.sqlstate) return FaultOfSqlstate(*number.sqlstate);
  // MySQL: ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME.
  if (number.mysql_code && IsOneOf(*number.mysql_code, {1062, 1586})) {
    return DataApiFault::kDuplicateKey;
  }
  // MySQL: ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT.
  if (number.mysql_code && IsOneOf(*number.mysql_code, {1213, 1205})) {
    return DataApiFault::kConflict;
  }
  if (number.mysql_code) return DataApiFault::kDatabase;

  // No number: the wording of the databases' own messages.
  if (Contains(message, "Transaction has been aborted") ||
      (Contains(message, "ransaction") && Contains(message, "not found"))) {
    return DataApiFault::kTransactionGone;
  }
  if (Contains(message, "Duplicate entry") || Contains(message, "duplicate key value")) {
    return DataApiFault::kDuplicateKey;
  }
  if (FindAfter(message, "deadlock") != std::string_view::npos ||
      Contains(message, "Lock wait timeout") || Contains(message, "could not serialize access")) {
    return DataApiFault::kConflict;
  }
  return DataApiFault::kDatabase;
}

}  // namespace billflow
