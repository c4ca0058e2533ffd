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
#include "sinks/database.h"
#include "sources/gzip_source.h"

namespace billflow {

struct LambdaHandlerConfig {
  IngestOptions ingest;     // validator, CSV, max rejects…
  RetryPolicy retry;        // per file, for retryable database errors
  DatabaseFactory connect;  // opens the backend (data-api://…, mysql://…, sqlite:…)
  std::size_t s3_chunk_bytes = 8 * 1024 * 1024;
  GzipLimits gzip_limits;  // for keys ending in .gz (decompressed while streaming)
  // Work stops this long before the invocation deadline: the file in progress is rolled
  // back and reported failed, so AWS delivers it again.
  std::chrono::milliseconds safety_margin{std::chrono::seconds(5)};
  Clock clock;  // SystemClock() outside tests
  // Told the deadline of each invocation (e.g. DataApiClient::set_deadline).
  std::function<void(std::optional<std::chrono::system_clock::time_point>)> on_deadline;
  // One JSON log line (request id included) or the CloudWatch EMF metrics line.
  std::function<void(const std::string& line)> log;
};

// What one event did.
struct EventOutcome {
  std::vector<IngestSummary> files;             // in event order
  std::vector<std::string> failed_message_ids;  // SQS: messages to deliver again
  bool is_sqs = false;
  bool test_event = false;
  std::size_t failed_files = 0;
  // The invocation's answer: {"files":[…],"totals":{…}} for S3 events,
  // {"batchItemFailures":[…]} for SQS batches.
  std::string response_json;
};

// Loads the files an S3 event (or an SQS batch of them) names. Every record is processed;
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
  IngestSummary LoadObject(const std::string& bucket, const std::string& key,
                           const std::string& version_id,
                           std::optional<std::chrono::system_clock::time_point> deadline);
  LambdaHandlerConfig config_;
  S3Client* s3_;
  const FxRateTable* rates_;
  std::unique_ptr<Database> db_;
};

// The files an `s3://bucket/key` argument names: that object, or for `s3://bucket/prefix/`
// (or a bare bucket) every *.csv key under the prefix, in key order.
[[nodiscard]] Result<std::vector<S3Location>> ExpandS3Uri(S3Client& s3, std::string_view uri);

// {"files":[{"source","status","rows_read","rows_loaded","rows_rejected","usd_total","error"}…],
//  "totals":{…}} as `ingest --json` prints it.
std::string SummariesJson(const std::vector<IngestSummary>& files);

}  // namespace billflow

#endif  // BILLFLOW_LAMBDA_LAMBDA_HANDLER_H_
