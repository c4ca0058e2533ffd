#include "sources/s3_source.h"

#include <gtest/gtest.h>

#include "http/fake_http_client.h"

namespace billflow {
namespace {

AwsConfig LocalConfig() {
  AwsConfig config;
  config.region = "us-east-1";
  config.credentials = Credentials{"AKID", "SECRET", "", "test"};
  config.endpoint_url_s3 = "http://127.0.0.1:4569";
  return config;
}

// Answers HEAD with the object's metadata and ranged GETs with the requested bytes.
void ServeObject(FakeHttpClient* http, const std::string& content) {
  http->SetHandler([content](const HttpRequest& request) -> Result<HttpResponse> {
    HttpResponse response;
    response.headers = {{"ETag", "\"etag-1\""},
                        {"Last-Modified", "Sun, 01 Jun 2025 10:00:00 GMT"},
                        {"x-amz-version-id", "v1"}};
    if (request.method == "HEAD") {
      response.status = 200;
      response.headers.push_back({"Content-Length", std::to_string(content.size())});
      return response;
    }
    const std::string* range = request.FindHeader("Range");
    std::size_t first = 0, last = 0;
    std::sscanf(range->c_str(), "bytes=%zu-%zu", &first, &last);
    response.status = 206;
    response.body = content.substr(first, last - first + 1);
    return response;
  });
}

TEST(S3SourceTest, ReadsTheObjectInRangedChunksPinnedToTheEtag) {
  FakeHttpClient http;
  std::string content = "id,amount\n1,2.50\n2,3.75\n";
  ServeObject(&http, content);
  S3Client s3(&http, LocalConfig(), SystemClock());
  S3SourceOptions options;
  options.chunk_bytes = 10;
  Result<std::unique_ptr<S3Source>> source = S3Source::Open(&s3, "bills", "in/a b.csv", options);
  ASSERT_TRUE(source) << source.error().message;
  const SourceInfo& info = (*source)->Info();
  EXPECT_EQ(info.uri, "s3://bills/in/a b.csv");
  EXPECT_EQ(info.size_bytes, content.size());
  EXPECT_EQ(info.version_tag, "etag:etag-1 version:v1");
  EXPECT_EQ(info.version_order, "2025-06-01T10:00:00Z");

  std::string read;
  char buffer[4];
  while (true) {
    Result<std::size_t> n = (*source)->Read(buffer);
    ASSERT_TRUE(n) << n.error().message;
    if (*n == 0) break;
    read.append(buffer, *n);
  }
  EXPECT_EQ(read, content);
  // HEAD + ceil(24 / 10) ranged GETs, each with If-Match and the version.
  ASSERT_EQ(http.requests().size(), 4u);
  EXPECT_EQ(*http.requests()[1].FindHeader("Range"), "bytes=0-9");
  EXPECT_EQ(*http.requests()[3].FindHeader("Range"), "bytes=20-23");
  EXPECT_EQ(*http.requests()[1].FindHeader("If-Match"), "\"etag-1\"");
  EXPECT_EQ(http.requests()[1].url, "http://127.0.0.1:4569/bills/in/a%20b.csv?versionId=v1");

  ASSERT_TRUE((*source)->Rewind());
  Result<std::size_t> again = (*source)->Read(buffer);
  ASSERT_TRUE(again);
  EXPECT_EQ(std::string(buffer, *again), "id,a");
}

TEST(S3SourceTest, MissingObjectIsNotFound) {
  FakeHttpClient http;
  http.Enqueue(404);
  S3Client s3(&http, LocalConfig(), SystemClock());
  Result<std::unique_ptr<S3Source>> source = S3Source::Open(&s3, "bills", "gone.csv");
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code, ErrorCode::kNotFound);
}

TEST(ExpandS3UriTest, ListsCsvInputKeysUnderAPrefix) {
  FakeHttpClient http;
  S3Client s3(&http, LocalConfig(), SystemClock());
  http.Enqueue(200,
               "<ListBucketResult><IsTruncated>false</IsTruncated>"
               "<Contents><Key>in/a.csv</Key><Size>1</Size></Contents>"
               "<Contents><Key>in/notes.txt</Key><Size>1</Size></Contents>"
               "<Contents><Key>in/B.CSV</Key><Size>1</Size></Contents>"
               "<Contents><Key>in/c.csv.gz</Key><Size>1</Size></Contents></ListBucketResult>");
  Result<std::vector<S3Location>> files = ExpandS3Uri(s3, "s3://bills/in/");
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].Uri(), "s3://bills/in/a.csv");
  EXPECT_EQ((*files)[1].Uri(), "s3://bills/in/B.CSV");
  EXPECT_EQ((*files)[2].Uri(), "s3://bills/in/c.csv.gz");
  Result<std::vector<S3Location>> one = ExpandS3Uri(s3, "s3://bills/in/a.csv");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->size(), 1u);
}

}  // namespace
}  // namespace billflow
