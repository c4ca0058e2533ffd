#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/aws_context.h"
#include "cli/commands.h"
#include "cli/ingest_settings.h"
#include "cli/input_list.h"
#include "cli/open_database.h"
#include "cli/open_input.h"
#include "cli/progress_line.h"
#include "cli/rate_resolution.h"
#include "pipeline/ingest_job.h"
#include "pipeline/run_summary.h"
#include "sources/file_source.h"
#include "sources/s3_source.h"

namespace billflow {
namespace {

constexpr int kRejectsShownPerFile = 10;

std::string SummaryTable(const RunSummary& run) {
  const std::vector<IngestSummary>& summaries = run.files();
  const LoadTally& totals = run.totals();
  std::size_t name_width = 5;
  for (const auto& s : summaries) name_width = std::max(name_width, s.display_name.size());
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-*s  %-9s %9s %9s %9s %18s\n", static_cast<int>(name_width),
                "file", "status", "read", "loaded", "rejected", "USD total");
  out += line;
  for (const auto& s : summaries) {
    std::snprintf(line, sizeof line, "%-*s  %-9s %9llu %9llu %9llu %18s\n",
                  static_cast<int>(name_width), s.display_name.c_str(),
                  std::string(FileStatusName(s.status)).c_str(),
                  static_cast<unsigned long long>(s.tally.rows_read),
                  static_cast<unsigned long long>(s.tally.rows_loaded),
                  static_cast<unsigned long long>(s.tally.rows_rejected),
                  s.tally.usd_total.ToGroupedString().c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "%-*s  %-9s %9llu %9llu %9llu %18s\n",
                static_cast<int>(name_width), "total", "",
                static_cast<unsigned long long>(totals.rows_read),
                static_cast<unsigned long long>(totals.rows_loaded),
                static_cast<unsigned long long>(totals.rows_rejected),
                run.usd_overflow() ? "overflow" : totals.usd_total.ToGroupedString().c_str());
  out += line;
  return out;
}

}  // namespace

int RunIngest(const Config& config, const Logger& log, const std::atomic<bool>& stop) {
  auto settings = MakeIngestSettings(config);
  if (!settings) {
    log.Error(settings.error().message);
    return kExitUsage;
  }
  std::unique_ptr<Database> db;
  DatabaseFactory connect;
  if (!config.dry_run) {
    auto factory = MakeDatabaseFactory(config);
    if (!factory) {
      log.Error(factory.error().message);
      return kExitUsage;
    }
    connect = std::move(*factory);
    auto opened = connect();
    if (!opened) {
      log.Error(opened.error().message);
      return opened.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
    }
    db = std::move(*opened);
  }
  RetryPolicy& retry = settings->retry;
  retry.sleep = SleepUnlessStopped(stop);
  retry.should_stop = [&stop] { return stop.load(); };
  retry.on_retry = [&log](int attempt, const IngestSummary& failed) {
    log.Warn(failed.display_name + ": attempt " + std::to_string(attempt) +
             " after: " + failed.error);
  };
  // The rates of the currencies the files use, each read on its first use.
  auto rate_reads = db ? std::make_shared<CurrencyRateReads>(connect) : nullptr;
  auto rates = ResolveRates(config, db.get(), rate_reads);
  if (!rates) {
    log.Error(rates.error().message);
    return rates.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
  }

  ProgressLine progress(config.stderr_is_tty && !config.quiet && !config.json);
  int shown_rejects = 0;
  std::string current_name;
  IngestOptions& options = settings->ingest;
  options.should_stop = [&stop] { return stop.load(); };
  options.on_progress = [&progress](const IngestProgress& p) { progress.Update(p); };
  options.on_reject = [&](const RejectedRow& reject) {
    if (config.quiet || ++shown_rejects > kRejectsShownPerFile) return;
    progress.Clear();
    log.Log(LogLevel::kWarn,
            current_name + ":" + std::to_string(reject.line_number) +
                ": rejected: " + std::string(reject.reason),
            {});
  };
  IngestJob job(*rates, options);
  const DatabaseFactory reconnect = ReopeningRateReads(connect, rate_reads);

  RunSummary run;
  bool any_failed = false;
  // Each input becomes one or more files to open; S3 prefixes are listed here.
  struct WorkItem {
    InputRef input;
    std::function<Result<std::unique_ptr<ByteSource>>()> open;
  };
  AwsContext aws(config);
  std::vector<WorkItem> work;
  for (const InputRef& input : ExpandInputs(config.paths)) {
    if (input.kind == InputKind::kMissing) {
      work.push_back({input, [path = input.path]() -> Result<std::unique_ptr<ByteSource>> {
                        return Fail(ErrorCode::kNotFound, path + ": no such file or directory");
                      }});
    } else if (input.kind == InputKind::kStdin) {
      work.push_back({input, []() -> Result<std::unique_ptr<ByteSource>> {
                        return std::unique_ptr<ByteSource>(std::make_unique<StdinSource>());
                      }});
    } else if (input.kind == InputKind::kFile) {
      work.push_back({input, [path = input.path, limits = settings->gzip] {
                        return OpenLocalInput(path, limits);
                      }});
    } else {
      auto s3 = aws.S3();
      auto locations = s3 ? ExpandS3Uri(**s3, input.path)
                          : Result<std::vector<S3Location>>(tl::unexpected(s3.error()));
      if (!locations) {
        work.push_back(
            {input, [error = locations.error()]() -> Result<std::unique_ptr<ByteSource>> {
               return tl::unexpected(error);
             }});
        continue;
      }
      for (const S3Location& location : *locations) {
        work.push_back({{InputKind::kS3, location.Uri()},
                        [client = *s3, location,
                         limits = settings->gzip]() -> Result<std::unique_ptr<ByteSource>> {
                          auto source = S3Source::Open(client, location.bucket, location.key);
                          if (!source) return tl::unexpected(source.error());
                          return GunzipIfNamed(std::move(*source), location.key, limits);
                        }});
      }
    }
  }

  for (const WorkItem& item : work) {
    const InputRef& input = item.input;
    if (stop.load()) {
      log.Warn("stopped by signal before " + input.path + "; it was not loaded");
      any_failed = true;
      break;
    }
    current_name = input.path;
    shown_rejects = 0;
    IngestSummary summary;
    auto source = item.open();
    if (!source) {
      summary = FailedSummary(input.path, input.path, source.error());
    } else {
      progress.Start(input.path);
      summary = config.dry_run ? job.Run(**source, nullptr)
                               : IngestWithRetry(job, **source, &db, reconnect, retry);
      progress.Clear();
    }
    if (shown_rejects > kRejectsShownPerFile) {
      log.Warn(input.path + ": " + std::to_string(shown_rejects - kRejectsShownPerFile) +
               " more rejected rows not shown (all are in billing_rejects)");
    }
    for (const auto& warning : summary.warnings) log.Warn(warning);
    if (summary.status == FileStatus::kFailed) {
      any_failed = true;
      log.Log(LogLevel::kError, summary.error, {{"source", summary.source}});
    } else {
      log.Log(LogLevel::kInfo,
              summary.display_name + ": " + std::string(FileStatusName(summary.status)) +
                  (summary.profile.empty() ? "" : " (profile " + summary.profile + ")"),
              {{"profile", summary.profile},
               {"rows_loaded", std::to_string(summary.tally.rows_loaded)},
               {"rows_rejected", std::to_string(summary.tally.rows_rejected)},
               {"usd_total", summary.tally.usd_total.ToString()}});
    }
    if (auto added = run.Add(std::move(summary)); !added) {
      any_failed = true;
      log.Error(added.error().message);
    }
  }
  if (run.files().empty() && !any_failed) log.Warn("no CSV files found in the given paths");

  const std::string out = config.json ? RunSummaryJson(run, 2) + "\n" : SummaryTable(run);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return any_failed ? kExitFileFailed : kExitOk;
}

}  // namespace billflow
