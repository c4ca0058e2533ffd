#ifndef BILLFLOW_AWS_DATA_API_CLIENT_H_
#define BILLFLOW_AWS_DATA_API_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "aws/aws_config.h"
#include "core/result.h"
#include "http/http_client.h"

namespace billflow {

// Bytes sent and received as a blobValue (base64 on the wire): kept exactly, even when they
// are not UTF-8.
struct SqlBlob {
  std::string bytes;
  friend bool operator==(const SqlBlob&, const SqlBlob&) = default;
};

// A Data API value: null, stringValue, longValue, doubleValue, booleanValue or blobValue.
using SqlValue = std::variant<std::monostate, std::string, std::int64_t, double, bool, SqlBlob>;

// How the database should read a stringValue (Data API "typeHint").
enum class TypeHint { kNone, kDecimal, kDate, kTime, kTimestamp, kJson, kUuid };

struct SqlParameter {
  std::string name;  // without the ':' used in the SQL text
  SqlValue value;
  TypeHint type_hint = TypeHint::kNone;
};
using SqlParameterSet = std::vector<SqlParameter>;

struct ExecuteResult {
  std::vector<std::vector<SqlValue>> records;  // rows of a SELECT
  std::int64_t records_updated = 0;            // numberOfRecordsUpdated
};

// Which database the client talks to.
struct DataApiTarget {
  std::string resource_arn;  // the Aurora cluster ARN
  std::string secret_arn;    // Secrets Manager secret with the database credentials
  std::string database;      // may be empty (the secret's default)
};

struct DataApiOptions {
  // DatabaseResumingException (a paused Serverless v2 waking up) is retried with
  // exponential backoff from first_backoff up to max_backoff, at most max_resume_retries
  // times and never past the deadline.
  int max_resume_retries = 8;
  std::chrono::milliseconds first_backoff{std::chrono::milliseconds(500)};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(8)};
  std::function<void(std::chrono::milliseconds)> sleep;  // defaults to this_thread::sleep_for
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
};

// The RDS Data API (rest-json, SigV4 "rds-data"). `http` must outlive the client. Not
// thread-safe. Errors are classified by ClassifyDataApiError (aws/data_api_error.h): by type
// and HTTP status, then the database's error number or SQLSTATE, never by wording alone.
//   DatabaseResumingException, ServiceUnavailableError, ThrottlingException, 5xx, and
//     PostgreSQL's admin shutdown, lost connection or read-only-after-failover (SQLSTATE 57P01,
//     08xxx, 25006) → kUnavailable (after the resume retries are spent; on commit
//     kAmbiguousCommit);
//   StatementTimeoutException → kAmbiguousCommit outside a transaction and on commit (the
//     statement may still complete: read the ledger, never re-send blindly), kDeadlineExceeded
//     inside one (the transaction will not commit);
//   a transport failure during CommitTransaction, or a commit answered
//     TransactionNotFoundException (an earlier send of it, whose answer was lost, may have
//     committed) → kAmbiguousCommit, after which one best-effort RollbackTransaction is sent so
//     that a commit that never arrived does not leave the transaction holding its locks;
//   TransactionNotFoundException on any other call (expired, or aborted by an earlier failed
//     call) → kConflict: the transaction's work is lost, try it again from the start;
//   a duplicate key (MySQL 1062, PostgreSQL SQLSTATE 23505) → kDuplicateKey; deadlocks, lock
//     wait timeouts and serialization failures → kConflict; other BadRequestException /
//     DatabaseErrorException → kDatabase; HTTP 413 (request over 4 MiB) → kLimitExceeded;
//   ForbiddenException, AccessDeniedException → kPermissionDenied; NotFoundException →
//     kNotFound.
// A request is sent again only after an answer saying it was not run (DatabaseResumingException).
class DataApiClient {
 public:
  DataApiClient(HttpClient* http, AwsConfig config, DataApiTarget target, Clock clock,
                DataApiOptions options = {});

  // Requests stop retrying (and Execute refuses to start) past this time; default: none.
  void set_deadline(std::optional<std::chrono::system_clock::time_point> deadline) {
    deadline_ = deadline;
  }
  const DataApiTarget& target() const { return target_; }

  [[nodiscard]] Result<ExecuteResult> Execute(const std::string& sql,
                                              const SqlParameterSet& parameters = {},
                                              const std::string& transaction_id = {});
  // One statement for each parameter set. The Data API reports no per-set counts.
  [[nodiscard]] Result<std::size_t> BatchExecute(const std::string& sql,
                                                 const std::vector<SqlParameterSet>& sets,
                                                 const std::string& transaction_id = {});
  [[nodiscard]] Result<std::string> BeginTransaction();
  [[nodiscard]] Status CommitTransaction(const std::string& transaction_id);
  [[nodiscard]] Status RollbackTransaction(const std::string& transaction_id);

  // Standard base64 (with padding), as blobValue uses.
  static std::string Base64Encode(std::string_view bytes);
  static std::optional<std::string> Base64Decode(std::string_view text);

  // The JSON text of one parameter set as BatchExecute sends it (for request-size budgets).
  static std::string ParameterSetJson(const SqlParameterSet& parameters);

 private:
  enum class CallKind { kPlain, kInTransaction, kCommit };
  [[nodiscard]] Result<std::string> Call(const std::string& path, const std::string& body,
                                         CallKind kind);
  HttpClient* http_;
  AwsConfig config_;
  DataApiTarget target_;
  Clock clock_;
  DataApiOptions options_;
  std::optional<std::chrono::system_clock::time_point> deadline_;
};

}  // namespace billflow

#endif  // BILLFLOW_AWS_DATA_API_CLIENT_H_
