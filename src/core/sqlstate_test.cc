#include "core/sqlstate.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(SqlstateErrorCodeTest, RetryableSqlStatesReachTheRetryLoop) {
  EXPECT_EQ(SqlstateErrorCode("40001"), ErrorCode::kConflict);     // serialization failure
  EXPECT_EQ(SqlstateErrorCode("40P01"), ErrorCode::kConflict);     // deadlock
  EXPECT_EQ(SqlstateErrorCode("55P03"), ErrorCode::kConflict);     // lock_timeout
  EXPECT_EQ(SqlstateErrorCode("57P01"), ErrorCode::kUnavailable);  // admin shutdown
  EXPECT_EQ(SqlstateErrorCode("08006"), ErrorCode::kUnavailable);  // connection failure
  EXPECT_EQ(SqlstateErrorCode("25006"), ErrorCode::kUnavailable);  // read-only after failover
  for (const char* state : {"40001", "40P01", "57P01", "08006", "25006"}) {
    EXPECT_TRUE(IsRetryable(SqlstateErrorCode(state))) << state;
  }
}

TEST(SqlstateErrorCodeTest, OtherSqlStatesAreNotRetried) {
  EXPECT_EQ(SqlstateErrorCode("28P01"), ErrorCode::kPermissionDenied);
  EXPECT_EQ(SqlstateErrorCode("42501"), ErrorCode::kPermissionDenied);
  EXPECT_EQ(SqlstateErrorCode("23505"), ErrorCode::kDuplicateKey);
  EXPECT_EQ(SqlstateErrorCode("22003"), ErrorCode::kDatabase);
  EXPECT_EQ(SqlstateErrorCode(""), ErrorCode::kDatabase);
  EXPECT_FALSE(IsRetryable(SqlstateErrorCode("22003")));
}

}  // namespace
}  // namespace billflow
