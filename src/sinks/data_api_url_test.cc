#include <gtest/gtest.h>

#include "sinks/data_api_sink.h"

namespace billflow {
namespace {

TEST(DataApiUrlTest, ParsesClusterSecretAndDatabase) {
  Result<DataApiTarget> target = ParseDataApiUrl(
      "data-api://arn:aws:rds:us-east-1:1:cluster:c?secret=arn%3Aaws%3Asecretsmanager%3Aus-east-1"
      "%3A1%3Asecret%3Adb-AbC&database=billing");
  ASSERT_TRUE(target) << target.error().message;
  EXPECT_EQ(target->resource_arn, "arn:aws:rds:us-east-1:1:cluster:c");
  EXPECT_EQ(target->secret_arn, "arn:aws:secretsmanager:us-east-1:1:secret:db-AbC");
  EXPECT_EQ(target->database, "billing");
  Result<DataApiTarget> no_secret = ParseDataApiUrl("data-api://arn:aws:rds:us-east-1:1:cluster:c");
  ASSERT_FALSE(no_secret);
  EXPECT_EQ(no_secret.error().message,
            "data-api URL: no secret=SECRET_ARN; expected "
            "data-api://CLUSTER_ARN?secret=SECRET_ARN&database=DB");
  EXPECT_FALSE(ParseDataApiUrl("mysql://x"));
}

}  // namespace
}  // namespace billflow
