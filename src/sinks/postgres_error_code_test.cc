#include <gtest/gtest.h>

#include "sinks/postgres_connection.h"

namespace billflow {
namespace {

TEST(PostgresErrorCodeTest, RetryableSqlStatesReachTheRetryLoop) {
  EXPECT_EQ(PostgresErrorCode("40001"), ErrorCode::kConflict);     // serialization failure
  EXPECT_EQ(PostgresErrorCode("40P01"), ErrorCode::kConflict);     // deadlock
  EXPECT_EQ(PostgresErrorCode("55P03"), ErrorCode::kConflict);     // lock_timeout
  EXPECT_EQ(PostgresErrorCode("57P01"), ErrorCode::kUnavailable);  // admin shutdown
  EXPECT_EQ(PostgresErrorCode("08006"), ErrorCode::kUnavailable);  // connection failure
  EXPECT_EQ(PostgresErrorCode("25006"), ErrorCode::kUnavailable);  // read-only after failover
  for (const char* state : {"40001", "40P01", "57P01", "08006", "25006"}) {
    EXPECT_TRUE(IsRetryable(PostgresErrorCode(state))) << state;
  }
}

TEST(PostgresErrorCodeTest, OtherSqlStatesAreNotRetried) {
  EXPECT_EQ(PostgresErrorCode("28P01"), ErrorCode::kPermissionDenied);
  EXPECT_EQ(PostgresErrorCode("42501"), ErrorCode::kPermissionDenied);
  EXPECT_EQ(PostgresErrorCode("23505"), ErrorCode::kDuplicateKey);
  EXPECT_EQ(PostgresErrorCode("22003"), ErrorCode::kDatabase);
  EXPECT_EQ(PostgresErrorCode(""), ErrorCode::kDatabase);
  EXPECT_FALSE(IsRetryable(PostgresErrorCode("22003")));
}

}  // namespace
}  // namespace billflow
