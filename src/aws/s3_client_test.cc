#include "aws/s3_client.h"

#include <gtest/gtest.h>

#include "http/fake_http_client.h"

namespace billflow {
namespace {

std::chrono::system_clock::time_point FixedTime() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));
}

AwsConfig LocalConfig() {
  AwsConfig config;
  config.region = "us-east-1";
  config.credentials = Credentials{"AKID", "SECRET", "", "test"};
  config.endpoint_url_s3 = "http://127.0.0.1:4569";
  return config;
}

TEST(S3ClientTest, ParsesS3Uris) {
  Result<S3Location> location = ParseS3Uri("s3://bucket/dir/a b.csv");
  ASSERT_TRUE(location);
  EXPECT_EQ(location->bucket, "bucket");
  EXPECT_EQ(location->key, "dir/a b.csv");
  Result<S3Location> bucket_only = ParseS3Uri("s3://bucket");
  ASSERT_TRUE(bucket_only);
  EXPECT_EQ(bucket_only->key, "");
  Result<S3Location> bad = ParseS3Uri("https://x/y");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "\"https://x/y\" is not an S3 URI; expected s3://bucket/key");
}

TEST(S3ClientTest, PathStyleWithCustomEndpointVirtualHostedOtherwise) {
  FakeHttpClient http;
  S3Client local(&http, LocalConfig(), [] { return FixedTime(); });
  EXPECT_EQ(local.ObjectUrl("b", "dir/a b+c\xC3\xA9.csv", ""),
            "http://127.0.0.1:4569/b/dir/a%20b%2Bc%C3%A9.csv");
  AwsConfig aws = LocalConfig();
  aws.endpoint_url_s3.clear();
  S3Client real(&http, aws, [] { return FixedTime(); });
  EXPECT_EQ(real.ObjectUrl("my-bucket", "k", "list-type=2"),
            "https://my-bucket.s3.us-east-1.amazonaws.com/k?list-type=2");
  EXPECT_EQ(real.ObjectUrl("dotted.bucket", "k", ""),
            "https://s3.us-east-1.amazonaws.com/dotted.bucket/k");
}

TEST(S3ClientTest, HeadObjectReadsMetadataAndSigns) {
  FakeHttpClient http;
  http.Enqueue(200, "",
               {{"Content-Length", "1234"},
                {"ETag", "\"9b2cf535f27731c974343645a3985328\""},
                {"Last-Modified", "Wed, 12 Oct 2009 17:50:00 GMT"},
                {"x-amz-version-id", "v1"}});
  S3Client s3(&http, LocalConfig(), [] { return FixedTime(); });
  Result<S3ObjectInfo> info = s3.HeadObject("b", "a b.csv");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->size_bytes, 1234u);
  EXPECT_EQ(info->etag, "9b2cf535f27731c974343645a3985328");
  EXPECT_EQ(info->last_modified, "2009-10-12T17:50:00Z");
  EXPECT_EQ(info->version_id, "v1");
  const HttpRequest& sent = http.requests().at(0);
  EXPECT_EQ(sent.method, "HEAD");
  EXPECT_EQ(sent.url, "http://127.0.0.1:4569/b/a%20b.csv");
  ASSERT_NE(sent.FindHeader("Authorization"), nullptr);
  EXPECT_NE(sent.FindHeader("Authorization")->find("/20150830/us-east-1/s3/aws4_request"),
            std::string::npos);
  EXPECT_EQ(*sent.FindHeader("x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(S3ClientTest, HeadObjectNotFoundHasNoBody) {
  FakeHttpClient http;
  http.Enqueue(404);
  S3Client s3(&http, LocalConfig(), [] { return FixedTime(); });
  Result<S3ObjectInfo> info = s3.HeadObject("b", "missing.csv");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(info.error().message,
            "HeadObject s3://b/missing.csv: HTTP 404 (no such bucket or key)");
}

TEST(S3ClientTest, GetObjectStreamsRangeWithIfMatch) {
  FakeHttpClient http;
  http.Enqueue(206, "0123456789", {{"Content-Length", "10"}, {"ETag", "\"e1\""}});
  S3Client s3(&http, LocalConfig(), [] { return FixedTime(); });
  std::string body;
  S3GetOptions options;
  options.if_match = "e1";
  options.range = std::make_pair<std::uint64_t, std::uint64_t>(0, 9);
  options.version_id = "v+1";
  Result<S3ObjectInfo> info = s3.GetObject("b", "k.csv", options, [&](std::string_view chunk) {
    body.append(chunk);
    return Ok();
  });
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(body, "0123456789");
  const HttpRequest& sent = http.requests().at(0);
  EXPECT_EQ(sent.url, "http://127.0.0.1:4569/b/k.csv?versionId=v%2B1");
  EXPECT_EQ(*sent.FindHeader("Range"), "bytes=0-9");
  EXPECT_EQ(*sent.FindHeader("If-Match"), "\"e1\"");
  // Range and If-Match are signed like every other header.
  EXPECT_NE(sent.FindHeader("Authorization")->find("SignedHeaders=host;if-match;range;"),
            std::string::npos);
}

TEST(S3ClientTest, SignatureMismatchIsPermissionDeniedWithS3Message) {
  FakeHttpClient http;
  http.Enqueue(
      403,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code>"
      "<Message>The request signature we calculated does not match the signature you "
      "provided.</Message></Error>");
  S3Client s3(&http, LocalConfig(), [] { return FixedTime(); });
  Result<S3ObjectInfo> info = s3.GetObject("b", "k.csv", {}, [](std::string_view) { return Ok(); });
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(info.error().message,
            "GetObject s3://b/k.csv: HTTP 403 SignatureDoesNotMatch: The request signature we "
            "calculated does not match the signature you provided.");
}

TEST(S3ClientTest, ChangedObjectIsConflictAndSlowDownIsUnavailable) {
  FakeHttpClient http;
  http.Enqueue(412,
               "<Error><Code>PreconditionFailed</Code><Message>At least one of the "
               "pre-conditions you specified did not hold</Message></Error>");
  http.Enqueue(503,
               "<Error><Code>SlowDown</Code><Message>Please reduce your request rate."
               "</Message></Error>");
  S3Client s3(&http, LocalConfig(), [] { return FixedTime(); });
  auto ignore = [](std::string_view) { return Ok(); };
  Result<S3ObjectInfo> changed = s3.GetObject("b", "k", {}, ignore);
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().code, ErrorCode::kConflict);
  Result<S3ObjectInfo> slow = s3.GetObject("b", "k", {}, ignore);
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code, ErrorCode::kUnavailable);
}

TEST(S3ClientTest, ListAllFollowsContinuationTokensAndDecodesUrlKeys) {
  FakeHttpClient http;
  http.Enqueue(200,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult><Name>b</Name>"
               "<EncodingType>url</EncodingType><KeyCount>2</KeyCount><IsTruncated>true"
               "</IsTruncated><NextContinuationToken>tok+/=1</NextContinuationToken>"
               "<Contents><Key>in/a+b%2Bc.csv</Key><LastModified>2025-06-01T10:00:00.000Z"
               "</LastModified><ETag>&quot;e1&quot;</ETag><Size>10</Size></Contents>"
               "<Contents><Key>in/caf%C3%A9.csv</Key><Size>20</Size></Contents>"
               "</ListBucketResult>");
  http.Enqueue(200,
               "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>in/z.csv</Key>"
               "<Size>3</Size></Contents></ListBucketResult>");
  S3Client s3(&http, LocalConfig(), [] { return FixedTime(); });
  Result<std::vector<S3ObjectInfo>> all = s3.ListAll("b", "in/", 2);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].key, "in/a b+c.csv");
  EXPECT_EQ((*all)[0].etag, "e1");
  EXPECT_EQ((*all)[0].size_bytes, 10u);
  EXPECT_EQ((*all)[0].last_modified, "2025-06-01T10:00:00Z");
  EXPECT_EQ((*all)[1].key, "in/caf\xC3\xA9.csv");
  // The second page has no EncodingType: its keys are taken as they are.
  EXPECT_EQ((*all)[2].key, "in/z.csv");
  ASSERT_EQ(http.requests().size(), 2u);
  EXPECT_EQ(http.requests()[0].url,
            "http://127.0.0.1:4569/b/?list-type=2&encoding-type=url&max-keys=2&prefix=in%2F");
  EXPECT_EQ(http.requests()[1].url,
            "http://127.0.0.1:4569/b/?list-type=2&encoding-type=url&max-keys=2&prefix=in%2F"
            "&continuation-token=tok%2B%2F%3D1");
}

TEST(S3ClientTest, NormalizesBothTimeFormats) {
  EXPECT_EQ(NormalizeS3Time("Sun, 01 Jun 2025 10:00:00 GMT"), "2025-06-01T10:00:00Z");
  EXPECT_EQ(NormalizeS3Time("2025-06-01T10:00:00.123Z"), "2025-06-01T10:00:00Z");
  EXPECT_EQ(NormalizeS3Time("yesterday"), "");
}

}  // namespace
}  // namespace billflow
