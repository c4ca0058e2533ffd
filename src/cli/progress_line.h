#ifndef BILLFLOW_CLI_PROGRESS_LINE_H_
#define BILLFLOW_CLI_PROGRESS_LINE_H_

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

#include "pipeline/ingest_job.h"

namespace billflow {

// One line on stderr, rewritten in place with '\r': rows, MB, MB/s and, when the size is
// known, percent and ETA. Disabled (prints nothing at all) unless stderr is a terminal, so
// logs and pipes never see carriage returns. Used by ingest and watch; one thread.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  void Start(std::string name) {
    name_ = std::move(name);
    started_ = std::chrono::steady_clock::now();
  }
  void Update(const IngestProgress& p) {
    if (!enabled_) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double mb = static_cast<double>(p.bytes_read) / 1e6;
    const double rate = seconds > 0 ? mb / seconds : 0;
    char eta[48] = "";
    if (p.bytes_total && *p.bytes_total > 0 && rate > 0) {
      const double total_mb = static_cast<double>(*p.bytes_total) / 1e6;
      std::snprintf(eta, sizeof eta, "  %3.0f%%  ETA %.0fs", 100.0 * mb / total_mb,
                    (total_mb - mb) / rate);
    }
    std::fprintf(stderr, "\r\033[K%s: %llu rows  %.1f MB  %.1f MB/s%s", name_.c_str(),
                 static_cast<unsigned long long>(p.rows_read), mb, rate, eta);
    std::fflush(stderr);
    shown_ = true;
  }
  void Clear() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::string name_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace billflow

#endif  // BILLFLOW_CLI_PROGRESS_LINE_H_
