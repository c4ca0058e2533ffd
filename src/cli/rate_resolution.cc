#include "cli/rate_resolution.h"

#include "cli/setting_file.h"

namespace billflow {

namespace {

constexpr std::size_t kMaxRatesBytes = 64 << 20;  // --rates from S3

}  // namespace

Result<FxRateTable> ResolveRates(const Config& config, Database* db,
                                 const std::shared_ptr<CurrencyRateReads>& reads) {
  if (!config.rates.empty()) {
    auto text = ReadSettingFile(config, "--rates", config.rates, kMaxRatesBytes);
    if (!text) return tl::unexpected(text.error());
    auto table = FxRateTable::ParseCsv(*text, config.rates);
    if (!table) return Fail(ErrorCode::kInvalidArgument, table.error().message);
    if (db != nullptr) BILLFLOW_TRY(db->SaveRates(table->Entries()));
    return table;
  }
  if (db == nullptr) return FxRateTable::Default();
  auto any_stored = db->HasRates();
  if (!any_stored) return tl::unexpected(any_stored.error());
  if (!*any_stored) {
    FxRateTable table = FxRateTable::Default();
    BILLFLOW_TRY(db->SaveRates(table.Entries()));
    return table;
  }
  if (reads != nullptr) {
    // USD needs no load: the table converts it at 1 on every date.
    BILLFLOW_TRY(reads->Open());
    return FxRateTable::LoadingEach([reads](std::string_view currency, const RateWindow& window) {
      return reads->Load(currency, window);
    });
  }
  auto stored = db->LoadRates();
  if (!stored) return tl::unexpected(stored.error());
  FxRateTable table;
  for (const FxRate& rate : *stored) {
    if (auto added = table.Add(rate); !added) {
      return Fail(ErrorCode::kInvalidData, "fx_rates table: " + added.error().message);
    }
  }
  if (!table.Knows("USD"))
    (void)table.Add({"USD", CivilDate{1970, 1, 1}, Decimal(1, 0), "default"});
  return table;
}

Result<FxRateTable> StoredRates(const Config& config, Database& db) {
  Config stored_only = config;
  stored_only.rates.clear();
  return ResolveRates(stored_only, &db);
}

}  // namespace billflow
