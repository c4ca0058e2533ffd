#ifndef BILLFLOW_CLI_INBOX_WATCHER_H_
#define BILLFLOW_CLI_INBOX_WATCHER_H_

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/config.h"
#include "cli/currency_rate_reads.h"
#include "cli/ingest_settings.h"
#include "cli/logger.h"
#include "cli/progress_line.h"
#include "pipeline/retrying_ingest.h"
#include "sinks/database.h"

namespace billflow {

// The suffix that makes `name` an inbox input (CsvInputSuffix: ".csv" or ".csv.gz", any case),
// or empty when it is not one: dotfiles and names with a trailing ~ never are (partial names
// such as .tmp, .part, .crdownload, .swp do not end in a CSV suffix).
std::string_view InboxInputSuffix(std::string_view name);

// `billflow watch`: loads the CSV files in config.paths[0] and those that arrive (inotify),
// each once it is completely written — closed by its writer or moved in, then unchanged for
// config.settle_ms — and moves it to DIR/processed/ or DIR/failed/ (with NAME.error.txt).
// Each file is loaded through IngestWithRetry with `settings.retry`: a lost connection, a lock
// conflict or a failover is retried on a fresh connection from `connect` within the retry
// window, and a COMMIT without an answer is settled by reading the ledger. A file whose
// window ran out (or whose rates could not be read) stays in DIR and gets a new window after
// `settings.retry.max_backoff`.
// Run() returns kExitOk once `stop` becomes true (the current file finished or rolled back),
// kExitUsage for a missing DIR, kExitFileFailed for a fatal error (DIR removed, the database
// refused for good). One thread; `stop` may be set from any thread or a signal handler.
class InboxWatcher {
 public:
  InboxWatcher(const Config& config, const Logger& log, const std::atomic<bool>& stop,
               DatabaseFactory connect, IngestSettings settings);
  ~InboxWatcher();
  InboxWatcher(const InboxWatcher&) = delete;
  InboxWatcher& operator=(const InboxWatcher&) = delete;

  int Run();

 private:
  using Clock = std::chrono::steady_clock;
  struct FileStamp {
    long long size = -1;
    long long mtime_ns = -1;
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
  };
  // A file of the inbox that may be loaded once `ready_at` has passed.
  struct Pending {
    bool closed = false;  // its writer closed it, it was moved in, or it was there at start
    Clock::time_point ready_at;
    std::optional<FileStamp> stamp;  // size and mtime when scheduled; must not change meanwhile
    int failed_attempts = 0;         // retry windows spent so far
  };

  static std::optional<FileStamp> Stamp(const std::filesystem::path& path);
  int Setup();
  Status Connect();
  void Schedule(const std::string& name, Clock::time_point now);
  void Scan();
  bool WaitForEvents();
  bool DrainEvents();
  int LoadReadyFiles();
  void RetryLater(const std::string& name, const std::string& why);
  int LoadOne(const std::string& name);
  void Finish(const std::string& name, const std::string& sub, const std::string& error);

  const Config& config_;
  const Logger& log_;
  const std::atomic<bool>& stop_;
  DatabaseFactory connect_;
  std::shared_ptr<CurrencyRateReads> rate_reads_;  // for each file's rates
  IngestSettings settings_;
  const std::filesystem::path dir_;
  const std::chrono::milliseconds settle_;
  ProgressLine progress_;
  int inotify_fd_ = -1;
  std::unique_ptr<Database> db_;
  std::optional<Result<FxRateTable>> fixed_rates_;  // --rates FILE, read once
  std::map<std::string, Pending> pending_;
};

}  // namespace billflow

#endif  // BILLFLOW_CLI_INBOX_WATCHER_H_
