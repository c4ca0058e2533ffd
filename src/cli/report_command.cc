#include <cstdio>
#include <fstream>

#include "cli/commands.h"
#include "cli/open_database.h"
#include "report/usd_report.h"

namespace billflow {

int RunReport(const Config& config, const Logger& log) {
  auto db = OpenDatabase(config);
  if (!db) {
    log.Error(db.error().message);
    return db.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
  }
  auto totals = (*db)->Totals(config.group_by);
  if (!totals) {
    log.Error(totals.error().message);
    return kExitFileFailed;
  }
  const auto built = BuildUsdReport(config.group_by, *totals);
  if (!built) {
    log.Error(built.error().message);
    return kExitFileFailed;
  }
  const UsdReport& report = *built;
  std::string text;
  if (config.format == "table") {
    text = RenderTable(report);
  } else if (config.format == "csv") {
    text = RenderCsv(report);
  } else if (config.format == "json") {
    text = RenderJson(report);
  } else {
    log.Error("--format " + config.format + " is not available; use table, csv or json");
    return kExitUsage;
  }
  if (config.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  std::ofstream out(config.out, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) {
    log.Error("--out " + config.out + ": cannot write");
    return kExitFileFailed;
  }
  log.Info("wrote " + config.out);
  return kExitOk;
}

int RunMigrate(const Config& config, const Logger& log) {
  auto db = OpenDatabase(config);  // opening migrates
  if (!db) {
    log.Error(db.error().message);
    return db.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
  }
  log.Info("schema is up to date in " + config.db_url);
  return kExitOk;
}

}  // namespace billflow
