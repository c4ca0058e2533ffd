// S3Client against s3rver behind the SigV4-verifying front (tools/s3_sigv4_front.mjs).
// Run by aws_s3_client_test.sh, which starts the server, uploads the fixtures with the real
// AWS CLI and passes the endpoint in BILLFLOW_TEST_S3_ENDPOINT.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "aws/s3_client.h"
#include "crypto/sha256.h"
#include "http/curl_http_client.h"

namespace billflow {
namespace {

class AwsS3ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* endpoint = std::getenv("BILLFLOW_TEST_S3_ENDPOINT");
    if (endpoint == nullptr) GTEST_SKIP() << "run through aws_s3_client_test.sh";
    config_.region = "us-east-1";
    config_.credentials = Credentials{"AKIDBILLFLOWTEST", "billflow-test-secret", "", "test"};
    config_.endpoint_url_s3 = endpoint;
  }
  std::string Get(S3Client& s3, const std::string& key, S3GetOptions options = {}) {
    std::string body;
    Result<S3ObjectInfo> info = s3.GetObject("bills", key, options, [&](std::string_view chunk) {
      body.append(chunk);
      return Ok();
    });
    EXPECT_TRUE(info) << key << ": " << info.error().message;
    return body;
  }
  AwsConfig config_;
  CurlHttpClient http_;
};

TEST_F(AwsS3ClientTest, KeysWithSpacesPlusAndNonAsciiRoundTrip) {
  S3Client s3(&http_, config_, SystemClock());
  for (const std::string key : {"in/with space.csv", "in/plus+sign.csv", "in/caf\xC3\xA9.csv",
                                "in/odd ~!$&'()*,;=@ name.csv"}) {
    Result<S3ObjectInfo> head = s3.HeadObject("bills", key);
    ASSERT_TRUE(head) << key << ": " << head.error().message;
    EXPECT_EQ(head->size_bytes, 19u) << key;
    EXPECT_FALSE(head->etag.empty());
    EXPECT_EQ(head->last_modified.size(), 20u) << head->last_modified;
    EXPECT_EQ(Get(s3, key), "id,amount\n1,2.50\nx\n") << key;
  }
}

TEST_F(AwsS3ClientTest, LargeObjectStreamsInPiecesAndRanges) {
  S3Client s3(&http_, config_, SystemClock());
  Result<S3ObjectInfo> head = s3.HeadObject("bills", "big/large.bin");
  ASSERT_TRUE(head) << head.error().message;
  ASSERT_EQ(head->size_bytes, 3u * 1024 * 1024);
  Sha256 hash;
  std::size_t pieces = 0;
  std::size_t total = 0;
  Result<S3ObjectInfo> info =
      s3.GetObject("bills", "big/large.bin", {}, [&](std::string_view chunk) {
        hash.Update(chunk);
        total += chunk.size();
        ++pieces;
        return Ok();
      });
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(total, head->size_bytes);
  EXPECT_GT(pieces, 1u);
  const char* expected = std::getenv("BILLFLOW_TEST_LARGE_SHA256");
  ASSERT_NE(expected, nullptr);
  EXPECT_EQ(ToHex(hash.Finish()), expected);

  S3GetOptions range;
  range.range = std::make_pair<std::uint64_t, std::uint64_t>(10, 19);
  range.if_match = head->etag;
  EXPECT_EQ(Get(s3, "big/large.bin", range).size(), 10u);
}

TEST_F(AwsS3ClientTest, ListingPaginatesWithSmallMaxKeys) {
  S3Client s3(&http_, config_, SystemClock());
  Result<S3ListPage> first = s3.ListObjectsV2("bills", "page/", "", 2);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->objects.size(), 2u);
  EXPECT_FALSE(first->next_continuation_token.empty());
  Result<std::vector<S3ObjectInfo>> all = s3.ListAll("bills", "page/", 2);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 7u);
  EXPECT_EQ((*all)[0].key, "page/0 a+b.csv");
  EXPECT_EQ((*all)[6].key, "page/6 a+b.csv");
  Result<std::vector<S3ObjectInfo>> in = s3.ListAll("bills", "in/", 1000);
  ASSERT_TRUE(in);
  ASSERT_EQ(in->size(), 5u);
  EXPECT_EQ((*in)[0].key, "in/caf\xC3\xA9.csv");
}

TEST_F(AwsS3ClientTest, MissingKeyIsNotFound) {
  S3Client s3(&http_, config_, SystemClock());
  Result<S3ObjectInfo> head = s3.HeadObject("bills", "in/nope.csv");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kNotFound);
  Result<S3ObjectInfo> get =
      s3.GetObject("bills", "in/nope.csv", {}, [](std::string_view) { return Ok(); });
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(get.error().message.rfind("GetObject s3://bills/in/nope.csv: HTTP 404 NoSuchKey", 0),
            0u)
      << get.error().message;
}

TEST_F(AwsS3ClientTest, WrongSecretGetsAClear403) {
  config_.credentials.secret_access_key = "wrong-secret";
  S3Client s3(&http_, config_, SystemClock());
  Result<S3ObjectInfo> get =
      s3.GetObject("bills", "in/plain.csv", {}, [](std::string_view) { return Ok(); });
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(get.error().message,
            "GetObject s3://bills/in/plain.csv: HTTP 403 SignatureDoesNotMatch: The request "
            "signature we calculated does not match the signature you provided. Check your key "
            "and signing method.");
  Result<S3ListPage> list = s3.ListObjectsV2("bills", "", "", 10);
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().code, ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace billflow
