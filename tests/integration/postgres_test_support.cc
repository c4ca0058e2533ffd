#include "postgres_test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

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
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::map<std::string, std::string> values;
    for (std::string line; std::getline(in, line);) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    const auto get = [&](const char* key) {
      return values["BILLFLOW_TEST_PG_" + std::string(key)];
    };
    const auto port = [&](const char* key) {
      return static_cast<std::uint16_t>(std::strtoul(get(key).c_str(), nullptr, 10));
    };
    PostgresTestEnv loaded;
    loaded.host = get("HOST");
    loaded.port = port("PORT");
    loaded.user = get("USER");
    loaded.password = get("PASSWORD");
    loaded.ca = get("CA");
    loaded.other_ca = get("OTHER_CA");
    loaded.wronghost_port = port("WRONGHOST_PORT");
    loaded.notls_port = port("NOTLS_PORT");
    if (loaded.port == 0) return std::nullopt;
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
  static std::atomic<int> counter{0};
  const std::string name = "bf_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
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
