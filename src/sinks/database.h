#ifndef BILLFLOW_SINKS_DATABASE_H_
#define BILLFLOW_SINKS_DATABASE_H_

#include <optional>
#include <string>
#include <vector>

#include "core/fx_rate_table.h"
#include "core/group_total.h"
#include "sinks/record_sink.h"

namespace billflow {

// A row of billing_rejects joined with its file's source.
struct StoredReject {
  std::string source;
  std::uint64_t line_number = 0;
  std::string reason;
  std::string raw_line;
};

// A row of billing_files.
struct StoredFile {
  std::int64_t file_id = 0;
  std::string source;
  std::string status;
  std::uint64_t rows_read = 0;
  std::uint64_t rows_loaded = 0;
  std::uint64_t rows_rejected = 0;
  std::string usd_total;
  std::string finished_at;
  std::string error;
};

// A backend: the sink that writes files plus the queries reports and operators need.
// Every backend (SQLite, MySQL, Data API) implements all of it with the same meaning.
class Database : public RecordSink {
 public:
  // Exact totals of loaded rows grouped by `by` and currency, ordered by key then currency.
  [[nodiscard]] virtual Result<std::vector<GroupTotal>> Totals(GroupBy by) = 0;
  [[nodiscard]] virtual Result<std::vector<StoredFile>> Files() = 0;
  // Rejects, of one source or (nullopt) of all, ordered by source then line.
  [[nodiscard]] virtual Result<std::vector<StoredReject>> Rejects(
      const std::optional<std::string>& source) = 0;
  // The fx_rates table (empty when nothing was stored yet).
  [[nodiscard]] virtual Result<std::vector<FxRate>> LoadRates() = 0;
  // Upserts rates by (currency, valid_from).
  [[nodiscard]] virtual Status SaveRates(const std::vector<FxRate>& rates) = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_DATABASE_H_
