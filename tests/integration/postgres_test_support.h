#ifndef BILLFLOW_TESTS_INTEGRATION_POSTGRES_TEST_SUPPORT_H_
#define BILLFLOW_TESTS_INTEGRATION_POSTGRES_TEST_SUPPORT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "sinks/postgres_options.h"
#include "test_server_env.h"

namespace billflow::testing {

// What scripts/postgres-test-server.sh wrote to its env file: the file BILLFLOW_TEST_POSTGRES_ENV
// names, else `postgres/env` beside the directory of BILLFLOW_TEST_MYSQL_ENV's file (where
// tests/integration/CMakeLists.txt starts both). nullopt when neither exists.
struct PostgresTestEnv : TestServerEnv {
  static const std::optional<PostgresTestEnv>& Get();
  // Options for the test role on the main server, database `database`, TLS disabled.
  PostgresOptions Options(const std::string& database) const;
};

// Creates a database with a unique name on the main server and returns its name.
std::string CreatePostgresTestDatabase(const PostgresTestEnv& env);

// Runs one SQL statement on `database` and returns the first column of the first row ("" when
// none). Fails the test on error.
std::string PostgresQueryValue(const PostgresTestEnv& env, const std::string& database,
                               const std::string& sql);
// Runs statements that return nothing; false (and a test failure) on an error.
bool PostgresExec(const PostgresTestEnv& env, const std::string& database, const std::string& sql);

}  // namespace billflow::testing

#endif  // BILLFLOW_TESTS_INTEGRATION_POSTGRES_TEST_SUPPORT_H_
