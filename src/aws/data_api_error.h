#ifndef BILLFLOW_AWS_DATA_API_ERROR_H_
#define BILLFLOW_AWS_DATA_API_ERROR_H_

#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_error.h"

namespace billflow {

// What a Data API error answer means for the caller.
enum class DataApiFault {
  kResuming,          // DatabaseResumingException: a paused Serverless v2 is waking up
  kStatementTimeout,  // StatementTimeoutException: the statement may still complete
  kTransactionGone,   // TransactionNotFoundException (or a transaction-not-found answer in
                      // older wording): expired, aborted by an earlier failed call, or ended
                      // by an earlier send of the same request
  kRequestTooLarge,   // HTTP 413: the request is over the service's 4 MiB
  kDuplicateKey,      // the statement broke a PRIMARY KEY or UNIQUE index
  kConflict,          // deadlock, lock wait timeout or serialization failure
  kDatabase,          // any other refused statement or call
  kPermission,        // credentials, signature, secret or IAM
  kNotFound,          // the cluster, secret or database does not exist
  kUnavailable,       // the service or database is unreachable, throttled or failing
};

// The database's own error of a refused statement. The Data API has no field for it: the
// message carries MySQL's number ("Database error code: 1062. Message: …") or PostgreSQL's
// SQLSTATE ("ERROR: duplicate key value violates unique constraint …; SQLState: 23505").
struct DatabaseErrorNumber {
  std::optional<int> mysql_code;        // 1062, 1213, …
  std::optional<std::string> sqlstate;  // "23505", "40P01", …
};
[[nodiscard]] DatabaseErrorNumber ParseDatabaseErrorNumber(std::string_view message);

// Decides the fault from the error type, then the HTTP status, then the database's error
// number or SQLSTATE (by core/sqlstate.h: admin shutdown 57P01, connection exceptions 08xxx and
// read-only after failover 25006 are kUnavailable, so retried); the wording of MySQL's and
// PostgreSQL's messages ("Duplicate entry", "duplicate key value", "Deadlock", "Transaction … is
// not found") is only a fallback for answers that carry neither.
[[nodiscard]] DataApiFault ClassifyDataApiError(int http_status, const AwsErrorInfo& info);

}  // namespace billflow

#endif  // BILLFLOW_AWS_DATA_API_ERROR_H_
