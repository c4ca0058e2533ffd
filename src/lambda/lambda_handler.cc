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

IngestSummary FailedSummary(const std::string& uri, ErrorCode code, std::string message) {
  IngestSummary summary;
  summary.source = uri;
  summary.display_name = uri;
  summary.status = FileStatus::kFailed;
  summary.error_code = code;
  summary.error = std::move(message);
  return summary;
}

}  // namespace

std::string SummariesJson(const std::vector<IngestSummary>& files) {
  json list = json::array();
  std::uint64_t read = 0, loaded = 0, rejected = 0, failed = 0;
  Decimal usd(0, 2);
  for (const IngestSummary& file : files) {
    list.push_back({{"source", file.source},
                    {"status", std::string(FileStatusName(file.status))},
                    {"profile", file.profile.empty() ? json(nullptr) : json(file.profile)},
                    {"rows_read", file.tally.rows_read},
                    {"rows_loaded", file.tally.rows_loaded},
                    {"rows_rejected", file.tally.rows_rejected},
                    {"usd_total", file.tally.usd_total.ToString()},
                    {"error", file.error.empty() ? json(nullptr) : json(file.error)}});
    read += file.tally.rows_read;
    loaded += file.tally.rows_loaded;
    rejected += file.tally.rows_rejected;
    if (file.status == FileStatus::kFailed) ++failed;
    if (std::optional<Decimal> sum = usd.Add(file.tally.usd_total)) usd = *sum;
  }
  json totals{{"files", files.size()}, {"failed", failed},          {"rows_read", read},
              {"rows_loaded", loaded}, {"rows_rejected", rejected}, {"usd_total", usd.ToString()}};
  return Dump(json{{"files", list}, {"totals", totals}});
}

Result<std::vector<S3Location>> ExpandS3Uri(S3Client& s3, std::string_view uri) {
  Result<S3Location> location = ParseS3Uri(uri);
  if (!location) return tl::unexpected(location.error());
  if (!location->key.empty() && location->key.back() != '/') {
    return std::vector<S3Location>{*location};
  }
  Result<std::vector<S3ObjectInfo>> objects = s3.ListAll(location->bucket, location->key);
  if (!objects) return tl::unexpected(objects.error());
  std::vector<S3Location> out;
  for (const S3ObjectInfo& object : *objects) {
    std::string lower = object.key;
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower.ends_with(".csv") || lower.ends_with(".csv.gz")) {
      out.push_back(S3Location{object.bucket, object.key});
    }
  }
  return out;
}

LambdaHandler::LambdaHandler(LambdaHandlerConfig config, S3Client* s3, const FxRateTable* rates)
    : config_(std::move(config)), s3_(s3), rates_(rates) {
  if (!config_.clock) config_.clock = SystemClock();
  if (!config_.log) config_.log = [](const std::string&) {};
}

IngestSummary LambdaHandler::LoadObject(
    const std::string& bucket, const std::string& key, const std::string& version_id,
    std::optional<std::chrono::system_clock::time_point> deadline) {
  std::string uri = "s3://" + bucket + "/" + key;
  if (deadline && config_.clock() + config_.safety_margin >= *deadline) {
    return FailedSummary(uri, ErrorCode::kDeadlineExceeded,
                         uri + ": not started, the invocation deadline is too close");
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
    return FailedSummary(uri, source.error().code, source.error().message);
  }
  std::unique_ptr<ByteSource> input = std::move(*source);
  if (key.size() >= 3 && (key.ends_with(".gz") || key.ends_with(".GZ"))) {
    auto gunzipped = GzipSource::Open(std::move(input), config_.gzip_limits);
    if (!gunzipped) return FailedSummary(uri, gunzipped.error().code, gunzipped.error().message);
    input = std::move(*gunzipped);
  }
  IngestOptions ingest = config_.ingest;
  if (deadline) {
    Clock clock = config_.clock;
    auto stop_at = *deadline - config_.safety_margin;
    std::function<bool()> outer = ingest.should_stop;
    ingest.should_stop = [clock, stop_at, outer] {
      return clock() >= stop_at || (outer && outer());
    };
  }
  IngestJob job(*rates_, ingest);
  return IngestWithRetry(job, *input, &db_, config_.connect, config_.retry);
}

Result<EventOutcome> LambdaHandler::ProcessEvent(
    std::string_view payload, std::optional<std::chrono::system_clock::time_point> deadline,
    const std::string& request_id) {
  Result<LambdaEvent> event = ParseLambdaEvent(payload);
  if (!event) return tl::unexpected(event.error());
  if (config_.on_deadline) config_.on_deadline(deadline);
  EventOutcome outcome;
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
      IngestSummary file = LoadObject(record.bucket, record.key, record.version_id, deadline);
      log_file(file);
      if (file.status == FileStatus::kFailed) {
        all_ok = false;
        ++outcome.failed_files;
      }
      outcome.files.push_back(std::move(file));
    }
    return all_ok;
  };
  if (event->kind == LambdaEvent::Kind::kS3) {
    load_all(event->s3);
    outcome.response_json = SummariesJson(outcome.files);
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
    files = outcome->files.size();
    for (const IngestSummary& file : outcome->files) {
      loaded += file.tally.rows_loaded;
      rejected += file.tally.rows_rejected;
    }
  }
  // CloudWatch Embedded Metric Format: one line per invocation becomes four metrics.
  std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.clock().time_since_epoch())
          .count();
  json metrics = json::array();
  for (const char* name : {"files", "rows_loaded", "rows_rejected"}) {
    metrics.push_back({{"Name", name}, {"Unit", "Count"}});
  }
  metrics.push_back({{"Name", "duration_ms"}, {"Unit", "Milliseconds"}});
  config_.log(Dump(json{{"_aws",
                         {{"Timestamp", now_ms},
                          {"CloudWatchMetrics",
                           json::array({{{"Namespace", "billflow"},
                                         {"Dimensions", json::array({json::array({"function"})})},
                                         {"Metrics", metrics}}})}}},
                        {"function", "billflow"},
                        {"request_id", invocation.request_id},
                        {"files", files},
                        {"rows_loaded", loaded},
                        {"rows_rejected", rejected},
                        {"failed_files", outcome ? outcome->failed_files : 0},
                        {"duration_ms", duration_ms.count()}}));
  if (!outcome) return tl::unexpected(outcome.error());
  if (!outcome->is_sqs && outcome->failed_files > 0) {
    std::string message = std::to_string(outcome->failed_files) + " of " +
                          std::to_string(outcome->files.size()) + " files failed:";
    ErrorCode code = ErrorCode::kInvalidData;
    for (const IngestSummary& file : outcome->files) {
      if (file.status != FileStatus::kFailed) continue;
      message += " " + file.error + ";";
      code = file.error_code;
    }
    message.pop_back();
    return Fail(code, message);
  }
  return outcome->response_json;
}

}  // namespace billflow
