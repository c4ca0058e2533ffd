#ifndef BILLFLOW_CLI_CURRENCY_RATE_READS_H_
#define BILLFLOW_CLI_CURRENCY_RATE_READS_H_

#include <memory>
#include <string_view>
#include <vector>

#include "core/fx_rate_table.h"
#include "core/result.h"
#include "pipeline/retrying_ingest.h"
#include "sinks/database.h"

namespace billflow {

// The stored rates of one currency and window at a time, for an ingest's table that reads a
// currency's year on its first lookup in it (FxRateTable::LoadingEach). They are read through a
// connection of their own: a lookup runs on the thread that validates rows while the loading
// connection may be in the middle of a bulk write (PostgreSQL's COPY, MySQL's LOAD DATA, a Data API
// BatchExecute) on another thread, and outside the file's transaction.
//
// Open() and Reopen() must run while the loading connection holds no transaction (opening
// runs the schema check, which could wait for that transaction's locks): before the first file
// and whenever the loading connection is opened again. A failed Load drops the connection;
// the next Reopen() makes a new one. Load() is for one thread at a time.
class CurrencyRateReads {
 public:
  explicit CurrencyRateReads(DatabaseFactory connect) : connect_(std::move(connect)) {}

  // Opens the connection, unless one is open already.
  [[nodiscard]] Status Open();
  // Opens it again if it was open once and a failed load dropped it.
  [[nodiscard]] Status Reopen() { return opened_ ? Open() : Ok(); }
  // The stored rates of `upper_currency` in `window` (Database::LoadCurrencyRates), oldest
  // first. Without an open connection (a load failed since the last Open) it fails with
  // kUnavailable, which retries the file.
  [[nodiscard]] Result<std::vector<FxRate>> Load(std::string_view upper_currency,
                                                 const RateWindow& window);

 private:
  DatabaseFactory connect_;
  std::unique_ptr<Database> db_;
  bool opened_ = false;  // Open() succeeded once
};

// `connect`, which first reopens `reads` (when not null): the factory a retry loop makes its
// new loading connection with (IngestWithRetry), when no transaction is open.
[[nodiscard]] DatabaseFactory ReopeningRateReads(DatabaseFactory connect,
                                                 std::shared_ptr<CurrencyRateReads> reads);

}  // namespace billflow

#endif  // BILLFLOW_CLI_CURRENCY_RATE_READS_H_
