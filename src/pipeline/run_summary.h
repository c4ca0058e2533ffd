#ifndef BILLFLOW_PIPELINE_RUN_SUMMARY_H_
#define BILLFLOW_PIPELINE_RUN_SUMMARY_H_

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"
#include "pipeline/ingest_summary.h"
#include "sinks/record_sink.h"

namespace billflow {

// The files one run handled (`ingest`, `ingest --event`, one Lambda invocation) in order, and
// their totals. Every front door reports through this type and RunSummaryJson.
class RunSummary {
 public:
  // Appends `file` and adds it to the totals. The USD sum is checked: on overflow the file is
  // still kept and the error names it (the run's total is then not representable).
  [[nodiscard]] Status Add(IngestSummary file);

  const std::vector<IngestSummary>& files() const { return files_; }
  const LoadTally& totals() const { return totals_; }
  std::size_t failed_files() const { return failed_files_; }
  // True once the USD sum overflowed: totals().usd_total is then meaningless (JSON null).
  bool usd_overflow() const { return usd_overflow_; }

 private:
  std::vector<IngestSummary> files_;
  LoadTally totals_;
  std::size_t failed_files_ = 0;
  bool usd_overflow_ = false;
};

// The one JSON form of a run, as `ingest --json`, `ingest --event` and the Lambda print it:
// {"files":[{"source","path","status","rows_read","rows_loaded","rows_rejected","usd_total",
//            "content_sha256","seconds","warnings","error"}…],
//  "totals":{"files","failed","by_status":{status:count},"rows_read","rows_loaded",
//            "rows_rejected","usd_total"}}
// `error` is null unless the file failed, the total `usd_total` null after an overflow; amounts are
// exact decimal strings. `indent` < 0 writes one line (the Lambda response), otherwise
// pretty-printed with that indent.
std::string RunSummaryJson(const RunSummary& run, int indent);

}  // namespace billflow

#endif  // BILLFLOW_PIPELINE_RUN_SUMMARY_H_
