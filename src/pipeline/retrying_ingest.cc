#include "pipeline/retrying_ingest.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <random>
#include <thread>

namespace billflow {
namespace {

// The ledger's counts for a file whose commit outcome was unknown and turned out to be done.
Result<LoadTally> StoredTally(Database& db, const std::string& source) {
  auto files = db.Files();
  if (!files) return tl::unexpected(files.error());
  for (const StoredFile& file : *files) {
    if (file.source != source) continue;
    LoadTally tally;
    tally.rows_read = file.rows_read;
    tally.rows_loaded = file.rows_loaded;
    tally.rows_rejected = file.rows_rejected;
    if (auto usd = Decimal::FromString(file.usd_total)) tally.usd_total = *usd;
    return tally;
  }
  return Fail(ErrorCode::kNotFound, source + ": not in billing_files");
}

class Retrier {
 public:
  Retrier(IngestJob& job, ByteSource& source, std::unique_ptr<Database>* db,
          const DatabaseFactory& connect, const RetryPolicy& policy)
      : job_(job),
        source_(source),
        info_(source.Info()),
        db_(db),
        connect_(connect),
        policy_(policy),
        random_(std::random_device{}()),
        backoff_(policy.first_backoff) {}

  IngestSummary Run() {
    started_ = Now();
    IngestSummary result = Loop();
    result.seconds = std::chrono::duration<double>(Now() - started_).count();
    return result;
  }

 private:
  // One outcome of an attempt: a final summary, or nullopt to try again.
  using Step = std::optional<IngestSummary>;

  IngestSummary Loop() {
    int tries = 0;
    while (true) {
      ++tries;
      bool resolve_only = false;
      if (tries > 1) {
        const std::chrono::milliseconds wait = NextWait();
        // A commit of unknown outcome when the window is spent still gets one more try, to
        // read the ledger.
        resolve_only = (policy_.max_attempts > 0 && tries > policy_.max_attempts) ||
                       Now() + wait > started_ + policy_.window;
        if (resolve_only && !ambiguous_sha_) break;
        Wait(tries, wait);
        if (policy_.should_stop && policy_.should_stop()) {
          last_.error += " (not retried: stop requested)";
          return Unresolved();
        }
      }
      if (Step done = Attempt(resolve_only)) return *std::move(done);
      if (!last_.FailedRetryably() || stop_) return Unresolved();
      if (resolve_only) break;
    }
    char spent[160];
    std::snprintf(spent, sizeof spent,
                  " over %.1f s, retry window %lld s: --retry-window-seconds or "
                  "BILLFLOW_RETRY_WINDOW_SECONDS",
                  std::chrono::duration<double>(Now() - started_).count(),
                  static_cast<long long>(policy_.window.count() / 1000));
    last_.error += " (gave up after " + std::to_string(attempts_) +
                   (attempts_ == 1 ? " attempt" : " attempts") + spent;
    // After a server restart the last error is "cannot connect"; what broke the load was first.
    if (!first_error_.empty() && first_error_ != last_.error.substr(0, first_error_.size())) {
      last_.error += "; the first attempt failed with: " + first_error_;
    }
    last_.error += ")";
    return Unresolved();
  }

  // The last error, plus what a later error would hide: a COMMIT without an answer that the
  // ledger could not settle since (the file may be loaded).
  IngestSummary Unresolved() {
    if (ambiguous_sha_ && last_.error_code != ErrorCode::kAmbiguousCommit) {
      last_.error += "; an earlier COMMIT of " + info_.display_name +
                     " got no answer and the ledger could not be read since: it may be loaded "
                     "(the next run reads the ledger and does not load it twice)";
    }
    return last_;
  }

  std::chrono::steady_clock::time_point Now() const {
    return policy_.now ? policy_.now() : std::chrono::steady_clock::now();
  }

  // The backoff before the next attempt, with jitter; advances the backoff for the one after.
  std::chrono::milliseconds NextWait() {
    auto wait = backoff_;
    if (policy_.jitter && backoff_.count() > 1) {
      const auto half = static_cast<unsigned long>(backoff_.count() / 2);
      wait = std::chrono::milliseconds(static_cast<long>(half + random_() % (half + 1)));
    }
    backoff_ = std::min(backoff_ * 2, policy_.max_backoff);
    return wait;
  }

  void Wait(int attempt, std::chrono::milliseconds wait) {
    if (policy_.on_retry) policy_.on_retry(attempt, last_);
    if (policy_.sleep) {
      policy_.sleep(wait);
    } else {
      std::this_thread::sleep_for(wait);
    }
  }

  // Records a retryable-or-not failure and drops the connection, which is not to be trusted.
  Step Failed(IngestSummary summary) {
    if (first_error_.empty()) first_error_ = summary.error;
    last_ = std::move(summary);
    db_->reset();
    return std::nullopt;
  }

  Step Attempt(bool resolve_only) {
    if (!resolve_only) ++attempts_;  // a last ledger read is not an attempt to load
    if (!*db_) {
      auto made = connect_();
      if (!made) {
        last_ = FailedSummary(info_.uri, info_.display_name, made.error());
        return std::nullopt;
      }
      *db_ = std::move(*made);
    }
    auto entry = (*db_)->FindFile(info_.uri);
    if (!entry) return Failed(FailedSummary(info_.uri, info_.display_name, entry.error()));
    const bool loaded = *entry && (*entry)->IsLoaded();
    if (ambiguous_sha_) {
      if (loaded && (*entry)->content_sha256 == *ambiguous_sha_) return Resolved();
      ambiguous_sha_.reset();  // the commit did not happen: load again
      if (resolve_only) {
        last_.error += "; the ledger shows it did not commit";
        return std::nullopt;
      }
    }
    if (source_read_) {
      if (!source_.CanRewind()) {
        last_.error += "; not retried: " + info_.display_name + " cannot be read a second time";
        stop_ = true;
        return std::nullopt;
      }
      if (auto rewound = source_.Rewind(); !rewound) {
        last_ = FailedSummary(info_.uri, info_.display_name, rewound.error());
        stop_ = true;
        return std::nullopt;
      }
    }
    source_read_ = true;
    IngestSummary summary = job_.Run(source_, db_->get());
    if (summary.status != FileStatus::kFailed || !summary.FailedRetryably()) return summary;
    if (summary.error_code == ErrorCode::kAmbiguousCommit) {
      ambiguous_sha_ = summary.content_sha256;
      replaced_before_ = loaded;
    }
    return Failed(std::move(summary));
  }

  Step Resolved() {
    auto tally = StoredTally(**db_, info_.uri);
    if (!tally) return Failed(FailedSummary(info_.uri, info_.display_name, tally.error()));
    IngestSummary resolved = last_;
    resolved.status = replaced_before_ ? FileStatus::kReplaced : FileStatus::kLoaded;
    resolved.tally = *tally;
    resolved.content_sha256 = *ambiguous_sha_;
    resolved.error.clear();
    resolved.error_code.reset();
    resolved.warnings.push_back(info_.display_name +
                                ": the connection broke during COMMIT; the ledger shows the "
                                "commit happened, so the file was not loaded again");
    return resolved;
  }

  IngestJob& job_;
  ByteSource& source_;
  const SourceInfo& info_;
  std::unique_ptr<Database>* db_;
  const DatabaseFactory& connect_;
  const RetryPolicy& policy_;
  std::minstd_rand random_;
  std::chrono::milliseconds backoff_;
  std::chrono::steady_clock::time_point started_;
  int attempts_ = 0;
  IngestSummary last_;
  std::string first_error_;                   // of the file's first failed attempt
  std::optional<std::string> ambiguous_sha_;  // content hash a lost COMMIT may have stored
  bool replaced_before_ = false;
  bool stop_ = false;  // failed in a way another attempt cannot fix
  bool source_read_ = false;
};

}  // namespace

IngestSummary IngestWithRetry(IngestJob& job, ByteSource& source, std::unique_ptr<Database>* db,
                              const DatabaseFactory& connect, const RetryPolicy& policy) {
  return Retrier(job, source, db, connect, policy).Run();
}

}  // namespace billflow
