// billflow rates import --ecb FILE | rates show [--currency C]
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/commands.h"
#include "cli/open_database.h"
#include "core/currency_code.h"
#include "core/ecb_rates.h"

namespace billflow {
namespace {

int OpenOrReport(const Config& config, const Logger& log, std::unique_ptr<Database>* db) {
  auto opened = OpenDatabase(config);
  if (!opened) {
    log.Error(opened.error().message);
    return opened.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
  }
  *db = std::move(*opened);
  return kExitOk;
}

void PrintRow(const char* currency, const char* valid_from, const char* rate, const char* source,
              const char* count = nullptr) {
  if (count == nullptr) {
    std::printf("%-8s  %-10s  %20s  %s\n", currency, valid_from, rate, source);
  } else {
    std::printf("%-8s  %-10s  %20s  %-10s  %s\n", currency, valid_from, rate, source, count);
  }
}

}  // namespace

int RunRatesImport(const Config& config, const Logger& log) {
  std::ifstream in(config.ecb_file, std::ios::binary);
  if (!in) {
    log.Error("--ecb " + config.ecb_file + ": cannot open");
    return kExitUsage;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ParseEcbHistory(text.str(), config.ecb_file);
  if (!parsed) {
    log.Error(parsed.error().message);
    return kExitFileFailed;
  }
  std::unique_ptr<Database> db;
  if (int code = OpenOrReport(config, log, &db); code != kExitOk) return code;
  auto stored = db->LoadRates();
  if (!stored) {
    log.Error(stored.error().message);
    return kExitFileFailed;
  }
  std::vector<FxRate> rates = std::move(parsed->rates);
  const bool knows_usd = std::any_of(stored->begin(), stored->end(),
                                     [](const FxRate& r) { return r.currency == "USD"; });
  if (!knows_usd) rates.push_back({"USD", CivilDate{1970, 1, 1}, Decimal(1, 0), "default"});
  if (auto saved = db->SaveRates(rates); !saved) {
    log.Error(saved.error().message);
    return kExitFileFailed;
  }
  std::map<std::string, int> currencies;
  for (const FxRate& r : rates) ++currencies[r.currency];
  std::string skipped;
  for (const auto& c : parsed->skipped_currencies) skipped += (skipped.empty() ? "" : " ") + c;
  log.Log(LogLevel::kInfo, "imported ECB reference rates from " + config.ecb_file,
          {{"rates", std::to_string(rates.size())},
           {"currencies", std::to_string(currencies.size())},
           {"first_date", parsed->first_date->ToString()},
           {"last_date", parsed->last_date->ToString()},
           {"dates_without_usd", std::to_string(parsed->dates_without_usd)},
           {"missing_values", std::to_string(parsed->missing_values)},
           {"skipped_currencies", skipped}});
  std::printf("imported %zu rates for %zu currencies (%zu dates, %s to %s) into %s\n", rates.size(),
              currencies.size(), parsed->dates, parsed->first_date->ToString().c_str(),
              parsed->last_date->ToString().c_str(), config.db_url.c_str());
  if (!skipped.empty()) {
    std::printf("skipped columns that are not active ISO 4217 currencies: %s\n", skipped.c_str());
  }
  return kExitOk;
}

int RunRatesShow(const Config& config, const Logger& log) {
  std::string currency;
  if (!config.currency.empty()) {
    char code[3];
    if (!NormalizeCurrencyCode(config.currency, code)) {
      log.Error("--currency " + config.currency + ": expected a three-letter code such as EUR");
      return kExitUsage;
    }
    currency.assign(code, 3);
  }
  std::unique_ptr<Database> db;
  if (int code = OpenOrReport(config, log, &db); code != kExitOk) return code;
  auto stored = db->LoadRates();
  if (!stored) {
    log.Error(stored.error().message);
    return kExitFileFailed;
  }
  if (stored->empty()) {
    log.Warn("no rates stored yet in " + config.db_url + " (ingest stores the default table)");
    return kExitOk;
  }
  if (!currency.empty()) {
    // The history of one currency, newest first.
    std::vector<FxRate> rows;
    for (FxRate& r : *stored) {
      if (r.currency == currency) rows.push_back(std::move(r));
    }
    if (rows.empty()) {
      log.Warn("no rates stored for " + currency);
      return kExitFileFailed;
    }
    std::sort(rows.begin(), rows.end(),
              [](const FxRate& a, const FxRate& b) { return b.valid_from < a.valid_from; });
    PrintRow("currency", "valid_from", "rate_to_usd", "source");
    for (const FxRate& r : rows) {
      PrintRow(r.currency.c_str(), r.valid_from.ToString().c_str(),
               r.rate_to_usd.ToString().c_str(), r.source.c_str());
    }
    return kExitOk;
  }
  // The rate now in force per currency (the latest valid_from), and how many are stored.
  std::map<std::string, std::pair<FxRate, int>> latest;
  for (FxRate& r : *stored) {
    auto [it, inserted] = latest.try_emplace(r.currency, r, 0);
    ++it->second.second;
    if (!inserted && it->second.first.valid_from < r.valid_from) it->second.first = std::move(r);
  }
  PrintRow("currency", "valid_from", "rate_to_usd", "source", "rates stored");
  for (const auto& [code, entry] : latest) {
    const FxRate& r = entry.first;
    PrintRow(code.c_str(), r.valid_from.ToString().c_str(), r.rate_to_usd.ToString().c_str(),
             r.source.c_str(), std::to_string(entry.second).c_str());
  }
  return kExitOk;
}

}  // namespace billflow
