#ifndef BILLFLOW_PIPELINE_RETRYING_INGEST_H_
#define BILLFLOW_PIPELINE_RETRYING_INGEST_H_

#include <chrono>
#include <functional>
#include <memory>

#include "pipeline/ingest_job.h"
#include "pipeline/ingest_summary.h"
#include "sinks/database.h"
#include "sources/byte_source.h"

namespace billflow {

struct RetryPolicy {
  // How long a file is retried, from the start of its first attempt: no attempt starts once
  // waiting for it would end past the window. The default rides through a MariaDB restart
  // with crash recovery and an Aurora failover (typically tens of seconds). Zero: one attempt.
  std::chrono::milliseconds window{std::chrono::seconds(60)};
  // Runs of the file in total, the first included; 0 = as many as the window allows.
  int max_attempts = 0;
  // Capped exponential backoff: first_backoff, doubled after each attempt, at most max_backoff.
  std::chrono::milliseconds first_backoff{250};
  std::chrono::milliseconds max_backoff{5000};
  bool jitter = true;  // wait a random 50-100% of the backoff so many loaders spread out
  // How to wait; default std::this_thread::sleep_for. Tests record instead.
  std::function<void(std::chrono::milliseconds)> sleep;
  // The clock the window is measured on; default std::chrono::steady_clock::now. Tests pass
  // one that their `sleep` advances.
  std::function<std::chrono::steady_clock::time_point()> now;
  // Polled before each new attempt; true ends the retries with the last error (a stop request).
  std::function<bool()> should_stop;
  // Told before each new attempt (2, 3, ...) why the previous one failed.
  std::function<void(int attempt, const IngestSummary& failed)> on_retry;
};

// Opens a fresh database connection (after a lost connection, a deadlock, a failover).
using DatabaseFactory = std::function<Result<std::unique_ptr<Database>>()>;

// Runs `job` on `source` into `*db` and retries what IsRetryable() allows: the connection is
// dropped, a new one made with `connect` after an exponential backoff, the source rewound and
// the whole file run again (a file is one transaction, so a failed attempt left nothing).
// A kAmbiguousCommit (connection lost during COMMIT) is first resolved by reading the ledger:
// when it holds this file's content hash, the commit happened and the summary reports the
// stored counts; only otherwise is the file loaded again. Gives up when `policy.window` (or
// `policy.max_attempts`) is spent, or at once for a source that cannot rewind, with the last
// error; a lost COMMIT still gets one last ledger read after the window.
// `*db` may be null on entry (connect first) and is null on return if the last connection
// broke. Knows nothing of any particular database.
IngestSummary IngestWithRetry(IngestJob& job, ByteSource& source, std::unique_ptr<Database>* db,
                              const DatabaseFactory& connect, const RetryPolicy& policy);

}  // namespace billflow

#endif  // BILLFLOW_PIPELINE_RETRYING_INGEST_H_
