#include "pipeline/run_summary.h"

#include <map>
#include <nlohmann/json.hpp>

namespace billflow {

Status RunSummary::Add(IngestSummary file) {
  totals_.rows_read += file.tally.rows_read;
  totals_.rows_loaded += file.tally.rows_loaded;
  totals_.rows_rejected += file.tally.rows_rejected;
  if (file.status == FileStatus::kFailed) ++failed_files_;
  const std::optional<Decimal> usd = totals_.usd_total.Add(file.tally.usd_total);
  const std::string name = file.display_name;
  files_.push_back(std::move(file));
  if (!usd) {
    usd_overflow_ = true;
    return Fail(ErrorCode::kInvalidData,
                name + ": the run's USD total overflows after adding this file's " +
                    files_.back().tally.usd_total.ToString());
  }
  totals_.usd_total = *usd;
  return Ok();
}

std::string RunSummaryJson(const RunSummary& run, int indent) {
  using nlohmann::json;
  json files = json::array();
  std::map<std::string, std::size_t> by_status;
  for (const IngestSummary& s : run.files()) {
    ++by_status[std::string(FileStatusName(s.status))];
    files.push_back({{"source", s.source},
                     {"path", s.display_name},
                     {"status", FileStatusName(s.status)},
                     {"profile", s.profile.empty() ? json(nullptr) : json(s.profile)},
                     {"rows_read", s.tally.rows_read},
                     {"rows_loaded", s.tally.rows_loaded},
                     {"rows_rejected", s.tally.rows_rejected},
                     {"usd_total", s.tally.usd_total.ToString()},
                     {"content_sha256", s.content_sha256},
                     {"seconds", s.seconds},
                     {"warnings", s.warnings},
                     {"error", s.error.empty() ? json(nullptr) : json(s.error)}});
  }
  const LoadTally& totals = run.totals();
  const json doc{
      {"files", files},
      {"totals",
       {{"files", run.files().size()},
        {"failed", run.failed_files()},
        {"by_status", by_status},
        {"rows_read", totals.rows_read},
        {"rows_loaded", totals.rows_loaded},
        {"rows_rejected", totals.rows_rejected},
        {"usd_total", run.usd_overflow() ? json(nullptr) : json(totals.usd_total.ToString())}}}};
  return doc.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace billflow
