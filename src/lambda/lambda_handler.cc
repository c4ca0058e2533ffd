#include "lambda/lambda_handler.h"

#include <nlohmann/json.hpp>

#include "aws/s3_event.h"
#include "sources/gzip_source.h"
#include "sources/s3_source.h"

namespace billflow {
namespace {

using nlohmann::json;

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json ReportJson(const RatesFetchReport& report) {
  return json{{"url", report.url},
              {"rates_read", report.rates_read},
              {"dates_added", report.dates_added},
              {"rates_added", report.rates_added},
              {"rates_changed", report.rates_changed},
              {"gaps", report.gaps},
              {"rejects_settled", report.rejects_settled}};
}

}  // namespace

LambdaHandler::LambdaHandler(LambdaHandlerConfig config, S3Client* s3, const FxRateTable* rates)
    : config_(std::move(config)), s3_(s3), rates_(rates) {
  if (!config_.clock) config_.clock = SystemClock();
  if (!config_.log) config_.log = [](const std::string&) {};
}

IngestSummary LambdaHandler::LoadObject(
    const std::string& bucket, const std::string& key, const std::string& version_id,
    std::optional<std::chrono::system_clock::time_point> stop_at) {
  std::string uri = "s3://" + bucket + "/" + key;
  if (stop_at && config_.clock() >= *stop_at) {
    return FailedSummary(uri, uri,
                         {ErrorCode::kDeadlineExceeded,
                          uri + ": not started, the invocation deadline is too close"});
  }
  S3SourceOptions options;
  options.chunk_bytes = config_.s3_chunk_bytes;
  options.version_id = version_id;
  Result<std::unique_ptr<S3Source>> source = S3Source::Open(s3_, bucket, key, options);
  if (!source) {
    if (source.error().code == ErrorCode::kNotFound) {
      // Deleted after the event was sent: there is nothing left to load.
      IngestSummary skipped;
      skipped.source = uri;
      skipped.display_name = uri;
      skipped.status = FileStatus::kStale;
      skipped.warnings.push_back(uri + ": object no longer exists; event skipped");
      return skipped;
    }
    return FailedSummary(uri, uri, source.error());
  }
  auto input = GunzipIfNamed(std::move(*source), key, config_.gzip_limits);
  if (!input) return FailedSummary(uri, uri, input.error());
  IngestOptions ingest = config_.ingest;
  RetryPolicy retry = config_.retry;
  if (stop_at) {
    Clock clock = config_.clock;
    std::function<bool()> outer = ingest.should_stop;
    ingest.should_stop = [clock, stop_at, outer] {
      return clock() >= *stop_at || (outer && outer());
    };
    // Retries end with the invocation: AWS delivers a failed file again.
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*stop_at - config_.clock());
    retry.window = std::min(retry.window, std::max(left, std::chrono::milliseconds(0)));
  }
  IngestJob job(*rates_, ingest);
  if (config_.dry_run) return job.Run(**input, nullptr);
  return IngestWithRetry(job, **input, &db_, config_.connect, retry);
}

Result<RatesFetchReport> LambdaHandler::FetchRates() {
  if (config_.dry_run) {
    return Fail(ErrorCode::kInvalidArgument,
                "scheduled event: the rates fetch writes to the database and this is a dry run; "
                "nothing fetched");
  }
  if (!config_.fetch_rates) {
    return Fail(ErrorCode::kInvalidArgument,
                "scheduled event: no rates fetch is configured (LambdaHandlerConfig::fetch_rates)");
  }
  if (!db_) {
    auto opened = config_.connect();
    if (!opened) return tl::unexpected(opened.error());
    db_ = std::move(*opened);
  }
  Result<RatesFetchReport> report = config_.fetch_rates(*db_);
  // A connection that failed this time is opened afresh by the next invocation.
  if (!report && IsRetryable(report.error().code)) db_.reset();
  return report;
}

Result<EventOutcome> LambdaHandler::ProcessEvent(
    std::string_view payload, std::optional<std::chrono::system_clock::time_point> deadline,
    const std::string& request_id) {
  Result<LambdaEvent> event = ParseLambdaEvent(payload);
  if (!event) return tl::unexpected(event.error());
  if (config_.on_deadline) config_.on_deadline(deadline);
  std::optional<std::chrono::system_clock::time_point> stop_at;
  if (deadline) {
    const auto budget = *deadline - config_.clock();
    const auto margin = std::min<std::chrono::system_clock::duration>(
        budget * config_.safety_margin_percent / 100, config_.max_safety_margin);
    stop_at = *deadline - std::max(margin, std::chrono::system_clock::duration::zero());
  }
  EventOutcome outcome;
  if (event->kind == LambdaEvent::Kind::kScheduled) {
    outcome.is_scheduled = true;
    Result<RatesFetchReport> fetched = FetchRates();
    json line{{"request_id", request_id},
              {"event_source", event->scheduled.source},
              {"schedule", event->scheduled.resource},
              {"scheduled_time", event->scheduled.time}};
    if (fetched) {
      line["level"] = "info";
      line["message"] = "scheduled rates fetch stored rates from " + fetched->url;
      line["rates_fetch"] = ReportJson(*fetched);
      outcome.response_json = Dump(json{{"rates_fetch", ReportJson(*fetched)}});
    } else {
      line["level"] = "error";
      line["message"] = "scheduled rates fetch failed: " + fetched.error().message;
    }
    config_.log(Dump(line));
    outcome.rates_fetch = std::move(fetched);
    return outcome;
  }
  auto log_file = [&](const IngestSummary& file) {
    config_.log(Dump(json{{"level", file.status == FileStatus::kFailed ? "error" : "info"},
                          {"request_id", request_id},
                          {"source", file.source},
                          {"status", std::string(FileStatusName(file.status))},
                          {"profile", file.profile},
                          {"rows_loaded", file.tally.rows_loaded},
                          {"rows_rejected", file.tally.rows_rejected},
                          {"error", file.error}}));
    for (const std::string& warning : file.warnings) {
      config_.log(Dump(json{{"level", "warn"}, {"request_id", request_id}, {"message", warning}}));
    }
  };
  auto load_all = [&](const S3Notification& notification) -> bool {
    bool all_ok = true;
    outcome.test_event = outcome.test_event || notification.test_event;
    for (const S3EventRecord& record : notification.records) {
      IngestSummary file = LoadObject(record.bucket, record.key, record.version_id, stop_at);
      log_file(file);
      if (file.status == FileStatus::kFailed) all_ok = false;
      if (auto added = outcome.run.Add(std::move(file)); !added) {
        all_ok = false;
        config_.log(Dump(json{
            {"level", "error"}, {"request_id", request_id}, {"message", added.error().message}}));
      }
    }
    return all_ok;
  };
  if (event->kind == LambdaEvent::Kind::kS3) {
    load_all(event->s3);
    outcome.response_json = RunSummaryJson(outcome.run, -1);
    return outcome;
  }
  outcome.is_sqs = true;
  for (const SqsMessage& message : event->messages) {
    bool ok = false;
    if (!message.notification) {
      config_.log(Dump(json{{"level", "error"},
                            {"request_id", request_id},
                            {"message", message.notification.error().message}}));
    } else {
      ok = load_all(*message.notification);
    }
    if (!ok) outcome.failed_message_ids.push_back(message.message_id);
  }
  outcome.response_json = BatchItemFailuresJson(outcome.failed_message_ids);
  return outcome;
}

Result<std::string> LambdaHandler::Handle(const Invocation& invocation) {
  auto started = config_.clock();
  Result<EventOutcome> outcome =
      ProcessEvent(invocation.payload, invocation.Deadline(), invocation.request_id);
  auto duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.clock() - started);
  std::uint64_t loaded = 0, rejected = 0;
  std::size_t files = 0;
  if (outcome) {
    files = outcome->run.files().size();
    for (const IngestSummary& file : outcome->run.files()) {
      loaded += file.tally.rows_loaded;
      rejected += file.tally.rows_rejected;
    }
  }
  // CloudWatch Embedded Metric Format: one line per invocation; every number in it is declared
  // as a metric, so each can be graphed and alarmed on (the failed_files alarm needs its own).
  std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.clock().time_since_epoch())
          .count();
  json line{{"function", config_.function_name},
            {"request_id", invocation.request_id},
            {"files", files},
            {"rows_loaded", loaded},
            {"rows_rejected", rejected},
            {"failed_files", outcome ? outcome->run.failed_files() : 0},
            {"duration_ms", duration_ms.count()}};
  json metrics = json::array();
  for (const char* name : {"files", "rows_loaded", "rows_rejected", "failed_files"}) {
    metrics.push_back({{"Name", name}, {"Unit", "Count"}});
  }
  metrics.push_back({{"Name", "duration_ms"}, {"Unit", "Milliseconds"}});
  if (outcome && outcome->rates_fetch) {
    const Result<RatesFetchReport>& fetched = *outcome->rates_fetch;
    line["rates_fetch_failed"] = fetched ? 0 : 1;
    line["rates_added"] = fetched ? fetched->rates_added : 0;
    line["rates_changed"] = fetched ? fetched->rates_changed : 0;
    for (const char* name : {"rates_fetch_failed", "rates_added", "rates_changed"}) {
      metrics.push_back({{"Name", name}, {"Unit", "Count"}});
    }
  }
  line["_aws"] = {
      {"Timestamp", now_ms},
      {"CloudWatchMetrics", json::array({{{"Namespace", "billflow"},
                                          {"Dimensions", json::array({json::array({"function"})})},
                                          {"Metrics", metrics}}})}};
  config_.log(Dump(line));
  if (!outcome) return tl::unexpected(outcome.error());
  if (outcome->rates_fetch && !*outcome->rates_fetch) {
    return tl::unexpected(outcome->rates_fetch->error());
  }
  if (!outcome->is_sqs && outcome->run.failed_files() > 0) {
    std::string message = std::to_string(outcome->run.failed_files()) + " of " +
                          std::to_string(outcome->run.files().size()) + " files failed:";
    ErrorCode code = ErrorCode::kInvalidData;
    for (const IngestSummary& file : outcome->run.files()) {
      if (file.status != FileStatus::kFailed) continue;
      message += " " + file.error + ";";
      code = file.error_code.value_or(ErrorCode::kInternal);
    }
    message.pop_back();
    return Fail(code, message);
  }
  return outcome->response_json;
}

}  // namespace billflow
