#include "core/sqlstate.h"

namespace billflow {

// By SQLSTATE, never by message text: the wording depends on the server's lc_messages.
ErrorCode SqlstateErrorCode(std::string_view sqlstate) {
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return ErrorCode::kConflict;
  }
  if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03" || sqlstate == "25006" || sqlstate == "53300") {
    return ErrorCode::kUnavailable;
  }
  if (sqlstate.starts_with("28") || sqlstate == "42501") return ErrorCode::kPermissionDenied;
  if (sqlstate == "23505") return ErrorCode::kDuplicateKey;
  return ErrorCode::kDatabase;
}

}  // namespace billflow
