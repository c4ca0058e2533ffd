#include "sinks/postgres_options.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(ParsePostgresUrlTest, FullUrlGivesEveryField) {
  auto options = ParsePostgresUrl(
      "postgres://loader@db.example.com:5433/billing?sslmode=verify-ca&sslrootcert=/etc/rds.pem"
      "&secret=arn:aws:secretsmanager:eu-west-1:1:secret:db");
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->user, "loader");
  EXPECT_EQ(options->host, "db.example.com");
  EXPECT_EQ(options->port, 5433);
  EXPECT_EQ(options->database, "billing");
  EXPECT_EQ(options->ssl_mode, PgSslMode::kVerifyCa);
  EXPECT_EQ(options->ca_path, "/etc/rds.pem");
  EXPECT_EQ(options->secret_id, "arn:aws:secretsmanager:eu-west-1:1:secret:db");
  EXPECT_FALSE(options->password_provider);
  EXPECT_EQ(DescribePostgresTarget(*options), "loader@db.example.com:5433/billing");
}

TEST(ParsePostgresUrlTest, SslModeDefaultsToVerifyFullExceptOnLoopback) {
  EXPECT_EQ(ParsePostgresUrl("postgres://u@db.internal/b")->ssl_mode, PgSslMode::kVerifyFull);
  EXPECT_EQ(ParsePostgresUrl("postgresql://u@127.0.0.1/b")->ssl_mode, PgSslMode::kDisable);
  EXPECT_EQ(ParsePostgresUrl("postgres://u@[::1]:5432/b")->ssl_mode, PgSslMode::kDisable);
  EXPECT_EQ(ParsePostgresUrl("postgres://u@localhost/b?sslmode=require")->ssl_mode,
            PgSslMode::kRequire);
  EXPECT_EQ(ParsePostgresUrl("postgres://u@10.0.0.1/b")->port, 5432);
}

TEST(ParsePostgresUrlTest, MalformedUrlsNameTheProblem) {
  const auto message = [](std::string_view url) {
    auto options = ParsePostgresUrl(url);
    return options ? std::string("ok") : options.error().message;
  };
  EXPECT_EQ(message("postgres://u:canary@h/b"),
            "--db postgres URL: a password in the URL is refused; pass it in "
            "BILLFLOW_DB_PASSWORD or --password-file");
  EXPECT_EQ(message("postgres://u@h"),
            "--db postgres URL: database name missing (postgres://USER@HOST/DB)");
  EXPECT_EQ(message("postgres://u@h/b?sslmode=prefer"),
            "--db postgres URL: sslmode=\"prefer\" is not one of verify-full, verify-ca, "
            "require, disable");
  EXPECT_EQ(message("postgres://u@h/b?sslcert=x"),
            "--db postgres URL: unknown parameter \"sslcert\" (known: sslmode, sslrootcert, "
            "secret, connect-timeout)");
  EXPECT_EQ(message("postgres://u@h/b?sslmode=require&sslrootcert=/ca.pem"),
            "--db postgres URL: sslrootcert= is set but sslmode=require does not check "
            "certificates; use sslmode=verify-ca or sslmode=verify-full");
  EXPECT_EQ(message("mysql://u@h/b"),
            "--db postgres URL: must start with postgres:// "
            "(postgres://USER@HOST[:PORT]/DB[?sslmode=...&sslrootcert=PATH])");
}

}  // namespace
}  // namespace billflow
