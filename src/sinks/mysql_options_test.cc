#include "sinks/mysql_options.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(ParseMysqlUrlTest, FullUrlGivesEveryField) {
  auto options =
      ParseMysqlUrl("mysql://loader@db.example.com:3307/billing?tls=verify-ca&ca=/etc/rds.pem");
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->user, "loader");
  EXPECT_EQ(options->host, "db.example.com");
  EXPECT_EQ(options->port, 3307);
  EXPECT_EQ(options->database, "billing");
  EXPECT_EQ(options->tls, MysqlTlsMode::kVerifyCa);
  EXPECT_EQ(options->ca_path, "/etc/rds.pem");
  EXPECT_FALSE(options->password_provider);
}

TEST(ParseMysqlUrlTest, TlsDefaultsToVerifyIdentityExceptOnLoopback) {
  EXPECT_EQ(ParseMysqlUrl("mysql://u@db.internal/b")->tls, MysqlTlsMode::kVerifyIdentity);
  EXPECT_EQ(ParseMysqlUrl("mysql://u@127.0.0.1/b")->tls, MysqlTlsMode::kDisable);
  EXPECT_EQ(ParseMysqlUrl("mysql://u@localhost:3306/b")->tls, MysqlTlsMode::kDisable);
  EXPECT_EQ(ParseMysqlUrl("mysql://u@[::1]:3306/b")->tls, MysqlTlsMode::kDisable);
  EXPECT_EQ(ParseMysqlUrl("mysql://u@10.0.0.1/b")->tls, MysqlTlsMode::kVerifyIdentity);
  EXPECT_EQ(ParseMysqlUrl("mysql://u@127.0.0.1/b?tls=require")->tls, MysqlTlsMode::kRequire);
}

TEST(ParseMysqlUrlTest, DefaultPortIpv6AndPercentEncoding) {
  auto options = ParseMysqlUrl("mariadb://bill%40ops@[fd00::5]/my%2Ddb");
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->user, "bill@ops");
  EXPECT_EQ(options->host, "fd00::5");
  EXPECT_EQ(options->port, 3306);
  EXPECT_EQ(options->database, "my-db");
  EXPECT_EQ(DescribeMysqlTarget(*options), "bill@ops@[fd00::5]:3306/my-db");
}

TEST(ParseMysqlUrlTest, PasswordInUrlIsRefusedWithoutEchoingIt) {
  auto options = ParseMysqlUrl("mysql://u:canary-s3cret@h/b");
  ASSERT_FALSE(options);
  EXPECT_EQ(options.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(options.error().message,
            "--db mysql URL: a password in the URL is refused; pass it in BILLFLOW_DB_PASSWORD "
            "or --password-file");
  EXPECT_EQ(options.error().message.find("canary"), std::string::npos);
}

TEST(ParseMysqlUrlTest, MalformedUrlsNameTheProblem) {
  const auto message = [](std::string_view url) {
    auto options = ParseMysqlUrl(url);
    return options ? std::string("ok") : options.error().message;
  };
  EXPECT_EQ(
      message("postgres://u@h/b"),
      "--db mysql URL: must start with mysql:// (mysql://USER@HOST[:PORT]/DB[?tls=...&ca=PATH])");
  EXPECT_EQ(message("mysql://u@h"), "--db mysql URL: database name missing (mysql://USER@HOST/DB)");
  EXPECT_EQ(message("mysql://h/b"), "--db mysql URL: user missing (mysql://USER@HOST/DB)");
  EXPECT_EQ(message("mysql://u@h:99999/b"),
            "--db mysql URL: port \"99999\" is not a number from 1 to 65535");
  EXPECT_EQ(message("mysql://u@h:/b"), "--db mysql URL: port \"\" is not a number from 1 to 65535");
  EXPECT_EQ(
      message("mysql://u@h/b?tls=yes"),
      "--db mysql URL: tls=\"yes\" is not one of verify-identity, verify-ca, require, disable");
  EXPECT_EQ(
      message("mysql://u@h/b?sslkey=x"),
      "--db mysql URL: unknown parameter \"sslkey\" (known: tls, ca, secret, connect-timeout)");
  EXPECT_EQ(message("mysql://u@h/"),
            "--db mysql URL: database name is empty or invalid (mysql://USER@HOST/DB)");
  EXPECT_EQ(message("mysql://u@127.0.0.1/b?ca=/x.pem"),
            "--db mysql URL: ca= is set but tls=disable; use tls=verify-ca or tls=verify-identity");
  EXPECT_EQ(message("mysql://u%zz@h/b"), "--db mysql URL: user is empty or badly percent-encoded");
  // An encoded NUL would cut the C string libmariadb is handed.
  EXPECT_EQ(message("mysql://u%00x@h/b"), "--db mysql URL: user is empty or badly percent-encoded");
  EXPECT_EQ(message("mysql://u@h/b%4"),
            "--db mysql URL: database name is empty or invalid (mysql://USER@HOST/DB)");
}

}  // namespace
}  // namespace billflow
