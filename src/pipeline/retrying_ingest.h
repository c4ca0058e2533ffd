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
  // Runs of the file in total, the first included: about 2-4 s of backoff in all, shorter than
  // a database restart with crash recovery (a killed MariaDB was back too late in all ten
  // server-kill runs of docs/RELIABILITY.md; the file failed and the next run loaded it).
  int max_attempts = 5;
  std::chrono::milliseconds first_backoff{250};
  std::chrono::milliseconds max_backoff{8000};
  bool jitter = true;  // wait a random 50-100% of the backoff so many loaders spread out
  // How to wait; default std::this_thread::sleep_for. Tests record instead.
  std::function<void(std::chrono::milliseconds)> sleep;
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
// stored counts; only otherwise is the file loaded again. Gives up after
// `policy.max_attempts`, or at once for a source that cannot rewind, with the last error.
// `*db` may be null on entry (connect first) and is null on return if the last connection
// broke. Knows nothing of any particular database.
IngestSummary IngestWithRetry(IngestJob& job, ByteSource& source, std::unique_ptr<Database>* db,
                              const DatabaseFactory& connect, const RetryPolicy& policy);

}  // namespace billflow

#endif  // BILLFLOW_PIPELINE_RETRYING_INGEST_H_
