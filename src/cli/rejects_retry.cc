#include "cli/rejects_retry.h"

#include <cstdio>

#include "cli/ingest_settings.h"
#include "cli/rate_resolution.h"
#include "core/plural.h"

namespace billflow {
namespace {

std::string FileLine(const RetriedFile& file) {
  std::string line = "file " + file.source + ": ";
  if (file.settled == 0) {
    line += "no rejects settled";
  } else {
    line += Plural(file.settled, "reject", "rejects") + " settled, usd_total " +
            file.usd_before.ToString() + " -> " + file.usd_after.ToString();
  }
  if (file.still_missing > 0) {
    line += ", " + std::to_string(file.still_missing) + " still without a rate";
  }
  if (file.duplicates > 0) {
    line += ", " + Plural(file.duplicates, "now a duplicate id", "now duplicate ids");
  }
  return line;
}

}  // namespace

std::uint64_t SettledCount(const std::vector<RetriedFile>& files) {
  std::uint64_t settled = 0;
  for (const RetriedFile& f : files) settled += f.settled;
  return settled;
}

Result<std::vector<RetriedFile>> RetryRateMissingRejects(const Config& config, const Logger& log,
                                                         Database& db, RetryOutput output) {
  // The stored rates: a --rates file given to this run has been stored into them already.
  auto rates = StoredRates(config, db);
  if (!rates) return tl::unexpected(rates.error());
  auto retried = db.RetryRejects(*rates, MakeRetryOptions(config));
  if (!retried) return tl::unexpected(retried.error());
  // After a rates import with nothing to retry, nothing is said.
  if (retried->empty() && output != RetryOutput::kPrint) return retried;
  const bool print = output != RetryOutput::kLogOnly;
  std::uint64_t still_missing = 0;
  for (const RetriedFile& file : *retried) {
    const std::string line = FileLine(file);
    if (print) std::printf("%s\n", line.c_str());
    log.Log(LogLevel::kInfo, line,
            {{"source", file.source},
             {"rejects_settled", std::to_string(file.settled)},
             {"still_missing", std::to_string(file.still_missing)},
             {"usd_total_before", file.usd_before.ToString()},
             {"usd_total_after", file.usd_after.ToString()}});
    still_missing += file.still_missing;
  }
  std::string summary = "rejects retry: ";
  if (retried->empty()) {
    summary += "no rate-missing rejects stored";
  } else {
    std::uint64_t settled_files = 0;
    for (const RetriedFile& file : *retried) settled_files += file.settled > 0 ? 1 : 0;
    summary += Plural(SettledCount(*retried), "reject", "rejects") + " settled in " +
               Plural(settled_files, "file", "files") + ", " + std::to_string(still_missing) +
               " still without a rate";
  }
  if (print) std::printf("%s\n", summary.c_str());
  log.Info(summary);
  return retried;
}

}  // namespace billflow
