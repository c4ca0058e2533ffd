#include "cli/logger.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace billflow {
namespace {

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::string UtcNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

}  // namespace

void Logger::SetContext(std::string key, std::string value) {
  for (auto& [k, v] : context_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  context_.emplace_back(std::move(key), std::move(value));
}

void Logger::Log(LogLevel level, std::string_view message,
                 const std::vector<std::pair<std::string, std::string>>& fields) const {
  if (level < min_level_) return;
  std::string line;
  if (format_ == LogFormat::kJson) {
    nlohmann::json doc{{"time", UtcNow()}, {"level", LevelName(level)}, {"msg", message}};
    for (const auto& [k, v] : context_) doc[k] = v;
    for (const auto& [k, v] : fields) doc[k] = v;
    line = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    line = "billflow: ";
    if (level == LogLevel::kWarn) line += "warning: ";
    if (level == LogLevel::kError) line += "error: ";
    line.append(message);
    for (const auto& [k, v] : fields) line += " " + k + "=" + v;
    line += "\n";
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace billflow
