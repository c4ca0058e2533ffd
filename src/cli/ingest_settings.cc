#include "cli/ingest_settings.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <thread>

#include "cli/dialect_chooser.h"

namespace billflow {

void AddDialectFlags(CLI::App* command, Config* config) {
  // ingest, watch, lambda and sniff bind the same Config fields. CLI11 reads the environment
  // into every subcommand that has no parse-complete callback, parsed or not, and runs their
  // callbacks after the parsed one's: BILLFLOW_MAX_REJECTS=5 would beat `ingest
  // --max-rejects 0`. With a callback, a subcommand reads its environment only when it is the
  // one given, so a flag wins over the environment as documented.
  command->parse_complete_callback([] {});
  command
      ->add_option("--profiles", config->profiles,
                   "TOML file (or s3://bucket/key) of [profile.NAME] dialects")
      ->envname("BILLFLOW_PROFILES");
  command
      ->add_option("--profile", config->profile,
                   "use this profile of --profiles for every file (a Lambda whose queue carries "
                   "one source)")
      ->envname("BILLFLOW_PROFILE");
  DialectFlags& flags = config->dialect_flags;
  command->add_option("--encoding", flags.encoding,
                      "utf-8, utf-16, utf-16le, utf-16be, windows-1252, iso-8859-1, …");
  command->add_option("--delimiter", flags.delimiter, "\",\" \";\" \"\\t\" \"|\" or auto");
  command->add_option("--decimal-separator", flags.decimal_separator, "\".\" or \",\"");
  command->add_option("--thousands-separator", flags.thousands_separator,
                      "\".\" \",\" \"'\" \" \" U+00A0 U+202F or none");
  command
      ->add_option("--date-format", flags.date_formats,
                   "bill_date pattern (%Y %m %d %b), tried in order; repeatable")
      ->allow_extra_args(false);
  command->add_option("--skip-lines", flags.skip_lines, "title lines before the header");
  command->add_option("--column", flags.columns, "'HEADER NAME=field' (repeatable)")
      ->allow_extra_args(false);
  command
      ->add_option("--default", flags.defaults,
                   "field=VALUE for a field the file lacks (repeatable)")
      ->allow_extra_args(false);
}

void AddConversionFlags(CLI::App* command, Config* config) {
  command
      ->add_option_function<std::string>(
          "--rounding",
          [config](const std::string& mode) {
            config->rounding = mode == "half-up" ? RoundingMode::kHalfUp : RoundingMode::kHalfEven;
          },
          "rounding of USD cents: half-even or half-up")
      ->check(CLI::IsMember({"half-even", "half-up"}))
      ->envname("BILLFLOW_ROUNDING")
      ->default_str("half-even");
  command
      ->add_option("--max-rate-age-days", config->max_rate_age_days,
                   "reject a row whose rate (the latest on or before its bill_date) is older "
                   "than this, whatever its source; default: 7 days for ECB rates, no limit for "
                   "others")
      ->envname("BILLFLOW_MAX_RATE_AGE_DAYS");
}

void AddIngestFlags(CLI::App* command, Config* config) {
  AddDialectFlags(command, config);
  AddConversionFlags(command, config);
  command
      ->add_option("--max-rejects", config->max_rejects,
                   "fail (and roll back) a file with more rejected rows than this")
      ->envname("BILLFLOW_MAX_REJECTS");
  command
      ->add_option("--max-record-bytes", config->max_record_bytes,
                   "longest accepted CSV record; longer ones are rejected")
      ->envname("BILLFLOW_MAX_RECORD_BYTES")
      ->capture_default_str();
  command
      ->add_option("--max-inflated-bytes", config->max_inflated_bytes,
                   "refuse a .csv.gz that decompresses to more than this (or to more than "
                   "1000x its size)")
      ->envname("BILLFLOW_MAX_INFLATED_BYTES")
      ->capture_default_str();
  command
      ->add_option("--retry-window-seconds", config->retry_window_seconds,
                   "keep retrying a file this long while the database is unreachable "
                   "(a restart, an Aurora failover); 0 = one attempt")
      ->envname("BILLFLOW_RETRY_WINDOW_SECONDS")
      ->capture_default_str();
}

std::function<void(std::chrono::milliseconds)> SleepUnlessStopped(const std::atomic<bool>& stop) {
  return [&stop](std::chrono::milliseconds wait) {
    constexpr std::chrono::milliseconds kSlice{50};  // how long a stop request can go unseen
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!stop.load()) {
      const auto left = until - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) return;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kSlice));
    }
  };
}

RetryOptions MakeRetryOptions(const Config& config) {
  RetryOptions options;
  options.rounding = config.rounding;
  options.rate_age.all_sources_days = config.max_rate_age_days;
  return options;
}

Result<IngestSettings> MakeIngestSettings(const Config& config) {
  IngestSettings settings;
  settings.ingest.csv.max_record_bytes = config.max_record_bytes;
  const RetryOptions conversion = MakeRetryOptions(config);
  settings.ingest.validator.rounding = conversion.rounding;
  settings.ingest.validator.rate_age = conversion.rate_age;
  settings.ingest.max_rejects = config.max_rejects;
  settings.retry.window = std::chrono::seconds(config.retry_window_seconds);
  settings.gzip.max_inflated_bytes = config.max_inflated_bytes;
  auto dialect_for = MakeDialectChooser(config);
  if (!dialect_for) return tl::unexpected(dialect_for.error());
  settings.ingest.dialect_for = std::move(*dialect_for);
  return settings;
}

}  // namespace billflow
