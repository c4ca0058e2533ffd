#ifndef BILLFLOW_TESTS_INTEGRATION_MYSQL_TEST_SUPPORT_H_
#define BILLFLOW_TESTS_INTEGRATION_MYSQL_TEST_SUPPORT_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/fx_rate_table.h"
#include "pipeline/ingest_summary.h"
#include "sinks/database.h"
#include "sinks/mysql_options.h"
#include "test_server_env.h"

namespace billflow::testing {

// What scripts/mariadb-test-server.sh wrote to its env file; the file's path comes from the
// environment variable BILLFLOW_TEST_MYSQL_ENV (set by ctest). nullopt when unset.
struct MysqlTestEnv : TestServerEnv {
  std::string tls_user, tls_password;  // a user that must connect with TLS

  static const std::optional<MysqlTestEnv>& Get();
  // Options for `user` on the main server, database `database`, TLS disabled.
  MysqlOptions Options(const std::string& database) const;
};

// Creates a database with a unique name on the main server and returns its name.
std::string CreateTestDatabase(const MysqlTestEnv& env);

// Runs one SQL statement as the test user on `database` and returns the first column of the
// first row ("" when none). Fails the test on error.
std::string MysqlQueryValue(const MysqlTestEnv& env, const std::string& database,
                            const std::string& sql);

// A fresh directory under the temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path Write(const std::string& name, const std::string& body) const;

 private:
  std::filesystem::path path_;
};

// Loads the file at `path` into `db` with IngestJob and the default rates.
IngestSummary LoadFile(const std::filesystem::path& path, RecordSink* db);

// A generated file of about 400 KB (5,000 rows, some duplicate ids and an unknown currency),
// different for each `variant`: the input of the connection-fault tests.
std::string FaultTestFile(int variant);

// The three example files (examples/, or $BILLFLOW_SAMPLE_DIR): stray-quote header with CRLF,
// an unknown currency, YYYY/MM/DD and impossible dates, ids 1..N in every file.
std::filesystem::path SampleDir();

}  // namespace billflow::testing

#endif  // BILLFLOW_TESTS_INTEGRATION_MYSQL_TEST_SUPPORT_H_
