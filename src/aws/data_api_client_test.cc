#include "aws/data_api_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/fake_http_client.h"

namespace billflow {
namespace {

using nlohmann::json;

AwsConfig LocalConfig() {
  AwsConfig config;
  config.region = "us-east-1";
  config.credentials = Credentials{"AKID", "SECRET", "", "test"};
  config.endpoint_url_rds_data = "http://127.0.0.1:4571";
  return config;
}

DataApiTarget Target() {
  return DataApiTarget{"arn:aws:rds:us-east-1:1:cluster:c",
                       "arn:aws:secretsmanager:us-east-1:1:secret:s", "billing"};
}

struct Fixture {
  FakeHttpClient http;
  std::vector<std::chrono::milliseconds> sleeps;
  std::chrono::system_clock::time_point now{std::chrono::seconds(1000)};
  DataApiClient client{
      &http, LocalConfig(), Target(), [this] { return now; },
      DataApiOptions{3, std::chrono::milliseconds(100), std::chrono::milliseconds(250),
                     [this](std::chrono::milliseconds d) {
                       sleeps.push_back(d);
                       now += d;
                     },
                     std::chrono::seconds(60)}};
};

std::vector<HttpHeader> ErrorType(const std::string& type) {
  return {
      {"x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.rdsdataservice/"}};
}

TEST(DataApiClientTest, ExecuteRequestShapeWithTypedParameters) {
  Fixture f;
  f.http.Enqueue(200, R"({"records":[[{"longValue":7},{"stringValue":"975.30"},{"isNull":true},
                         {"booleanValue":true},{"doubleValue":1.5}]],"numberOfRecordsUpdated":0})");
  SqlParameterSet parameters = {
      {"amount", std::string("975.3000"), TypeHint::kDecimal},
      {"day", std::string("2025-06-01"), TypeHint::kDate},
      {"n", std::int64_t{42}},
      {"missing", std::monostate{}},
      {"flag", true},
  };
  Result<ExecuteResult> result = f.client.Execute("SELECT :amount", parameters, "tx-1");
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->records.size(), 1u);
  ASSERT_EQ(result->records[0].size(), 5u);
  EXPECT_EQ(std::get<std::int64_t>(result->records[0][0]), 7);
  EXPECT_EQ(std::get<std::string>(result->records[0][1]), "975.30");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(result->records[0][2]));
  EXPECT_TRUE(std::get<bool>(result->records[0][3]));
  EXPECT_EQ(std::get<double>(result->records[0][4]), 1.5);

  const HttpRequest& sent = f.http.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "http://127.0.0.1:4571/Execute");
  EXPECT_EQ(*sent.FindHeader("Content-Type"), "application/json");
  EXPECT_NE(sent.FindHeader("Authorization")->find("/us-east-1/rds-data/aws4_request"),
            std::string::npos);
  json body = json::parse(sent.body);
  EXPECT_EQ(body["resourceArn"], "arn:aws:rds:us-east-1:1:cluster:c");
  EXPECT_EQ(body["secretArn"], "arn:aws:secretsmanager:us-east-1:1:secret:s");
  EXPECT_EQ(body["database"], "billing");
  EXPECT_EQ(body["sql"], "SELECT :amount");
  EXPECT_EQ(body["transactionId"], "tx-1");
  EXPECT_EQ(
      body["parameters"],
      json::parse(R"([{"name":"amount","value":{"stringValue":"975.3000"},"typeHint":"DECIMAL"},
                            {"name":"day","value":{"stringValue":"2025-06-01"},"typeHint":"DATE"},
                            {"name":"n","value":{"longValue":42}},
                            {"name":"missing","value":{"isNull":true}},
                            {"name":"flag","value":{"booleanValue":true}}])"));
}

TEST(DataApiClientTest, BatchExecuteAndTransactionRequestShapes) {
  Fixture f;
  f.http.Enqueue(200, R"({"transactionId":"tx-9"})");
  f.http.Enqueue(200, R"({"updateResults":[{"generatedFields":[]},{"generatedFields":[]}]})");
  f.http.Enqueue(200, R"({"transactionStatus":"Transaction Committed"})");
  f.http.Enqueue(200, R"({"transactionStatus":"Rollback Complete"})");
  Result<std::string> tx = f.client.BeginTransaction();
  ASSERT_TRUE(tx);
  EXPECT_EQ(*tx, "tx-9");
  std::vector<SqlParameterSet> sets = {{{"id", std::string("1")}}, {{"id", std::string("2")}}};
  Result<std::size_t> batch = f.client.BatchExecute("INSERT INTO t VALUES (:id)", sets, *tx);
  ASSERT_TRUE(batch);
  EXPECT_EQ(*batch, 2u);
  ASSERT_TRUE(f.client.CommitTransaction(*tx));
  ASSERT_TRUE(f.client.RollbackTransaction("tx-8"));

  const auto& requests = f.http.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:4571/BeginTransaction");
  EXPECT_EQ(json::parse(requests[0].body),
            json::parse(R"({"resourceArn":"arn:aws:rds:us-east-1:1:cluster:c",
                            "secretArn":"arn:aws:secretsmanager:us-east-1:1:secret:s","database":"billing"})"));
  EXPECT_EQ(requests[1].url, "http://127.0.0.1:4571/BatchExecute");
  json batch_body = json::parse(requests[1].body);
  EXPECT_EQ(batch_body["parameterSets"],
            json::parse(R"([[{"name":"id","value":{"stringValue":"1"}}],
                            [{"name":"id","value":{"stringValue":"2"}}]])"));
  EXPECT_EQ(batch_body["transactionId"], "tx-9");
  EXPECT_EQ(requests[2].url, "http://127.0.0.1:4571/CommitTransaction");
  EXPECT_EQ(json::parse(requests[2].body)["transactionId"], "tx-9");
  EXPECT_EQ(requests[3].url, "http://127.0.0.1:4571/RollbackTransaction");
}

TEST(DataApiClientTest, ResumingDatabaseIsRetriedWithBackoff) {
  Fixture f;
  std::string resuming =
      R"({"message":"The Aurora DB instance db-1 is resuming after being auto-paused. Please wait a few seconds and try again."})";
  f.http.Enqueue(400, resuming, ErrorType("DatabaseResumingException"));
  f.http.Enqueue(400, resuming, ErrorType("DatabaseResumingException"));
  f.http.Enqueue(200, R"({"transactionId":"tx-1"})");
  Result<std::string> tx = f.client.BeginTransaction();
  ASSERT_TRUE(tx) << tx.error().message;
  EXPECT_EQ(f.sleeps, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(100),
                                                              std::chrono::milliseconds(200)}));
  // Each retry is signed afresh.
  EXPECT_EQ(f.http.requests().size(), 3u);
}

TEST(DataApiClientTest, ResumingBeyondTheBudgetIsUnavailable) {
  Fixture f;
  for (int i = 0; i < 4; ++i) {
    f.http.Enqueue(400, R"({"message":"resuming"})", ErrorType("DatabaseResumingException"));
  }
  Result<ExecuteResult> result = f.client.Execute("SELECT 1");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(result.error().message,
            "Data API /Execute: DatabaseResumingException: resuming (database still resuming "
            "after 4 attempts)");
  EXPECT_EQ(f.sleeps.size(), 3u);
}

TEST(DataApiClientTest, ResumingStopsAtTheDeadline) {
  Fixture f;
  f.client.set_deadline(f.now + std::chrono::milliseconds(150));
  f.http.Enqueue(400, R"({"message":"resuming"})", ErrorType("DatabaseResumingException"));
  f.http.Enqueue(400, R"({"message":"resuming"})", ErrorType("DatabaseResumingException"));
  Result<ExecuteResult> result = f.client.Execute("SELECT 1");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(f.sleeps.size(), 1u);  // 100 ms fits before the deadline, 200 ms more does not
}

TEST(DataApiClientTest, StatementTimeoutIsAmbiguousOutsideATransaction) {
  Fixture f;
  f.http.Enqueue(400, R"({"message":"Request timed out"})", ErrorType("StatementTimeoutException"));
  f.http.Enqueue(400, R"({"message":"Request timed out"})", ErrorType("StatementTimeoutException"));
  Result<ExecuteResult> plain = f.client.Execute("INSERT …");
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code, ErrorCode::kAmbiguousCommit);
  Result<ExecuteResult> in_tx = f.client.Execute("INSERT …", {}, "tx");
  ASSERT_FALSE(in_tx);
  EXPECT_EQ(in_tx.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(f.http.requests().size(), 2u);  // never re-sent
}

TEST(DataApiClientTest, SqlErrorsAndDeadlocksFromBadRequestBodies) {
  Fixture f;
  f.http.Enqueue(
      400,
      R"({"message":"Database error code: 1146. Message: Table 'billing.nope' doesn't exist"})",
      ErrorType("BadRequestException"));
  f.http.Enqueue(
      400,
      R"({"__type":"BadRequestException","message":"Database error code: 1213. Message: Deadlock found when trying to get lock; try restarting transaction"})");
  Result<ExecuteResult> missing = f.client.Execute("SELECT * FROM nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kDatabase);
  EXPECT_EQ(missing.error().message,
            "Data API /Execute: BadRequestException: Database error code: 1146. Message: Table "
            "'billing.nope' doesn't exist");
  Result<ExecuteResult> deadlock = f.client.Execute("UPDATE t SET x = 1");
  ASSERT_FALSE(deadlock);
  EXPECT_EQ(deadlock.error().code, ErrorCode::kConflict);
}

TEST(DataApiClientTest, ForbiddenNotFoundAndServiceErrors) {
  Fixture f;
  f.http.Enqueue(403, R"({"message":"not authorized"})", ErrorType("ForbiddenException"));
  f.http.Enqueue(404, R"({"message":"cluster not found"})", ErrorType("NotFoundException"));
  f.http.Enqueue(503, R"({"message":"try later"})", ErrorType("ServiceUnavailableError"));
  EXPECT_EQ(f.client.Execute("SELECT 1").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(f.client.Execute("SELECT 1").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(f.client.Execute("SELECT 1").error().code, ErrorCode::kUnavailable);
}

TEST(DataApiClientTest, CommitWithoutAnAnswerIsAmbiguous) {
  Fixture f;
  f.http.EnqueueError(ErrorCode::kUnavailable, "connection reset");
  f.http.Enqueue(200, R"({"transactionStatus":"Rollback Complete"})");
  f.http.Enqueue(500, R"({"message":"internal"})", ErrorType("InternalServerErrorException"));
  f.http.Enqueue(400, R"({"message":"Transaction tx is not found"})",
                 ErrorType("BadRequestException"));
  Status lost = f.client.CommitTransaction("tx");
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, ErrorCode::kAmbiguousCommit);
  Status internal = f.client.CommitTransaction("tx");
  ASSERT_FALSE(internal);
  EXPECT_EQ(internal.error().code, ErrorCode::kAmbiguousCommit);
  // Each ambiguous commit is followed by one RollbackTransaction of the same transaction.
  ASSERT_EQ(f.http.requests().size(), 4u);
  EXPECT_TRUE(f.http.requests()[1].url.ends_with("/RollbackTransaction"));
  EXPECT_EQ(json::parse(f.http.requests()[1].body)["transactionId"], "tx");
  EXPECT_TRUE(f.http.requests()[3].url.ends_with("/RollbackTransaction"));
}

TEST(DataApiClientTest, CommitOfATransactionThatIsGoneIsAmbiguous) {
  // libcurl re-sends a request whose reused connection died before the answer; the second
  // CommitTransaction finds the transaction already committed by the first.
  Fixture f;
  f.http.Enqueue(400, R"({"message":"Transaction tx is not found"})",
                 ErrorType("BadRequestException"));
  f.http.Enqueue(400, R"({"message":"Transaction tx is not found"})",
                 ErrorType("BadRequestException"));
  Status gone = f.client.CommitTransaction("tx");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kAmbiguousCommit);
  EXPECT_NE(gone.error().message.find("is not found"), std::string::npos);
  // Elsewhere the transaction's work is lost: the whole transaction can be tried again.
  f.http.Enqueue(400, R"({"message":"Transaction tx is not found"})",
                 ErrorType("BadRequestException"));
  EXPECT_EQ(f.client.Execute("SELECT 1", {}, "tx").error().code, ErrorCode::kConflict);
}

TEST(DataApiClientTest, TransactionNotFoundExceptionIsAmbiguousOnCommitAndConflictElsewhere) {
  Fixture f;
  f.http.Enqueue(
      404, R"({"message":"Transaction has been aborted due to an error from a previous call"})",
      ErrorType("TransactionNotFoundException"));
  f.http.Enqueue(404, R"({"message":"Transaction tx is not found"})",
                 ErrorType("TransactionNotFoundException"));
  Result<std::size_t> batch = f.client.BatchExecute("INSERT INTO t VALUES (:a)", {{}}, "tx");
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code, ErrorCode::kConflict);
  EXPECT_EQ(batch.error().message,
            "Data API /BatchExecute: TransactionNotFoundException: Transaction has been aborted "
            "due to an error from a previous call (the transaction is gone)");
  Status commit = f.client.CommitTransaction("tx");
  ASSERT_FALSE(commit);
  EXPECT_EQ(commit.error().code, ErrorCode::kAmbiguousCommit);
  EXPECT_EQ(commit.error().message,
            "Data API /CommitTransaction: TransactionNotFoundException: Transaction tx is not "
            "found (the transaction is gone: committed by an earlier send of this request whose "
            "answer was lost, or expired)");
}

TEST(DataApiClientTest, DuplicateKeysAreClassifiedInBothDatabasesForms) {
  Fixture f;
  f.http.Enqueue(
      400,
      R"({"message":"Database error code: 1062. Message: Duplicate entry '1-7' for key 'PRIMARY'"})",
      ErrorType("BadRequestException"));
  f.http.Enqueue(
      400,
      R"({"message":"ERROR: duplicate key value violates unique constraint \"billing_data_pkey\"; SQLState: 23505"})",
      ErrorType("BadRequestException"));
  f.http.Enqueue(413, R"({"message":"Request content size exceeds the 4 MB limit"})",
                 ErrorType("BadRequestException"));
  EXPECT_EQ(f.client.Execute("INSERT 1", {}, "tx").error().code, ErrorCode::kDuplicateKey);
  EXPECT_EQ(f.client.Execute("INSERT 2", {}, "tx").error().code, ErrorCode::kDuplicateKey);
  Result<ExecuteResult> big = f.client.Execute("INSERT 3");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(big.error().message,
            "Data API /Execute: BadRequestException: Request content size exceeds the 4 MB limit "
            "(a request of " +
                std::to_string(f.http.requests().back().body.size()) +
                " bytes of JSON; the service takes at most 4 MiB)");
}

TEST(DataApiClientTest, BlobsTravelAsBase64) {
  EXPECT_EQ(DataApiClient::Base64Encode(""), "");
  EXPECT_EQ(DataApiClient::Base64Encode("f"), "Zg==");
  EXPECT_EQ(DataApiClient::Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(DataApiClient::Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(DataApiClient::Base64Encode(std::string("a\xFF\x00"
                                                    "b",
                                                    4)),
            "Yf8AYg==");
  EXPECT_EQ(DataApiClient::Base64Decode("Yf8AYg=="), std::string("a\xFF\x00"
                                                                 "b",
                                                                 4));
  EXPECT_EQ(DataApiClient::Base64Decode("Zm9v"), "foo");
  EXPECT_EQ(DataApiClient::Base64Decode("Z!"), std::nullopt);
  EXPECT_EQ(DataApiClient::ParameterSetJson({{"raw", SqlBlob{std::string("a\xFF", 2)}}}),
            R"([{"name":"raw","value":{"blobValue":"Yf8="}}])");
  Fixture f;
  f.http.Enqueue(200, R"({"records":[[{"blobValue":"Yf8AYg=="}]]})");
  Result<ExecuteResult> result = f.client.Execute("SELECT raw_line FROM billing_rejects");
  ASSERT_TRUE(result);
  EXPECT_EQ(std::get<SqlBlob>(result->records[0][0]).bytes, std::string("a\xFF\x00"
                                                                        "b",
                                                                        4));
}

// BatchExecute writes its body without a json document: every value kind, escapes and type
// hints come out exactly as json's dump() prints them (keys in its sorted order).
TEST(DataApiClientTest, ParameterSetJsonIsWhatJsonWouldPrint) {
  const SqlParameterSet set = {{"a", std::monostate{}},
                               {"b", std::string("q\"\\\n\x01\xFF")},
                               {"c", std::int64_t{-7}},
                               {"d", 1.5},
                               {"e", true},
                               {"f", SqlBlob{"hi"}},
                               {"g", std::string("1.25"), TypeHint::kDecimal}};
  EXPECT_EQ(DataApiClient::ParameterSetJson(set),
            "[{\"name\":\"a\",\"value\":{\"isNull\":true}},"
            "{\"name\":\"b\",\"value\":{\"stringValue\":\"q\\\"\\\\\\n\\u0001\xEF\xBF\xBD\"}},"
            "{\"name\":\"c\",\"value\":{\"longValue\":-7}},"
            "{\"name\":\"d\",\"value\":{\"doubleValue\":1.5}},"
            "{\"name\":\"e\",\"value\":{\"booleanValue\":true}},"
            "{\"name\":\"f\",\"value\":{\"blobValue\":\"aGk=\"}},"
            "{\"name\":\"g\",\"typeHint\":\"DECIMAL\",\"value\":{\"stringValue\":\"1.25\"}}]");
}

TEST(DataApiClientTest, InvalidUtf8IsReplacedNotThrown) {
  std::string text = SqlParameterSet{{"raw", std::string("a\xFF"
                                                         "b")}}
                             .empty()
                         ? ""
                         : DataApiClient::ParameterSetJson({{"raw", std::string("a\xFF"
                                                                                "b")}});
  EXPECT_EQ(text,
            "[{\"name\":\"raw\",\"value\":{\"stringValue\":\"a\xEF\xBF\xBD"
            "b\"}}]");
}

}  // namespace
}  // namespace billflow
