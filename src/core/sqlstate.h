#ifndef BILLFLOW_CORE_SQLSTATE_H_
#define BILLFLOW_CORE_SQLSTATE_H_

#include <string_view>

#include "core/error.h"

namespace billflow {

// The ErrorCode for a PostgreSQL SQLSTATE, wherever it comes from (libpq, or the Data API's
// "…; SQLState: 40001"): serialization failure 40001 and deadlock 40P01, lock timeout 55P03 ->
// kConflict; admin/crash shutdown 57P01-57P03, connection exceptions 08xxx, read-only
// transaction 25006 (a writer demoted by failover), too many connections 53300 ->
// kUnavailable; 28xxx and insufficient privilege 42501 -> kPermissionDenied; unique violation
// 23505 -> kDuplicateKey; anything else kDatabase.
ErrorCode SqlstateErrorCode(std::string_view sqlstate);

}  // namespace billflow

#endif  // BILLFLOW_CORE_SQLSTATE_H_
