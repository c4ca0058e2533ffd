#include "core/error.h"

namespace billflow {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kInvalidData:
      return "invalid_data";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kLimitExceeded:
      return "limit_exceeded";
    case ErrorCode::kDatabase:
      return "database";
    case ErrorCode::kDuplicateKey:
      return "duplicate_key";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kAmbiguousCommit:
      return "ambiguous_commit";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

bool IsRetryable(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kConflict ||
         code == ErrorCode::kAmbiguousCommit;
}

}  // namespace billflow
