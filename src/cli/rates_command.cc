// billflow rates import --ecb FILE|ZIP|XML · --csv FILE | rates fetch [--ecb-url URL] |
// rates show [--currency C]
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/commands.h"
#include "cli/ecb_rates_fetch.h"
#include "cli/imported_rates.h"
#include "cli/open_database.h"
#include "cli/rejects_retry.h"
#include "core/currency_code.h"
#include "ecb/ecb_document.h"

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

// Opens the database and reads every stored rate; the exit code when either fails.
int OpenWithStoredRates(const Config& config, const Logger& log, std::unique_ptr<Database>* db,
                        std::vector<FxRate>* stored) {
  if (int code = OpenOrReport(config, log, db); code != kExitOk) return code;
  auto rates = (*db)->LoadRates();
  if (!rates) {
    log.Error(rates.error().message);
    return kExitFileFailed;
  }
  *stored = std::move(*rates);
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

// New rates may settle rate-missing rejects: they are retried after every import and fetch.
int RetryAfterRateUpdate(const Config& config, const Logger& log, Database& db) {
  auto retried = RetryRateMissingRejects(config, log, db, RetryOutput::kPrintIfAny);
  if (!retried) {
    log.Error("rates stored, but retrying rate-missing rejects failed: " + retried.error().message +
              "; run billflow rejects retry");
    return kExitFileFailed;
  }
  return kExitOk;
}

}  // namespace

int RunRatesImport(const Config& config, const Logger& log) {
  const bool ecb = !config.ecb_file.empty();
  const std::string& path = ecb ? config.ecb_file : config.rates_csv_file;
  const char* flag = ecb ? "--ecb " : "--csv ";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    log.Error(flag + path + ": cannot open");
    return kExitUsage;
  }
  std::stringstream text;
  text << in.rdbuf();
  Result<ImportedRates> imported = [&]() -> Result<ImportedRates> {
    if (!ecb) return ImportedFromRatesCsv(text.str(), path);
    auto document = ParseEcbDocument(text.str(), path);
    if (!document) return tl::unexpected(document.error());
    return ImportedFromEcb(std::move(*document), path);
  }();
  if (!imported) {
    log.Error(imported.error().message);
    return kExitFileFailed;
  }
  std::unique_ptr<Database> db;
  std::vector<FxRate> stored;
  if (int code = OpenWithStoredRates(config, log, &db, &stored); code != kExitOk) return code;
  if (int code = StoreImportedRates(config, log, *db, stored, *imported); code != kExitOk) {
    return code;
  }
  return RetryAfterRateUpdate(config, log, *db);
}

int RunRatesFetch(const Config& config, const Logger& log) {
  // Checked before the database is opened, so a wrong URL creates no database file.
  if (auto location = EcbFetchLocation(config); !location) {
    log.Error(location.error().message);
    return kExitUsage;
  }
  std::unique_ptr<Database> db;
  if (int code = OpenOrReport(config, log, &db); code != kExitOk) return code;
  auto fetched = FetchEcbRates(config, *db);
  if (!fetched) {
    log.Error(fetched.error().message);
    return kExitFileFailed;
  }
  for (const std::string& url : fetched->urls) std::printf("downloaded %s\n", url.c_str());
  PrintImportedRates(config, log, fetched->imported, fetched->stored);
  return RetryAfterRateUpdate(config, log, *db);
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
  std::vector<FxRate> stored;
  if (int code = OpenWithStoredRates(config, log, &db, &stored); code != kExitOk) return code;
  if (stored.empty()) {
    log.Warn("no rates stored yet in " + config.db_url + " (ingest stores the default table)");
    return kExitOk;
  }
  if (!currency.empty()) {
    // The history of one currency, newest first.
    std::vector<FxRate> rows;
    for (FxRate& r : stored) {
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
  for (FxRate& r : stored) {
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
