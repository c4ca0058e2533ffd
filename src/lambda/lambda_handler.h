#ifndef BILLFLOW_LAMBDA_LAMBDA_HANDLER_H_
#define BILLFLOW_LAMBDA_LAMBDA_HANDLER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_config.h"
#include "aws/lambda_runtime.h"
#include "aws/s3_client.h"
#include "core/fx_rate_table.h"
#include "pipeline/ingest_job.h"
#include "pipeline/retrying_ingest.h"
#include "pipeline/run_summary.h"
#include "sinks/database.h"
#include "sources/gzip_source.h"

namespace billflow {

// What a scheduled rates fetch did (for the log line, the EMF line and the response).
struct RatesFetchReport {
  std::string url;  // the feed whose rates were stored
  std::size_t rates_read = 0;
  std::size_t dates_added = 0;
  std::size_t rates_added = 0;
  std::size_t rates_changed = 0;
  std::size_t gaps = 0;  // TARGET working days still without ECB rates
  // Rate-missing rejects the new rates settled (`billflow rejects retry`, run after the fetch).
  std::uint64_t rejects_settled = 0;
};

// Runs the ECB rates fetch into `db` and reports what it stored.
using RatesFetcher = std::function<Result<RatesFetchReport>(Database& db)>;

struct LambdaHandlerConfig {
  IngestOptions ingest;     // validator, CSV, max rejects…
  RetryPolicy retry;        // per file, for retryable database errors; cut to the deadline
  DatabaseFactory connect;  // opens the backend (data-api://…, mysql://…, sqlite:…)
  // No database: every file is read, validated and converted (status "checked"), nothing is
  // written and `connect` is never called (`ingest --event --dry-run`).
  bool dry_run = false;
  std::size_t s3_chunk_bytes = 8 * 1024 * 1024;
  GzipLimits gzip_limits;  // for keys ending in .gz (decompressed while streaming)
  // Work stops a safety margin before the invocation deadline: the file in progress is rolled
  // back and reported failed, so AWS delivers it again; no file starts inside the margin. The
  // margin is `safety_margin_percent` of the invocation's budget (deadline minus the time it
  // arrived), at most `max_safety_margin`: a 3 s function keeps 300 ms, a 15 min one 5 s.
  int safety_margin_percent = 10;
  std::chrono::milliseconds max_safety_margin{std::chrono::seconds(5)};
  // For scheduled events (EventBridge rule or Scheduler): the rates fetch, run into the
  // database `connect` opens. Unset: a scheduled event fails, naming this setting.
  RatesFetcher fetch_rates;
  // The EMF line's "function" dimension: AWS_LAMBDA_FUNCTION_NAME under Lambda.
  std::string function_name = "billflow";
  Clock clock;  // SystemClock() outside tests
  // Told the deadline of each invocation (e.g. DataApiClient::set_deadline).
  std::function<void(std::optional<std::chrono::system_clock::time_point>)> on_deadline;
  // One JSON log line (request id included) or the CloudWatch EMF metrics line.
  std::function<void(const std::string& line)> log;
};

// What one event did.
struct EventOutcome {
  RunSummary run;                               // the files, in event order
  std::vector<std::string> failed_message_ids;  // SQS: messages to deliver again
  bool is_sqs = false;
  bool test_event = false;
  bool is_scheduled = false;
  // Scheduled events: what the rates fetch stored, or why it failed.
  std::optional<Result<RatesFetchReport>> rates_fetch;
  // The invocation's answer: RunSummaryJson for S3 events, {"batchItemFailures":[…]} for SQS
  // batches, {"rates_fetch":{…}} for a scheduled event whose fetch succeeded.
  std::string response_json;
};

// Loads the files an S3 event (or an SQS batch of them) names, or runs the rates fetch for a
// scheduled event (EventBridge rule or Scheduler; a failed fetch fails the invocation, so the
// scheduler's retry policy applies). Every record is processed;
// keys are decoded; a deleted object is skipped with a warning; a failed file fails only
// itself (S3: the invocation reports an error so AWS retries; SQS: only its message is
// listed in batchItemFailures). `s3` and `rates` must outlive the handler; the database
// connection is kept between invocations. Not thread-safe.
class LambdaHandler {
 public:
  LambdaHandler(LambdaHandlerConfig config, S3Client* s3, const FxRateTable* rates);

  // The whole event; `deadline` bounds the work (nullopt: none, as for `ingest --event`).
  // Fails only when the payload is not an event at all.
  [[nodiscard]] Result<EventOutcome> ProcessEvent(
      std::string_view payload, std::optional<std::chrono::system_clock::time_point> deadline,
      const std::string& request_id = {});

  // For LambdaRuntime::Run: the response JSON, or an error naming the failed files (direct
  // S3 events) so the runtime API counts the invocation as failed. Emits one EMF line.
  [[nodiscard]] Result<std::string> Handle(const Invocation& invocation);

 private:
  // `stop_at`: when work must stop (the deadline minus the margin); nullopt = never.
  IngestSummary LoadObject(const std::string& bucket, const std::string& key,
                           const std::string& version_id,
                           std::optional<std::chrono::system_clock::time_point> stop_at);
  Result<RatesFetchReport> FetchRates();
  LambdaHandlerConfig config_;
  S3Client* s3_;
  const FxRateTable* rates_;
  std::unique_ptr<Database> db_;
};

}  // namespace billflow

#endif  // BILLFLOW_LAMBDA_LAMBDA_HANDLER_H_
