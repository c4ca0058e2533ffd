#ifndef BILLFLOW_CORE_ERROR_H_
#define BILLFLOW_CORE_ERROR_H_

#include <string>
#include <string_view>

namespace billflow {

// What went wrong, coarse enough for callers to decide what to do next.
enum class ErrorCode {
  kInvalidArgument,   // caller or user supplied a bad value (usage/config); not retryable
  kInvalidData,       // input content is malformed (bad file, bad header); not retryable
  kNotFound,          // a named file, object, secret or row does not exist
  kIo,                // local read/write failure
  kLimitExceeded,     // a configured bound was crossed (record size, rejects, memory)
  kDatabase,          // the database refused a statement; not retryable as is
  kDuplicateKey,      // a PRIMARY KEY or UNIQUE index already holds the value; not retryable
  kUnavailable,       // connection lost, server busy/resuming, 5xx: retry with backoff
  kConflict,          // lock wait/deadlock/serialization failure: retry the transaction
  kAmbiguousCommit,   // COMMIT outcome unknown: resolve by reading the ledger
  kPermissionDenied,  // authentication or authorization failed
  kDeadlineExceeded,  // ran out of time (Lambda deadline, statement timeout)
  kCancelled,         // stopped on request (signal)
  kInternal,          // a bug: an invariant did not hold
};

// Short stable name of a code, e.g. "invalid_data".
std::string_view ErrorCodeName(ErrorCode code);

// True for codes where repeating the same operation later may succeed.
bool IsRetryable(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // names the thing and, where possible, the fix
};

}  // namespace billflow

#endif  // BILLFLOW_CORE_ERROR_H_
