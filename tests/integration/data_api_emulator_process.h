#ifndef BILLFLOW_TESTS_INTEGRATION_DATA_API_EMULATOR_PROCESS_H_
#define BILLFLOW_TESTS_INTEGRATION_DATA_API_EMULATOR_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mysql_test_support.h"
#include "postgres_test_support.h"

namespace billflow::testing {

// tools/data_api_emulator.py over the MariaDB of `env` (Aurora MySQL) or, with --engine
// postgres, over the PostgreSQL of `env` (Aurora PostgreSQL), as the test user, started on first
// use and stopped (SIGTERM, then waited for) when the process exits. It also stops when the
// process dies without exiting (a crash, SIGKILL): it holds the read end of a pipe as its stdin
// (--exit-on-stdin-eof) and the process the only write end, so an emulator never outlives its
// test, holding the test's stderr open (ctest would wait for it until the test's timeout). Each
// Data API request names its database, so one emulator per engine serves every test database.
// Endpoint() is "" when it could not start (the reason is in Error()).
class DataApiEmulatorProcess {
 public:
  static DataApiEmulatorProcess& Get(const MysqlTestEnv& env);
  static DataApiEmulatorProcess& Get(const PostgresTestEnv& env);
  ~DataApiEmulatorProcess();

  const std::string& Endpoint() const { return endpoint_; }
  const std::string& Error() const { return error_; }

 private:
  // `engine_args`: the emulator's options naming the database server.
  explicit DataApiEmulatorProcess(std::vector<std::string> engine_args);
  pid_t pid_ = -1;
  int stdin_fd_ = -1;  // the write end of the emulator's stdin
  std::string endpoint_;
  std::string error_;
};

}  // namespace billflow::testing

#endif  // BILLFLOW_TESTS_INTEGRATION_DATA_API_EMULATOR_PROCESS_H_
