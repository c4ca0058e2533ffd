#include "aws/sigv4_signer.h"

#include <gtest/gtest.h>

#include "crypto/sha256.h"

namespace billflow {
namespace {

// The AWS SigV4 test suite's fixed inputs (aws-sig-v4-test-suite, as in aws-c-auth's v4/).
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kDate = "20150830T123600Z";
constexpr std::string_view kScope = "20150830/us-east-1/service/aws4_request";
constexpr std::string_view kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::chrono::system_clock::time_point SuiteTime() {
  // 2015-08-30T12:36:00Z
  return std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));
}

HttpRequest SuiteRequest(std::string method, std::string path_and_query) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = "https://example.amazonaws.com" + path_and_query;
  request.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", std::string(kDate)}};
  return request;
}

struct Steps {
  std::string canonical;
  std::string string_to_sign;
  std::string signature;
};

Steps RunSteps(const HttpRequest& request) {
  std::string payload_hash = ToHex(Sha256::Of(request.body));
  Result<CanonicalRequest> canonical = BuildCanonicalRequest(request, false, payload_hash);
  EXPECT_TRUE(canonical);
  std::string string_to_sign = BuildStringToSign(kDate, kScope, canonical->text);
  return Steps{canonical->text, string_to_sign,
               ComputeSignature(kSecret, kDate, "us-east-1", "service", string_to_sign)};
}

TEST(SigV4SignerTest, FormatsAmzDateInUtc) {
  EXPECT_EQ(FormatAmzDate(SuiteTime()), kDate);
  EXPECT_EQ(CredentialScope(kDate, "us-east-1", "service"), kScope);
}

TEST(SigV4SignerTest, GetVanilla) {
  Steps steps = RunSteps(SuiteRequest("GET", "/"));
  EXPECT_EQ(steps.canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n" +
                std::string(kEmptyHash));
  EXPECT_EQ(steps.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(steps.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4SignerTest, GetVanillaQueryOrderKeyCase) {
  Steps steps = RunSteps(SuiteRequest("GET", "/?Param2=value2&Param1=value1"));
  EXPECT_EQ(steps.canonical,
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
                std::string(kEmptyHash));
  EXPECT_EQ(steps.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0");
  EXPECT_EQ(steps.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4SignerTest, GetVanillaEmptyQueryKey) {
  Steps steps = RunSteps(SuiteRequest("GET", "/?Param1=value1"));
  EXPECT_EQ(steps.signature, "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb");
}

TEST(SigV4SignerTest, PostVanilla) {
  Steps steps = RunSteps(SuiteRequest("POST", "/"));
  EXPECT_EQ(steps.signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(SigV4SignerTest, PostXWwwFormUrlencoded) {
  HttpRequest request = SuiteRequest("POST", "/");
  request.headers.insert(request.headers.begin(),
                         {"Content-Type", "application/x-www-form-urlencoded"});
  request.body = "Param1=value1";
  Steps steps = RunSteps(request);
  EXPECT_EQ(steps.canonical,
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\n"
            "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n"
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(steps.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
  EXPECT_EQ(steps.signature, "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST(SigV4SignerTest, CanonicalQuerySortsAndAddsEqualsToEmptyValues) {
  EXPECT_EQ(CanonicalQuery("location"), "location=");
  EXPECT_EQ(CanonicalQuery("prefix=a%20b&list-type=2&continuation-token=x%2By%3D"),
            "continuation-token=x%2By%3D&list-type=2&prefix=a%20b");
  EXPECT_EQ(CanonicalQuery("b=2&a=2&a=1"), "a=1&a=2&b=2");
  EXPECT_EQ(CanonicalQuery("p=a/b"), "p=a%2Fb");
}

TEST(SigV4SignerTest, S3PathIsNotEncodedTwice) {
  EXPECT_EQ(CanonicalUri("/bucket/a%20b%2Bc.csv", true), "/bucket/a%20b%2Bc.csv");
  EXPECT_EQ(CanonicalUri("/bucket/a%20b", false), "/bucket/a%2520b");
  EXPECT_EQ(CanonicalUri("", true), "/");
}

TEST(SigV4SignerTest, SignRequestAddsS3HeadersAndSessionToken) {
  HttpRequest request;
  request.url = "http://127.0.0.1:4566/bucket/a%20b.csv";
  Credentials credentials{"AKIDEXAMPLE", std::string(kSecret), "TOKEN", "test"};
  SigV4Options options{"us-east-1", "s3", true, false};
  ASSERT_TRUE(SignRequest(&request, credentials, options, SuiteTime()));
  ASSERT_NE(request.FindHeader("host"), nullptr);
  EXPECT_EQ(*request.FindHeader("host"), "127.0.0.1:4566");
  EXPECT_EQ(*request.FindHeader("x-amz-content-sha256"), kEmptyHash);
  EXPECT_EQ(*request.FindHeader("x-amz-security-token"), "TOKEN");
  const std::string* authorization = request.FindHeader("authorization");
  ASSERT_NE(authorization, nullptr);
  EXPECT_TRUE(authorization->starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="))
      << *authorization;
  // Signing twice replaces, never duplicates, the signature headers.
  ASSERT_TRUE(SignRequest(&request, credentials, options, SuiteTime()));
  int authorizations = 0;
  for (const HttpHeader& header : request.headers) {
    if (EqualsIgnoreCase(header.name, "authorization")) ++authorizations;
  }
  EXPECT_EQ(authorizations, 1);
}

TEST(SigV4SignerTest, UnsignedPayloadForS3) {
  HttpRequest request;
  request.url = "https://s3.us-east-1.amazonaws.com/b/k";
  SigV4Options options{"us-east-1", "s3", true, true};
  ASSERT_TRUE(SignRequest(&request, Credentials{"A", "B", "", ""}, options, SuiteTime()));
  EXPECT_EQ(*request.FindHeader("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
}

TEST(SigV4SignerTest, PostStsHeaderBeforeSignsTheSessionToken) {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://example.amazonaws.com/";
  Credentials credentials{"AKIDEXAMPLE", std::string(kSecret),
                          "AQoDYXdzEPT//////////"
                          "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPf"
                          "IeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/"
                          "kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU"
                          "9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
                          "scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==",
                          "test"};
  ASSERT_TRUE(SignRequest(&request, credentials, SigV4Options{"us-east-1", "service", false, false},
                          SuiteTime()));
  EXPECT_EQ(*request.FindHeader("authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date;x-amz-security-token, "
            "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
}

// The GetObject example of the S3 documentation ("Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk").
TEST(SigV4SignerTest, S3DocumentationGetObjectExample) {
  HttpRequest request;
  request.url = "https://examplebucket.s3.amazonaws.com/test.txt";
  request.headers = {{"Range", "bytes=0-9"}};
  Credentials credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "",
                          "test"};
  auto time = std::chrono::system_clock::time_point(std::chrono::seconds(1369353600));
  ASSERT_TRUE(
      SignRequest(&request, credentials, SigV4Options{"us-east-1", "s3", true, false}, time));
  EXPECT_EQ(*request.FindHeader("authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

}  // namespace
}  // namespace billflow
