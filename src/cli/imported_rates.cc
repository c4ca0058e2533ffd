#include "cli/imported_rates.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace billflow {
namespace {

// At most this many changed rates and gap dates are listed one by one.
constexpr std::size_t kListed = 20;

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string DateSpan(const std::vector<FxRate>& rates, std::size_t* dates) {
  std::set<CivilDate> days;
  for (const FxRate& r : rates) days.insert(r.valid_from);
  *dates = days.size();
  if (days.empty()) return "no dates";
  return days.begin()->ToString() + " to " + days.rbegin()->ToString();
}

}  // namespace

ImportedRates ImportedFromEcb(EcbDocument document, std::string origin) {
  ImportedRates out;
  out.rates = std::move(document.rates.rates);
  out.origin = std::move(origin);
  out.layout = std::string(EcbLayoutName(document.layout));
  if (!document.member.empty()) out.layout += " (" + document.member + ")";
  out.from_ecb = true;
  out.skipped_currencies = std::move(document.rates.skipped_currencies);
  return out;
}

Result<ImportedRates> ImportedFromRatesCsv(std::string_view text, std::string origin) {
  auto table = FxRateTable::ParseCsv(text, origin);
  if (!table) return tl::unexpected(table.error());
  ImportedRates out;
  // ParseCsv supplies USD 1 for files that do not rate USD; that is no rate of this file.
  for (FxRate& rate : table->Entries()) {
    if (rate.source != origin) continue;
    out.rates.push_back(std::move(rate));
  }
  out.origin = std::move(origin);
  out.layout = "rates CSV";
  return out;
}

Result<RatesStored> SaveImportedRates(Database& db, const std::vector<FxRate>& stored,
                                      const ImportedRates& imported) {
  RatesStored result;
  result.plan = PlanRateImport(stored, imported.rates);
  RateImportPlan& plan = result.plan;
  const auto is_usd = [](const FxRate& r) { return r.currency == "USD"; };
  if (std::none_of(stored.begin(), stored.end(), is_usd) &&
      std::none_of(imported.rates.begin(), imported.rates.end(), is_usd)) {
    plan.to_save.push_back({"USD", CivilDate{1970, 1, 1}, Decimal(1, 0), "default"});
  }
  if (!plan.to_save.empty()) BILLFLOW_TRY(db.SaveRates(plan.to_save));
  if (imported.from_ecb) result.gaps = EcbGapsAfterImport(stored, imported.rates);
  return result;
}

int StoreImportedRates(const Config& config, const Logger& log, Database& db,
                       const std::vector<FxRate>& stored, const ImportedRates& imported) {
  auto result = SaveImportedRates(db, stored, imported);
  if (!result) {
    log.Error(result.error().message);
    return kExitFileFailed;
  }
  PrintImportedRates(config, log, imported, *result);
  // A changed rate never changes the rows converted with it: say how many there are.
  const std::vector<RateChange>& changes = result->plan.changes;
  for (std::size_t i = 0; i < changes.size() && i < kListed; ++i) {
    const RateChange& c = changes[i];
    auto used = db.RowsUsingRate(c.currency, c.valid_from);
    if (!used) {
      log.Error(used.error().message);
      return kExitFileFailed;
    }
    if (*used == 0) continue;
    std::printf(
        "changed: %s %s was used by %llu loaded rows, which keep the old rate (billflow "
        "reconvert --currency %s --from %s applies the new one)\n",
        c.currency.c_str(), c.valid_from.ToString().c_str(), static_cast<unsigned long long>(*used),
        c.currency.c_str(), c.valid_from.ToString().c_str());
  }
  return kExitOk;
}

void PrintImportedRates(const Config& config, const Logger& log, const ImportedRates& imported,
                        const RatesStored& result) {
  const RateImportPlan& plan = result.plan;
  const std::vector<CivilDate>& gaps = result.gaps;
  std::set<std::string> currencies;
  for (const FxRate& r : imported.rates) currencies.insert(r.currency);
  std::size_t dates = 0;
  const std::string span = DateSpan(imported.rates, &dates);
  std::printf("read %zu rates for %zu currencies (%zu dates, %s) from %s (%s)\n",
              imported.rates.size(), currencies.size(), dates, span.c_str(),
              imported.origin.c_str(), imported.layout.c_str());
  if (!imported.skipped_currencies.empty()) {
    std::printf("skipped columns that are not active ISO 4217 currencies: %s\n",
                Joined(imported.skipped_currencies).c_str());
  }
  std::printf("%s: %zu dates added, %zu rates added, %zu changed, %zu relabelled, %zu unchanged\n",
              config.db_url.c_str(), plan.dates_added, plan.rates_added, plan.rates_changed,
              plan.rates_relabelled, plan.rates_unchanged);
  for (std::size_t i = 0; i < plan.changes.size() && i < kListed; ++i) {
    const RateChange& c = plan.changes[i];
    std::printf("changed: %s %s %s (%s) -> %s (%s)\n", c.currency.c_str(),
                c.valid_from.ToString().c_str(), c.old_rate.ToString().c_str(),
                c.old_source.c_str(), c.new_rate.ToString().c_str(), c.new_source.c_str());
  }
  if (plan.changes.size() > kListed) {
    std::printf("changed: … and %zu more\n", plan.changes.size() - kListed);
  }
  if (imported.from_ecb) {
    if (gaps.empty()) {
      std::printf("gaps: none (no TARGET working day without ECB rates)\n");
    } else {
      std::vector<std::string> listed;
      for (std::size_t i = 0; i < gaps.size() && i < kListed; ++i) {
        listed.push_back(gaps[i].ToString());
      }
      if (gaps.size() > kListed)
        listed.push_back("… and " + std::to_string(gaps.size() - kListed) + " more");
      std::printf("gaps: %zu TARGET working days without ECB rates: %s\n", gaps.size(),
                  Joined(listed).c_str());
    }
  }
  log.Log(LogLevel::kInfo, "imported rates from " + imported.origin,
          {{"layout", imported.layout},
           {"rates_read", std::to_string(imported.rates.size())},
           {"dates_added", std::to_string(plan.dates_added)},
           {"rates_added", std::to_string(plan.rates_added)},
           {"rates_changed", std::to_string(plan.rates_changed)},
           {"rates_relabelled", std::to_string(plan.rates_relabelled)},
           {"rates_unchanged", std::to_string(plan.rates_unchanged)},
           {"gaps", std::to_string(gaps.size())},
           {"skipped_currencies", Joined(imported.skipped_currencies)}});
}

}  // namespace billflow
