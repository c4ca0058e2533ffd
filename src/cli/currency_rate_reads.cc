#include "cli/currency_rate_reads.h"

namespace billflow {

Status CurrencyRateReads::Open() {
  if (db_ != nullptr) return Ok();
  auto opened = connect_();
  if (!opened) return tl::unexpected(opened.error());
  db_ = std::move(*opened);
  opened_ = true;
  return Ok();
}

Result<std::vector<FxRate>> CurrencyRateReads::Load(std::string_view upper_currency,
                                                    const RateWindow& window) {
  const std::string currency(upper_currency);
  if (db_ == nullptr) {
    return Fail(ErrorCode::kUnavailable,
                "reading the rates of " + currency + ": the connection for rate reads was lost");
  }
  auto rates = db_->LoadCurrencyRates(currency, window);
  // Reconnecting here could wait on the loading connection's own transaction: Open() does it.
  if (!rates) db_.reset();
  return rates;
}

DatabaseFactory ReopeningRateReads(DatabaseFactory connect,
                                   std::shared_ptr<CurrencyRateReads> reads) {
  if (reads == nullptr) return connect;
  return [connect = std::move(connect),
          reads = std::move(reads)]() -> Result<std::unique_ptr<Database>> {
    BILLFLOW_TRY(reads->Reopen());
    return connect();
  };
}

}  // namespace billflow
