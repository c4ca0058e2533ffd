#include "cli/rate_resolution.h"

#include <fstream>
#include <sstream>

namespace billflow {

Result<FxRateTable> ResolveRates(const Config& config, Database* db) {
  if (!config.rates.empty()) {
    std::ifstream in(config.rates, std::ios::binary);
    if (!in) return Fail(ErrorCode::kInvalidArgument, "--rates " + config.rates + ": cannot open");
    std::stringstream text;
    text << in.rdbuf();
    auto table = FxRateTable::ParseCsv(text.str(), config.rates);
    if (!table) return Fail(ErrorCode::kInvalidArgument, table.error().message);
    if (db != nullptr) BILLFLOW_TRY(db->SaveRates(table->Entries()));
    return table;
  }
  if (db == nullptr) return FxRateTable::Default();
  auto stored = db->LoadRates();
  if (!stored) return tl::unexpected(stored.error());
  if (stored->empty()) {
    FxRateTable table = FxRateTable::Default();
    BILLFLOW_TRY(db->SaveRates(table.Entries()));
    return table;
  }
  FxRateTable table;
  for (FxRate& rate : *stored) {
    if (auto added = table.Add(std::move(rate)); !added) {
      return Fail(ErrorCode::kInvalidData, "fx_rates table: " + added.error().message);
    }
  }
  if (!table.Knows("USD")) (void)table.Add({"USD", CivilDate{1970, 1, 1}, Decimal(1, 0), "default"});
  return table;
}

}  // namespace billflow
