#include "aws/data_api_error.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

DataApiFault Classify(int status, const std::string& type, const std::string& message) {
  return ClassifyDataApiError(status, AwsErrorInfo{type, message});
}

TEST(DataApiErrorTest, DuplicateKeyByMysqlNumberAndPostgresqlSqlstate) {
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "Database error code: 1062. Message: Duplicate entry '1-7' for key "
                     "'PRIMARY'"),
            DataApiFault::kDuplicateKey);
  EXPECT_EQ(Classify(400, "DatabaseErrorException",
                     "ERROR: duplicate key value violates unique constraint \"billing_data_pkey\"\n"
                     "  Detail: Key (file_id, id)=(1, 7) already exists.; SQLState: 23505"),
            DataApiFault::kDuplicateKey);
  // The number decides, not the words around it.
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "Database error code: 1146. Message: Table 'Duplicate entry' doesn't exist"),
            DataApiFault::kDatabase);
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "ERROR: relation \"duplicate key value\" does not exist; SQLState: 42P01"),
            DataApiFault::kDatabase);
}

TEST(DataApiErrorTest, ConflictsByMysqlNumberAndPostgresqlSqlstate) {
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "Database error code: 1213. Message: Deadlock found when trying to get lock"),
            DataApiFault::kConflict);
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "Database error code: 1205. Message: Lock wait timeout exceeded"),
            DataApiFault::kConflict);
  EXPECT_EQ(Classify(400, "BadRequestException", "ERROR: deadlock detected; SQLState: 40P01"),
            DataApiFault::kConflict);
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "ERROR: could not serialize access due to concurrent update; SQLState: 40001"),
            DataApiFault::kConflict);
}

TEST(DataApiErrorTest, PostgresqlShutdownConnectionLossAndFailoverAreUnavailable) {
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "FATAL: terminating connection due to administrator command; SQLState: "
                     "57P01"),
            DataApiFault::kUnavailable);
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "ERROR: cannot execute INSERT in a read-only transaction; SQLState: 25006"),
            DataApiFault::kUnavailable);
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "server closed the connection unexpectedly; SQLState: 08006"),
            DataApiFault::kUnavailable);
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "FATAL: password authentication failed for user \"x\"; SQLState: 28P01"),
            DataApiFault::kPermission);
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "ERROR: column \"n\" is of type numeric but expression is of type character "
                     "varying; SQLState: 42804"),
            DataApiFault::kDatabase);
}

TEST(DataApiErrorTest, WordingIsTheFallbackWhenNoNumberIsGiven) {
  EXPECT_EQ(Classify(400, "BadRequestException", "Duplicate entry '7' for key 'PRIMARY'"),
            DataApiFault::kDuplicateKey);
  EXPECT_EQ(Classify(400, "BadRequestException",
                     "ERROR: duplicate key value violates unique constraint \"x\""),
            DataApiFault::kDuplicateKey);
  EXPECT_EQ(Classify(400, "BadRequestException", "ERROR: Deadlock detected"),
            DataApiFault::kConflict);
  EXPECT_EQ(Classify(400, "BadRequestException", "Transaction tx is not found"),
            DataApiFault::kTransactionGone);
  EXPECT_EQ(Classify(400, "BadRequestException", "syntax error"), DataApiFault::kDatabase);
}

TEST(DataApiErrorTest, TypeAndStatusDecideBeforeTheMessage) {
  EXPECT_EQ(Classify(404, "TransactionNotFoundException",
                     "Transaction has been aborted due to an error from a previous call"),
            DataApiFault::kTransactionGone);
  EXPECT_EQ(Classify(404, "NotFoundException", "Transaction tx is not found"),
            DataApiFault::kTransactionGone);
  EXPECT_EQ(Classify(404, "NotFoundException", "cluster not found"), DataApiFault::kNotFound);
  EXPECT_EQ(Classify(413, "BadRequestException", "Request content size exceeds the 4 MB limit"),
            DataApiFault::kRequestTooLarge);
  EXPECT_EQ(Classify(413, "", ""), DataApiFault::kRequestTooLarge);
  EXPECT_EQ(Classify(400, "DatabaseResumingException", "resuming"), DataApiFault::kResuming);
  EXPECT_EQ(Classify(400, "StatementTimeoutException", "Duplicate entry"),
            DataApiFault::kStatementTimeout);
  EXPECT_EQ(Classify(403, "ForbiddenException", ""), DataApiFault::kPermission);
  EXPECT_EQ(Classify(503, "", ""), DataApiFault::kUnavailable);
  EXPECT_EQ(Classify(500, "InternalServerErrorException", ""), DataApiFault::kUnavailable);
  EXPECT_EQ(Classify(401, "", ""), DataApiFault::kPermission);
}

TEST(DataApiErrorTest, ParsesTheNumbers) {
  DatabaseErrorNumber mysql = ParseDatabaseErrorNumber("Database error code: 1062. Message: x");
  ASSERT_TRUE(mysql.mysql_code);
  EXPECT_EQ(*mysql.mysql_code, 1062);
  EXPECT_FALSE(mysql.sqlstate);
  DatabaseErrorNumber postgres = ParseDatabaseErrorNumber("ERROR: x; SQLState: 40P01");
  EXPECT_FALSE(postgres.mysql_code);
  ASSERT_TRUE(postgres.sqlstate);
  EXPECT_EQ(*postgres.sqlstate, "40P01");
  EXPECT_FALSE(ParseDatabaseErrorNumber("error code: none").mysql_code);
  EXPECT_FALSE(ParseDatabaseErrorNumber("SQLState: 23").sqlstate);
}

}  // namespace
}  // namespace billflow
