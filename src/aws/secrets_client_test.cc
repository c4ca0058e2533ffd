#include "aws/secrets_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/fake_http_client.h"

namespace billflow {
namespace {

AwsConfig LocalConfig() {
  AwsConfig config;
  config.region = "us-east-1";
  config.credentials = Credentials{"AKID", "SECRET", "TOKEN", "test"};
  config.endpoint_url_secrets_manager = "http://127.0.0.1:4570";
  return config;
}

std::string SecretAnswer(const std::string& secret_string) {
  return nlohmann::json{{"ARN", "arn:aws:secretsmanager:us-east-1:1:secret:db"},
                        {"Name", "db"},
                        {"VersionId", "v1"},
                        {"SecretString", secret_string},
                        {"VersionStages", {"AWSCURRENT"}},
                        {"CreatedDate", 1.7e9}}
      .dump();
}

TEST(SecretsClientTest, GetSecretValueRequestShape) {
  FakeHttpClient http;
  http.Enqueue(200, SecretAnswer("hello"));
  SecretsClient secrets(&http, LocalConfig(), SystemClock());
  Result<std::string> value =
      secrets.GetSecretString("arn:aws:secretsmanager:us-east-1:1:secret:db");
  ASSERT_TRUE(value) << value.error().message;
  EXPECT_EQ(*value, "hello");
  const HttpRequest& sent = http.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "http://127.0.0.1:4570/");
  EXPECT_EQ(*sent.FindHeader("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(*sent.FindHeader("X-Amz-Target"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(*sent.FindHeader("X-Amz-Security-Token"), "TOKEN");
  EXPECT_EQ(sent.body, R"({"SecretId":"arn:aws:secretsmanager:us-east-1:1:secret:db"})");
  EXPECT_NE(sent.FindHeader("Authorization")->find("/us-east-1/secretsmanager/aws4_request"),
            std::string::npos);
  EXPECT_NE(sent.FindHeader("Authorization")->find("x-amz-target"), std::string::npos);
}

TEST(SecretsClientTest, DbSecretIsCachedUntilTtlAndRefreshedOnDemand) {
  FakeHttpClient http;
  std::string first =
      R"({"username":"app","password":"p1","host":"db.local","port":3306,"dbname":"billing"})";
  std::string rotated =
      R"({"username":"app","password":"p2","host":"db.local","port":"3307","dbname":"billing"})";
  http.Enqueue(200, SecretAnswer(first));
  http.Enqueue(200, SecretAnswer(rotated));
  http.Enqueue(200, SecretAnswer(rotated));
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
  SecretsClient secrets(
      &http, LocalConfig(), [&] { return now; }, std::chrono::seconds(60));
  Result<DbSecret> a = secrets.GetDbSecret("db");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->password, "p1");
  EXPECT_EQ(a->port, 3306);
  EXPECT_EQ(a->dbname, "billing");
  now += std::chrono::seconds(30);
  EXPECT_EQ(secrets.GetDbSecret("db")->password, "p1");
  EXPECT_EQ(http.requests().size(), 1u);
  Result<DbSecret> refreshed = secrets.RefreshDbSecret("db");
  ASSERT_TRUE(refreshed);
  EXPECT_EQ(refreshed->password, "p2");
  EXPECT_EQ(refreshed->port, 3307);
  now += std::chrono::seconds(61);
  EXPECT_EQ(secrets.GetDbSecret("db")->password, "p2");
  EXPECT_EQ(http.requests().size(), 3u);
}

TEST(SecretsClientTest, MissingSecretIsNotFound) {
  FakeHttpClient http;
  http.Enqueue(
      400,
      R"({"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."})");
  SecretsClient secrets(&http, LocalConfig(), SystemClock());
  Result<DbSecret> secret = secrets.GetDbSecret("nope");
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(secret.error().message,
            "GetSecretValue nope: HTTP 400 ResourceNotFoundException: Secrets Manager can't find "
            "the specified secret.");
}

TEST(SecretsClientTest, IncompleteSecretNamesTheFieldNotThePassword) {
  Result<DbSecret> secret = ParseDbSecret(R"({"username":"app","password":"s3cr3t"})");
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().message, "database secret lacks a string \"host\"");
  EXPECT_FALSE(ParseDbSecret(R"({"username":"a","password":"b","host":"h","port":"x"})"));
  EXPECT_FALSE(ParseDbSecret("not json"));
}

}  // namespace
}  // namespace billflow
