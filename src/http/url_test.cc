#include "http/url.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(UrlTest, ParsesHostPortPathAndQuery) {
  Result<Url> url = Url::Parse("http://127.0.0.1:4566/bucket/a%20b.csv?list-type=2&prefix=x");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 4566);
  EXPECT_EQ(url->path, "/bucket/a%20b.csv");
  EXPECT_EQ(url->query, "list-type=2&prefix=x");
  EXPECT_EQ(url->HostHeader(), "127.0.0.1:4566");
  EXPECT_EQ(url->Origin(), "http://127.0.0.1:4566");
}

TEST(UrlTest, DefaultPortIsLeftOutOfHostHeader) {
  Result<Url> url = Url::Parse("https://s3.us-east-1.amazonaws.com");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->path, "/");
  EXPECT_EQ(url->HostHeader(), "s3.us-east-1.amazonaws.com");
  Result<Url> explicit_default = Url::Parse("https://example.com:443/x");
  ASSERT_TRUE(explicit_default);
  EXPECT_EQ(explicit_default->HostHeader(), "example.com");
}

TEST(UrlTest, RejectsMissingSchemeAndBadPort) {
  EXPECT_FALSE(Url::Parse("127.0.0.1:4566"));
  EXPECT_FALSE(Url::Parse("http://host:99999/"));
  EXPECT_FALSE(Url::Parse("ftp://host/"));
}

TEST(UrlTest, PercentEncodeKeepsOnlyUnreservedBytes) {
  EXPECT_EQ(PercentEncode("a b+c/d~e_f.g-h", true), "a%20b%2Bc/d~e_f.g-h");
  EXPECT_EQ(PercentEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(PercentEncode("caf\xC3\xA9", true), "caf%C3%A9");
  EXPECT_EQ(PercentEncode("=&*", true), "%3D%26%2A");
}

TEST(UrlTest, PercentDecodeHandlesPlusAndUtf8) {
  EXPECT_EQ(*PercentDecode("a+b%2Bc.csv", true), "a b+c.csv");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(*PercentDecode("caf%C3%A9", true), "caf\xC3\xA9");
  Result<std::string> bad = PercentDecode("50%", true);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "\"50%\": malformed percent-encoding at byte 2");
  EXPECT_FALSE(PercentDecode("%zz", true));
}

}  // namespace
}  // namespace billflow
