#ifndef BILLFLOW_SINKS_DATABASE_H_
#define BILLFLOW_SINKS_DATABASE_H_

#include <optional>
#include <string>
#include <vector>

#include "core/fx_rate_table.h"
#include "core/group_total.h"
#include "core/row_validator.h"
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

// How `rejects retry` validates a rate-missing reject again: the rounding and rate-age limit of
// an ingest (the fields are stored in canonical form, so no dialect setting applies).
struct RetryOptions {
  RoundingMode rounding = RoundingMode::kHalfEven;
  RateAgeLimit rate_age;
};

// What `rejects retry` did to one loaded file that holds rate-missing rejects.
struct RetriedFile {
  std::string source;
  std::uint64_t settled = 0;        // moved from billing_rejects into billing_data
  std::uint64_t still_missing = 0;  // their rate is still missing (or too old): kept
  // Validated now, but the file already stores their id: kept as `duplicate id` rejects.
  std::uint64_t duplicates = 0;
  Decimal usd_before{0, 2};  // billing_files.usd_total before and after
  Decimal usd_after{0, 2};
};

// Which loaded rows `reconvert` recomputes: all, or those of one currency and/or a bill_date
// range (inclusive). `dry_run`: compute and report, change nothing, record nothing.
struct ReconvertRequest {
  std::optional<std::string> currency;  // upper-case ISO 4217
  std::optional<CivilDate> from;
  std::optional<CivilDate> to;
  bool dry_run = false;
  RetryOptions conversion;  // rounding and rate-age limit, as an ingest applies them
};

// What reconvert changed (or, dry, would change) in one file.
struct ReconvertedFile {
  std::string source;
  std::uint64_t rows_changed = 0;       // rows whose fx_rate, rate date/source or USD changed
  std::uint64_t rows_without_rate = 0;  // matched, but no usable rate now: left as they are
  Decimal old_usd{0, 2};                // bill_amount_usd of the changed rows before and after
  Decimal new_usd{0, 2};
  Decimal usd_before{0, 2};  // billing_files.usd_total before and after
  Decimal usd_after{0, 2};
};

// One reconvert run, as recorded in fx_reconversions (unless dry).
struct ReconvertRun {
  std::vector<ReconvertedFile> files;  // files with a changed row, by file_id
  std::uint64_t rows_changed = 0;
  std::uint64_t rows_without_rate = 0;
  Decimal old_usd{0, 2};
  Decimal new_usd{0, 2};
};

// A row of fx_reconversions.
struct StoredReconversion {
  std::int64_t run_id = 0;
  std::string run_at;
  std::string currency;   // "" = every currency
  std::string from_date;  // "" = no bound
  std::string to_date;
  std::uint64_t files = 0;
  std::uint64_t rows_changed = 0;
  std::string old_usd_total;
  std::string new_usd_total;
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
  // The fx_rates of one currency (upper-case ISO 4217) in `window`: those with valid_from in
  // [window.first, window.last] and the latest one before window.first, by valid_from, read
  // in pages as LoadRates is (in one statement per page, on the primary key); empty when it
  // has none. What an ingest reads on its first lookup of the currency in a year.
  [[nodiscard]] virtual Result<std::vector<FxRate>> LoadCurrencyRates(const std::string& currency,
                                                                      const RateWindow& window) = 0;
  // Whether fx_rates holds any rate: one query that reads at most one row.
  [[nodiscard]] virtual Result<bool> HasRates() = 0;
  // Upserts rates by (currency, valid_from).
  [[nodiscard]] virtual Status SaveRates(const std::vector<FxRate>& rates) = 0;
  // Validates every rate-missing reject (billing_rejects.retry_fields set) of every loaded
  // file again against `rates`; per file in ONE transaction, under the lock an ingest of that
  // source takes, those that now validate move into billing_data (fx_rate, fx_rate_date,
  // fx_rate_source set) and the file's rows_loaded, rows_rejected and usd_total change by
  // exactly what moved. Every other reject stays as it is; a second call with the same rates
  // changes nothing. Returns one entry per file that holds rate-missing rejects, by file_id.
  [[nodiscard]] virtual Result<std::vector<RetriedFile>> RetryRejects(
      const FxRateTable& rates, const RetryOptions& options) = 0;
  // Recomputes fx_rate, fx_rate_date, fx_rate_source and bill_amount_usd of the loaded rows
  // `request` selects from `rates` (the rate choice and age limit of an ingest): per file in
  // ONE transaction under the file's ingest lock, rows whose values change are updated and the
  // file's usd_total moves by exactly their difference. A row without a usable rate now keeps
  // its values. Unless dry, the run is recorded in fx_reconversions (when, the filter, files,
  // rows, old and new totals of the changed rows), even when nothing changed.
  [[nodiscard]] virtual Result<ReconvertRun> Reconvert(const FxRateTable& rates,
                                                       const ReconvertRequest& request) = 0;
  // fx_reconversions, oldest first.
  [[nodiscard]] virtual Result<std::vector<StoredReconversion>> Reconversions() = 0;
  // How many loaded rows converted with the rate of (`currency`, `valid_from`).
  [[nodiscard]] virtual Result<std::uint64_t> RowsUsingRate(const std::string& currency,
                                                            CivilDate valid_from) = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_DATABASE_H_
