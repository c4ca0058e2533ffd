#ifndef BILLFLOW_CLI_LOGGER_H_
#define BILLFLOW_CLI_LOGGER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace billflow {

enum class LogFormat { kText, kJson };
enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Writes log lines to stderr: readable text on a terminal, one JSON object per line
// otherwise (CloudWatch, journald). Fields are extra key/value pairs. Thread-compatible.
class Logger {
 public:
  Logger(LogFormat format, LogLevel min_level) : format_(format), min_level_(min_level) {}

  void Log(LogLevel level, std::string_view message,
           const std::vector<std::pair<std::string, std::string>>& fields = {}) const;
  void Info(std::string_view message) const { Log(LogLevel::kInfo, message); }
  void Warn(std::string_view message) const { Log(LogLevel::kWarn, message); }
  void Error(std::string_view message) const { Log(LogLevel::kError, message); }
  // Attached to every JSON line (e.g. the Lambda request id).
  void SetContext(std::string key, std::string value);
  LogFormat format() const { return format_; }

 private:
  LogFormat format_;
  LogLevel min_level_;
  std::vector<std::pair<std::string, std::string>> context_;
};

}  // namespace billflow

#endif  // BILLFLOW_CLI_LOGGER_H_
