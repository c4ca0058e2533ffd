#include "aws/aws_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace billflow {
namespace {

TEST(AwsConfigTest, EnvironmentCredentialsComeFirst) {
  EnvLookup env = EnvFromMap({{"AWS_ACCESS_KEY_ID", "AKID"},
                              {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                              {"AWS_SESSION_TOKEN", "TOKEN"},
                              {"AWS_REGION", "eu-west-1"},
                              {"AWS_DEFAULT_REGION", "us-west-2"}});
  Result<AwsConfig> config = AwsConfigFromEnv(env);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->region, "eu-west-1");
  EXPECT_EQ(config->credentials.access_key_id, "AKID");
  EXPECT_EQ(config->credentials.secret_access_key, "SECRET");
  EXPECT_EQ(config->credentials.session_token, "TOKEN");
  EXPECT_EQ(config->credentials.source, "environment");
}

TEST(AwsConfigTest, DefaultRegionIsTheFallback) {
  Result<AwsConfig> config = AwsConfigFromEnv(EnvFromMap({{"AWS_ACCESS_KEY_ID", "A"},
                                                          {"AWS_SECRET_ACCESS_KEY", "S"},
                                                          {"AWS_DEFAULT_REGION", "us-west-2"}}));
  ASSERT_TRUE(config);
  EXPECT_EQ(config->region, "us-west-2");
}

TEST(AwsConfigTest, MissingRegionIsAConfigurationError) {
  Result<AwsConfig> config =
      AwsConfigFromEnv(EnvFromMap({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}}));
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(config.error().message,
            "no AWS region: set AWS_REGION (Lambda sets it) or AWS_DEFAULT_REGION");
}

TEST(AwsConfigTest, SharedCredentialsFileProfile) {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / "billflow_aws_config_test_credentials";
  {
    std::ofstream out(path);
    out << "[default]\naws_access_key_id = DEF\naws_secret_access_key = DEFSECRET\n\n"
           "# comment\n[work]\naws_access_key_id=WORK\naws_secret_access_key = WS\n"
           "aws_session_token = WT\n";
  }
  Result<Credentials> work = ResolveCredentials(
      EnvFromMap({{"AWS_SHARED_CREDENTIALS_FILE", path.string()}, {"AWS_PROFILE", "work"}}));
  ASSERT_TRUE(work) << work.error().message;
  EXPECT_EQ(work->access_key_id, "WORK");
  EXPECT_EQ(work->secret_access_key, "WS");
  EXPECT_EQ(work->session_token, "WT");
  Result<Credentials> def =
      ResolveCredentials(EnvFromMap({{"AWS_SHARED_CREDENTIALS_FILE", path.string()}}));
  ASSERT_TRUE(def);
  EXPECT_EQ(def->access_key_id, "DEF");
  std::filesystem::remove(path);
}

TEST(AwsConfigTest, NoCredentialsNamesBothPlaces) {
  Result<Credentials> none = ResolveCredentials(EnvFromMap({{"HOME", "/nonexistent-home"}}));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(none.error().message,
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or write "
            "/nonexistent-home/.aws/credentials");
}

TEST(AwsConfigTest, EndpointOverridesPreferTheServiceSpecificVariable) {
  Result<AwsConfig> config =
      AwsConfigFromEnv(EnvFromMap({{"AWS_ACCESS_KEY_ID", "A"},
                                   {"AWS_SECRET_ACCESS_KEY", "S"},
                                   {"AWS_REGION", "us-east-1"},
                                   {"AWS_ENDPOINT_URL", "http://127.0.0.1:1/"},
                                   {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:2"}}));
  ASSERT_TRUE(config);
  ServiceEndpoint s3 = config->Endpoint(AwsService::kS3);
  EXPECT_EQ(s3.origin, "http://127.0.0.1:2");
  EXPECT_TRUE(s3.path_style);
  EXPECT_EQ(config->Endpoint(AwsService::kRdsData).origin, "http://127.0.0.1:1");
  EXPECT_EQ(config->Endpoint(AwsService::kSecretsManager).origin, "http://127.0.0.1:1");
  config->endpoint_url.clear();
  ServiceEndpoint data_api = config->Endpoint(AwsService::kRdsData);
  EXPECT_EQ(data_api.origin, "https://rds-data.us-east-1.amazonaws.com");
  EXPECT_FALSE(data_api.custom);
  EXPECT_EQ(config->Endpoint(AwsService::kSecretsManager).origin,
            "https://secretsmanager.us-east-1.amazonaws.com");
}

}  // namespace
}  // namespace billflow
