#ifndef BILLFLOW_CLI_CONFIG_H_
#define BILLFLOW_CLI_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/logger.h"
#include "core/decimal.h"
#include "core/group_total.h"

namespace billflow {

// Exit codes of the contract.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFileFailed = 1;
inline constexpr int kExitUsage = 2;

// The dialect flags as given; checked by DialectSettingsFromFlags (dialect_settings.h).
struct DialectFlags {
  std::optional<std::string> encoding;
  std::optional<std::string> delimiter;
  std::optional<std::string> decimal_separator;
  std::optional<std::string> thousands_separator;
  std::vector<std::string> date_formats;  // --date-format, repeatable
  std::optional<std::uint32_t> skip_lines;
  std::vector<std::string> columns;   // --column 'NAME=field'
  std::vector<std::string> defaults;  // --default field=VALUE
};

// Everything the commands need from argv and the environment; main.cc fills it, nothing
// below the CLI reads getenv.
struct Config {
  // common
  std::string db_url = "sqlite:billflow.db";
  std::optional<std::string> db_password;  // BILLFLOW_DB_PASSWORD or --password-file
  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kInfo;
  bool stderr_is_tty = false;
  std::map<std::string, std::string> environment;  // AWS_* and friends, for the aws layer

  // ingest / watch
  std::vector<std::string> paths;
  std::string event_file;  // ingest --event: an S3 or SQS event JSON (as Lambda receives it)
  std::string rates;       // file path; empty = stored fx_rates, else the built-in table
  bool json = false;
  bool dry_run = false;
  bool quiet = false;

  // ingestion settings, shared by ingest, ingest --event, watch and lambda: declared as flags
  // in AddIngestFlags and turned into IngestOptions by MakeIngestSettings (ingest_settings.h)
  std::optional<std::uint64_t> max_rejects;
  RoundingMode rounding = RoundingMode::kHalfEven;
  std::uint64_t max_record_bytes = 1 << 20;
  std::uint64_t max_inflated_bytes = std::uint64_t{20} << 30;  // per .csv.gz input
  std::uint32_t retry_window_seconds = 60;         // a database restart or an Aurora failover
  std::optional<std::uint32_t> max_rate_age_days;  // unset: 7 days for ECB rates, else none

  // file dialect (ingest / watch / lambda): flags > matched profile > detection
  std::string profiles;  // --profiles FILE|s3://bucket/key, or BILLFLOW_PROFILES
  std::string profile;   // --profile NAME, or BILLFLOW_PROFILE: forced for every file
  DialectFlags dialect_flags;

  // report
  GroupBy group_by = GroupBy::kCurrency;
  std::string format = "table";
  std::string out;  // empty = stdout (also for rejects)

  // watch (paths[0] is the inbox)
  std::uint32_t settle_ms = 1000;  // quiet time after a writer closes a file before loading it

  // rates import / fetch / show, rejects
  std::string ecb_file;        // rates import --ecb: CSV, zip or XML as the ECB publishes them
  std::string rates_csv_file;  // rates import --csv: currency,rate_to_usd,valid_from
  std::string ecb_url;   // rates fetch: a feed URL, or a base ending in '/'; empty = the ECB's
  std::string currency;  // rates show: one currency's history; reconvert: only this currency
  std::string rejects_source;  // rejects: one source (path or URI); empty = all
  std::string reconvert_from;  // reconvert --from / --to: bill_date bounds (YYYY-MM-DD)
  std::string reconvert_to;
  bool reconversions = false;  // report --reconversions: the fx_reconversions runs
};

}  // namespace billflow

#endif  // BILLFLOW_CLI_CONFIG_H_
