#ifndef BILLFLOW_TESTS_INTEGRATION_TEST_SERVER_ENV_H_
#define BILLFLOW_TESTS_INTEGRATION_TEST_SERVER_ENV_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace billflow::testing {

// The KEY=VALUE lines of the env file a scripts/*-test-server.sh writes, keys read without
// their common `prefix` ("BILLFLOW_TEST_MYSQL_").
class EnvFile {
 public:
  // nullopt when the file cannot be read.
  static std::optional<EnvFile> Read(const std::filesystem::path& path, std::string_view prefix);
  // "" when absent.
  std::string Get(std::string_view key) const;
  // 0 when absent.
  std::uint16_t Port(std::string_view key) const;

 private:
  std::string prefix_;
  std::map<std::string, std::string, std::less<>> values_;
};

// What every test server script says about its servers: the main one, one whose certificate
// names another host, one without TLS. Backends add their own keys in a derived struct.
struct TestServerEnv {
  std::string host;
  std::uint16_t port = 0;
  std::string user, password;
  std::string ca, other_ca;
  std::uint16_t wronghost_port = 0;
  std::uint16_t notls_port = 0;

  // Reads HOST, PORT, USER, PASSWORD, CA, OTHER_CA, WRONGHOST_PORT and NOTLS_PORT; false when
  // the file names no main port.
  bool LoadCommon(const EnvFile& file);
};

// A database name no other test uses, in this process or another: bf_<pid>_<n>.
std::string UniqueDatabaseName();

}  // namespace billflow::testing

#endif  // BILLFLOW_TESTS_INTEGRATION_TEST_SERVER_ENV_H_
