#include "postgres_test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "sinks/postgres_connection.h"

namespace billflow::testing {

const std::optional<PostgresTestEnv>& PostgresTestEnv::Get() {
  static const std::optional<PostgresTestEnv> env = []() -> std::optional<PostgresTestEnv> {
    std::filesystem::path path;
    if (const char* named = std::getenv("BILLFLOW_TEST_POSTGRES_ENV")) {
      path = named;
    } else if (const char* mysql = std::getenv("BILLFLOW_TEST_MYSQL_ENV")) {
      path = std::filesystem::path(mysql).parent_path().parent_path() / "postgres" / "env";
    } else {
      return std::nullopt;
    }
    std::optional<EnvFile> file = EnvFile::Read(path, "BILLFLOW_TEST_PG_");
    PostgresTestEnv loaded;
    if (!file || !loaded.LoadCommon(*file)) return std::nullopt;
    return loaded;
  }();
  return env;
}

PostgresOptions PostgresTestEnv::Options(const std::string& database) const {
  PostgresOptions options;
  options.host = host;
  options.port = port;
  options.user = user;
  options.database = database;
  options.ssl_mode = PgSslMode::kDisable;
  options.connect_timeout_s = 5;
  options.password_provider = [pw = password]() -> Result<std::string> { return pw; };
  return options;
}

std::string CreatePostgresTestDatabase(const PostgresTestEnv& env) {
  const std::string name = UniqueDatabaseName();
  PostgresExec(env, "billflow", "DROP DATABASE IF EXISTS " + name);
  PostgresExec(env, "billflow", "CREATE DATABASE " + name);
  return name;
}

std::string PostgresQueryValue(const PostgresTestEnv& env, const std::string& database,
                               const std::string& sql) {
  auto conn = PgConnection::Open(env.Options(database));
  EXPECT_TRUE(conn) << conn.error().message;
  if (!conn) return "";
  auto rows = (*conn)->Query(sql, "test query");
  EXPECT_TRUE(rows) << rows.error().message;
  if (!rows || rows->empty() || rows->front().empty()) return "";
  return rows->front().front();
}

bool PostgresExec(const PostgresTestEnv& env, const std::string& database, const std::string& sql) {
  auto conn = PgConnection::Open(env.Options(database));
  EXPECT_TRUE(conn) << conn.error().message;
  if (!conn) return false;
  auto done = (*conn)->Exec(sql, "test statement");
  EXPECT_TRUE(done) << done.error().message;
  return done.has_value();
}

}  // namespace billflow::testing
