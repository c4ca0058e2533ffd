#include "test_server_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

namespace billflow::testing {

std::optional<EnvFile> EnvFile::Read(const std::filesystem::path& path, std::string_view prefix) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  EnvFile file;
  file.prefix_ = std::string(prefix);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) file.values_[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return file;
}

std::string EnvFile::Get(std::string_view key) const {
  const auto it = values_.find(prefix_ + std::string(key));
  return it == values_.end() ? std::string() : it->second;
}

std::uint16_t EnvFile::Port(std::string_view key) const {
  return static_cast<std::uint16_t>(std::strtoul(Get(key).c_str(), nullptr, 10));
}

bool TestServerEnv::LoadCommon(const EnvFile& file) {
  host = file.Get("HOST");
  port = file.Port("PORT");
  user = file.Get("USER");
  password = file.Get("PASSWORD");
  ca = file.Get("CA");
  other_ca = file.Get("OTHER_CA");
  wronghost_port = file.Port("WRONGHOST_PORT");
  notls_port = file.Port("NOTLS_PORT");
  return port != 0;
}

std::string UniqueDatabaseName() {
  static std::atomic<int> counter{0};
  return "bf_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

}  // namespace billflow::testing
