#include "cli/inbox_watcher.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <vector>

#include "cli/open_input.h"
#include "cli/rate_resolution.h"
#include "cli/rejects_retry.h"
#include "pipeline/ingest_job.h"
#include "sources/input_name.h"

namespace billflow {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr milliseconds kMaxPollWait{200};  // bounds how long a stop request can go unseen

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

std::string_view InboxInputSuffix(std::string_view name) {
  // Dotfiles and partial names are files still being written.
  if (name.empty() || name.front() == '.' || name.back() == '~') return {};
  return CsvInputSuffix(name);
}

InboxWatcher::InboxWatcher(const Config& config, const Logger& log, const std::atomic<bool>& stop,
                           DatabaseFactory connect, IngestSettings settings)
    : config_(config),
      log_(log),
      stop_(stop),
      connect_(std::move(connect)),
      rate_reads_(std::make_shared<CurrencyRateReads>(connect_)),
      settings_(std::move(settings)),
      dir_(config.paths.at(0)),
      settle_(milliseconds(config.settle_ms)),
      progress_(config.stderr_is_tty && !config.quiet) {}

InboxWatcher::~InboxWatcher() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

int InboxWatcher::Run() {
  if (int code = Setup(); code != kExitOk) return code;
  Scan();
  log_.Log(LogLevel::kInfo, "watching " + dir_.string() + " for *.csv and *.csv.gz",
           {{"settle_ms", std::to_string(config_.settle_ms)},
            {"waiting", std::to_string(pending_.size())}});
  while (!stop_.load()) {
    if (!WaitForEvents()) return kExitFileFailed;
    if (stop_.load()) break;
    if (int code = LoadReadyFiles(); code != kExitOk) return code;
  }
  log_.Info("stopped by signal; files not yet loaded stay in " + dir_.string());
  return kExitOk;
}

std::optional<InboxWatcher::FileStamp> InboxWatcher::Stamp(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileStamp{static_cast<long long>(st.st_size),
                   static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

int InboxWatcher::Setup() {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) {
    log_.Error("watch " + dir_.string() + ": not a directory");
    return kExitUsage;
  }
  for (const char* sub : {"processed", "failed"}) {
    fs::create_directories(dir_ / sub, ec);
    if (ec) {
      log_.Error("watch: cannot create " + (dir_ / sub).string() + ": " + ec.message());
      return kExitFileFailed;
    }
  }
  // Watch before listing, so a file arriving in between is seen by one or the other.
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0 || ::inotify_add_watch(inotify_fd_, dir_.c_str(),
                                             IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY | IN_CREATE |
                                                 IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR) < 0) {
    log_.Error("watch " + dir_.string() + ": inotify: " + std::strerror(errno));
    return kExitFileFailed;
  }
  // A database that is down is waited for; a wrong URL or credentials are not.
  if (auto connected = Connect(); !connected) {
    if (!IsRetryable(connected.error().code)) {
      log_.Error(connected.error().message);
      return connected.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
    }
    log_.Warn(connected.error().message + "; will retry");
  }
  if (!config_.rates.empty()) {
    // --rates FILE is read once; without it the database's fx_rates are read per file, so
    // `billflow rates import` takes effect without a restart.
    fixed_rates_.emplace(ResolveRates(config_, db_.get()));
    if (!*fixed_rates_) {
      log_.Error(fixed_rates_->error().message);
      return fixed_rates_->error().code == ErrorCode::kInvalidArgument ? kExitUsage
                                                                       : kExitFileFailed;
    }
    // The rates just stored may settle rate-missing rejects, as after `rates import`.
    if (db_) {
      if (auto retried = RetryRateMissingRejects(config_, log_, *db_, RetryOutput::kLogOnly);
          !retried) {
        log_.Warn("retrying rate-missing rejects failed: " + retried.error().message +
                  "; run billflow rejects retry");
      }
    }
  }
  return kExitOk;
}

Status InboxWatcher::Connect() {
  if (db_) return Ok();
  auto opened = connect_();
  if (!opened) return tl::unexpected(opened.error());
  db_ = std::move(*opened);
  return Ok();
}

void InboxWatcher::Schedule(const std::string& name, Clock::time_point now) {
  Pending& p = pending_[name];
  p.closed = true;
  p.ready_at = std::max(p.ready_at, now + settle_);
  p.stamp = Stamp(dir_ / name);
}

void InboxWatcher::Scan() {
  std::error_code ec;
  const auto now = Clock::now();
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (!InboxInputSuffix(name).empty() && entry.is_regular_file(ec)) Schedule(name, now);
  }
}

bool InboxWatcher::WaitForEvents() {
  auto wait = kMaxPollWait;
  const auto now = Clock::now();
  for (const auto& [name, p] : pending_) {
    if (!p.closed) continue;
    wait = std::min(wait, std::max(milliseconds(0),
                                   std::chrono::duration_cast<milliseconds>(p.ready_at - now)));
  }
  pollfd pfd{inotify_fd_, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(wait.count())) < 0 && errno != EINTR) {
    log_.Error(std::string("watch: poll: ") + std::strerror(errno));
    return false;
  }
  return DrainEvents();
}

bool InboxWatcher::DrainEvents() {
  alignas(inotify_event) char buffer[64 * 1024];
  while (true) {
    const ssize_t n = ::read(inotify_fd_, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return true;
      log_.Error(std::string("watch: reading inotify events: ") + std::strerror(errno));
      return false;
    }
    const auto now = Clock::now();
    for (ssize_t offset = 0; offset < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
      offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      if (event->mask & IN_Q_OVERFLOW) {
        log_.Warn("watch: inotify queue overflowed; rescanning " + dir_.string());
        Scan();
        continue;
      }
      if (event->mask & IN_IGNORED) {
        log_.Error("watch: " + dir_.string() + " was removed or unmounted");
        return false;
      }
      if (event->len == 0) continue;
      const std::string name(event->name);
      if (InboxInputSuffix(name).empty() || (event->mask & IN_ISDIR)) continue;
      if (event->mask & (IN_DELETE | IN_MOVED_FROM)) {
        pending_.erase(name);
      } else if (event->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
        Schedule(name, now);
      } else if (event->mask & (IN_CREATE | IN_MODIFY)) {
        pending_[name].closed = false;  // being written: wait for its close
      }
    }
  }
}

int InboxWatcher::LoadReadyFiles() {
  // Names in order, so a batch dropped at once loads in a predictable order.
  std::vector<std::string> due;
  const auto now = Clock::now();
  for (const auto& [name, p] : pending_) {
    if (p.closed && p.ready_at <= now) due.push_back(name);
  }
  for (const std::string& name : due) {
    if (stop_.load()) return kExitOk;
    auto it = pending_.find(name);
    if (it == pending_.end() || !it->second.closed) continue;  // an event changed it meanwhile
    const auto stamp = Stamp(dir_ / name);
    if (!stamp) {
      pending_.erase(it);
      continue;
    }
    if (stamp != it->second.stamp) {  // still changing: give it another settle period
      Schedule(name, Clock::now());
      continue;
    }
    if (int code = LoadOne(name); code != kExitOk) return code;
    if (!DrainEvents()) return kExitFileFailed;
  }
  return kExitOk;
}

void InboxWatcher::RetryLater(const std::string& name, const std::string& why) {
  Pending& p = pending_[name];
  ++p.failed_attempts;
  const milliseconds backoff = settings_.retry.max_backoff;
  p.closed = true;
  p.ready_at = Clock::now() + backoff;
  p.stamp = Stamp(dir_ / name);
  log_.Log(LogLevel::kWarn, name + ": " + why + "; it stays in the inbox, retrying",
           {{"attempt", std::to_string(p.failed_attempts)},
            {"retry_in_ms", std::to_string(backoff.count())}});
}

int InboxWatcher::LoadOne(const std::string& name) {
  const fs::path path = dir_ / name;
  if (auto connected = Connect(); !connected) {
    if (!IsRetryable(connected.error().code)) {
      log_.Error(connected.error().message);
      return kExitFileFailed;
    }
    RetryLater(name, "database unavailable: " + connected.error().message);
    return kExitOk;
  }
  const Result<FxRateTable> stored_rates = fixed_rates_
                                               ? Result<FxRateTable>(FxRateTable())
                                               : ResolveRates(config_, db_.get(), rate_reads_);
  if (!stored_rates) {
    if (IsRetryable(stored_rates.error().code)) {
      db_.reset();
      RetryLater(name, "reading fx_rates failed: " + stored_rates.error().message);
      return kExitOk;
    }
    log_.Error(stored_rates.error().message);
    return kExitFileFailed;
  }
  const FxRateTable& rates = fixed_rates_ ? **fixed_rates_ : *stored_rates;

  auto source = OpenLocalInput(path.string(), GzipLimits{config_.max_inflated_bytes});
  if (!source) {
    if (source.error().code == ErrorCode::kNotFound) {
      pending_.erase(name);
      return kExitOk;
    }
    Finish(name, "failed", source.error().message);
    return kExitOk;
  }

  IngestOptions options = settings_.ingest;
  options.should_stop = [this] { return stop_.load(); };
  options.on_progress = [this](const IngestProgress& p) { progress_.Update(p); };
  RetryPolicy retry = settings_.retry;
  if (!retry.sleep) retry.sleep = SleepUnlessStopped(stop_);
  retry.should_stop = [this] { return stop_.load(); };
  retry.on_retry = [this, &name](int attempt, const IngestSummary& failed) {
    log_.Log(LogLevel::kWarn, name + ": " + failed.error + "; retrying on a fresh connection",
             {{"attempt", std::to_string(attempt)}});
  };
  IngestJob job(rates, options);
  log_.Info("loading " + name);
  progress_.Start(name);
  const IngestSummary summary =
      IngestWithRetry(job, **source, &db_, ReopeningRateReads(connect_, rate_reads_), retry);
  progress_.Clear();
  source->reset();  // close before moving
  for (const auto& warning : summary.warnings) log_.Warn(warning);

  switch (summary.status) {
    case FileStatus::kLoaded:
    case FileStatus::kReplaced:
    case FileStatus::kUnchanged:
    case FileStatus::kChecked:
      log_.Log(LogLevel::kInfo, name + ": " + std::string(FileStatusName(summary.status)),
               {{"rows_loaded", std::to_string(summary.tally.rows_loaded)},
                {"rows_rejected", std::to_string(summary.tally.rows_rejected)},
                {"usd_total", summary.tally.usd_total.ToString()},
                {"seconds", std::to_string(summary.seconds)}});
      Finish(name, "processed", "");
      return kExitOk;
    case FileStatus::kStale:
      Finish(name, "failed",
             name + ": not loaded: the database holds a newer version of " + summary.source +
                 " (by modification time); touch the file and drop it again to load it anyway");
      return kExitOk;
    case FileStatus::kFailed:
      break;
  }
  if (summary.error_code == ErrorCode::kCancelled) {
    log_.Warn(name + ": stopped before the end and rolled back; it stays in the inbox");
    return kExitOk;
  }
  if (summary.FailedRetryably()) {
    db_.reset();  // a fresh connection for the next window
    RetryLater(name, summary.error);
    return kExitOk;
  }
  Finish(name, "failed", summary.error);
  return kExitOk;
}

void InboxWatcher::Finish(const std::string& name, const std::string& sub,
                          const std::string& error) {
  pending_.erase(name);
  const std::string_view suffix = InboxInputSuffix(name);
  const std::string stem = name.substr(0, name.size() - suffix.size());
  fs::path target = dir_ / sub / name;
  std::error_code ec;
  for (int n = 1; fs::exists(target, ec) || fs::exists(target.string() + ".error.txt", ec); ++n) {
    target = dir_ / sub / (stem + "-" + std::to_string(n) + std::string(suffix));
  }
  if (::rename((dir_ / name).c_str(), target.c_str()) != 0) {
    log_.Error("watch: cannot move " + name + " to " + target.string() + ": " +
               std::strerror(errno) +
               "; it is left in place and will not be retried until it changes");
    return;
  }
  if (error.empty()) {
    log_.Info(name + " -> " + sub + "/" + target.filename().string());
    return;
  }
  std::ofstream note(target.string() + ".error.txt", std::ios::trunc);
  note << error << "\n\nfile: " << name << "\nmoved to: " << target.string() << "\nat: " << UtcNow()
       << "\n";
  log_.Log(LogLevel::kError, error, {{"moved_to", sub + "/" + target.filename().string()}});
}

}  // namespace billflow
