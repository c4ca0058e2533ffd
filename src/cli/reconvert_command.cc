// billflow reconvert [--currency C] [--from D] [--to D] [--dry-run]: loaded rows converted again
// at the stored rates, one transaction per file, each run recorded in fx_reconversions.
#include <cstdio>

#include "cli/commands.h"
#include "cli/ingest_settings.h"
#include "cli/open_database.h"
#include "cli/rate_resolution.h"
#include "core/currency_code.h"
#include "core/plural.h"

namespace billflow {
namespace {

// The filter the flags ask for; kInvalidArgument naming the flag.
Result<ReconvertRequest> RequestOf(const Config& config) {
  ReconvertRequest request;
  request.dry_run = config.dry_run;
  request.conversion = MakeRetryOptions(config);
  if (!config.currency.empty()) {
    char code[3];
    if (!NormalizeCurrencyCode(config.currency, code)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--currency " + config.currency + ": expected a three-letter code such as EUR");
    }
    request.currency = std::string(code, 3);
  }
  const auto date = [](const std::string& text, const char* flag,
                       std::optional<CivilDate>* out) -> Status {
    if (text.empty()) return Ok();
    CivilDate parsed;
    if (ParseCivilDate(text, &parsed) != DateParseError::kNone) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(flag) + " " + text + ": expected a date YYYY-MM-DD");
    }
    *out = parsed;
    return Ok();
  };
  BILLFLOW_TRY(date(config.reconvert_from, "--from", &request.from));
  BILLFLOW_TRY(date(config.reconvert_to, "--to", &request.to));
  if (request.from && request.to && *request.to < *request.from) {
    return Fail(ErrorCode::kInvalidArgument,
                "--from " + config.reconvert_from + " is after --to " + config.reconvert_to);
  }
  return request;
}

}  // namespace

int RunReconvert(const Config& config, const Logger& log) {
  auto request = RequestOf(config);
  if (!request) {
    log.Error(request.error().message);
    return kExitUsage;
  }
  auto db = OpenDatabase(config);
  if (!db) {
    log.Error(db.error().message);
    return db.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
  }
  auto rates = StoredRates(config, **db);
  if (!rates) {
    log.Error(rates.error().message);
    return kExitFileFailed;
  }
  auto run = (*db)->Reconvert(*rates, *request);
  if (!run) {
    log.Error(run.error().message);
    return kExitFileFailed;
  }
  const char* verb = request->dry_run ? " would change" : " reconverted";
  for (const ReconvertedFile& file : run->files) {
    std::printf("file %s: %s%s, usd_total %s -> %s\n", file.source.c_str(),
                Plural(file.rows_changed, "row", "rows").c_str(), verb,
                file.usd_before.ToString().c_str(), file.usd_after.ToString().c_str());
  }
  std::string summary = request->dry_run ? "reconvert (dry run, nothing changed): " : "reconvert: ";
  summary += Plural(run->rows_changed, "row", "rows") + " in " +
             Plural(run->files.size(), "file", "files") + verb + ", USD " +
             run->old_usd.ToString() + " -> " + run->new_usd.ToString();
  if (run->rows_without_rate > 0) {
    summary += ", " + Plural(run->rows_without_rate, "row", "rows") +
               " without a usable rate kept as they are";
  }
  if (!request->dry_run) summary += "; recorded in fx_reconversions";
  std::printf("%s\n", summary.c_str());
  log.Info(summary);
  return kExitOk;
}

int RunReconversions(const Config& config, const Logger& log) {
  auto db = OpenDatabase(config);
  if (!db) {
    log.Error(db.error().message);
    return db.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
  }
  auto runs = (*db)->Reconversions();
  if (!runs) {
    log.Error(runs.error().message);
    return kExitFileFailed;
  }
  std::printf("%-6s  %-19s  %-8s  %-10s  %-10s  %5s  %8s  %16s  %16s\n", "run", "run_at (UTC)",
              "currency", "from", "to", "files", "rows", "old_usd_total", "new_usd_total");
  for (const StoredReconversion& r : *runs) {
    std::printf("%-6lld  %-19s  %-8s  %-10s  %-10s  %5llu  %8llu  %16s  %16s\n",
                static_cast<long long>(r.run_id), r.run_at.c_str(),
                r.currency.empty() ? "all" : r.currency.c_str(),
                r.from_date.empty() ? "-" : r.from_date.c_str(),
                r.to_date.empty() ? "-" : r.to_date.c_str(),
                static_cast<unsigned long long>(r.files),
                static_cast<unsigned long long>(r.rows_changed), r.old_usd_total.c_str(),
                r.new_usd_total.c_str());
  }
  return kExitOk;
}

}  // namespace billflow
