// billflow rejects [--source S] [--out FILE]: rejected rows as CSV, safe to open in a spreadsheet;
// billflow rejects retry: settle rate-missing rejects whose rate now exists.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.h"
#include "cli/open_database.h"
#include "cli/rejects_retry.h"
#include "report/usd_report.h"

namespace billflow {
namespace {

// A source as stored in billing_files: URIs are kept, local paths become file:///abs/path.
std::string SourceUri(const std::string& given) {
  if (given.find("://") != std::string::npos || given.rfind("stdin:", 0) == 0) return given;
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(given, ec).lexically_normal();
  return "file://" + (ec ? given : absolute.string());
}

}  // namespace

int RunRejects(const Config& config, const Logger& log) {
  auto db = OpenDatabase(config);
  if (!db) {
    log.Error(db.error().message);
    return db.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
  }
  std::optional<std::string> source;
  if (!config.rejects_source.empty()) source = SourceUri(config.rejects_source);
  auto rejects = (*db)->Rejects(source);
  if (!rejects) {
    log.Error(rejects.error().message);
    return kExitFileFailed;
  }
  // Every text cell goes through CsvTextCell: a raw line starting with = + - @ is prefixed
  // with ' so a spreadsheet shows it instead of running it.
  std::string csv = "source,line_number,reason,raw_line\r\n";
  for (const StoredReject& r : *rejects) {
    csv += CsvTextCell(r.source) + "," + std::to_string(r.line_number) + "," +
           CsvTextCell(r.reason) + "," + CsvTextCell(r.raw_line) + "\r\n";
  }
  if (source && rejects->empty()) log.Warn("no rejected rows stored for " + *source);
  if (config.out.empty()) {
    std::fwrite(csv.data(), 1, csv.size(), stdout);
    return kExitOk;
  }
  std::ofstream out(config.out, std::ios::binary | std::ios::trunc);
  out << csv;
  if (!out.flush()) {
    log.Error("--out " + config.out + ": cannot write");
    return kExitFileFailed;
  }
  log.Info("wrote " + std::to_string(rejects->size()) + " rejected rows to " + config.out);
  return kExitOk;
}

int RunRejectsRetry(const Config& config, const Logger& log) {
  auto db = OpenDatabase(config);
  if (!db) {
    log.Error(db.error().message);
    return db.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
  }
  auto retried = RetryRateMissingRejects(config, log, **db, RetryOutput::kPrint);
  if (!retried) {
    log.Error(retried.error().message);
    return kExitFileFailed;
  }
  return kExitOk;
}

}  // namespace billflow
