#include <gtest/gtest.h>

#include "sinks/data_api_sink.h"

namespace billflow {
namespace {

TEST(DataApiUrlTest, ParsesClusterSecretAndDatabase) {
  Result<DataApiUrl> url = ParseDataApiUrl(
      "data-api://arn:aws:rds:us-east-1:1:cluster:c?secret=arn%3Aaws%3Asecretsmanager%3Aus-east-1"
      "%3A1%3Asecret%3Adb-AbC&database=billing");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->target.resource_arn, "arn:aws:rds:us-east-1:1:cluster:c");
  EXPECT_EQ(url->target.secret_arn, "arn:aws:secretsmanager:us-east-1:1:secret:db-AbC");
  EXPECT_EQ(url->target.database, "billing");
  EXPECT_EQ(url->dialect, SqlDialect::kMysql);
  Result<DataApiUrl> no_secret = ParseDataApiUrl("data-api://arn:aws:rds:us-east-1:1:cluster:c");
  ASSERT_FALSE(no_secret);
  EXPECT_EQ(no_secret.error().message,
            "data-api URL: no secret=SECRET_ARN; expected "
            "data-api://CLUSTER_ARN?secret=SECRET_ARN&database=DB");
  EXPECT_FALSE(ParseDataApiUrl("mysql://x"));
}

TEST(DataApiUrlTest, EngineParameterChoosesTheDialect) {
  const std::string base = "data-api://arn:aws:rds:us-east-1:1:cluster:c?secret=s&database=b";
  for (const char* name : {"postgres", "postgresql"}) {
    Result<DataApiUrl> url = ParseDataApiUrl(base + "&engine=" + name);
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_EQ(url->dialect, SqlDialect::kPostgres) << name;
    EXPECT_EQ(url->target.database, "b");
  }
  Result<DataApiUrl> mysql = ParseDataApiUrl(base + "&engine=mysql");
  ASSERT_TRUE(mysql) << mysql.error().message;
  EXPECT_EQ(mysql->dialect, SqlDialect::kMysql);
  Result<DataApiUrl> oracle = ParseDataApiUrl(base + "&engine=oracle");
  ASSERT_FALSE(oracle);
  EXPECT_EQ(oracle.error().message,
            "data-api URL: engine=\"oracle\" is not an Aurora engine; use engine=mysql (the "
            "default) or engine=postgres");
}

}  // namespace
}  // namespace billflow
