#include "cli/ingest_settings.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

namespace billflow {
namespace {

// Parses `args` (after the program name) as a command with the ingestion flags.
Config Parse(std::vector<std::string> args) {
  Config config;
  CLI::App app;
  AddIngestFlags(&app, &config);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector form last-first
  app.parse(args);
  return config;
}

TEST(IngestSettingsTest, FlagsBecomeTheOptionsOfEveryFrontDoor) {
  const Config config =
      Parse({"--max-rejects", "3", "--rounding", "half-up", "--max-record-bytes", "4096",
             "--max-inflated-bytes", "1000", "--retry-window-seconds", "7"});
  const Result<IngestSettings> settings = MakeIngestSettings(config);
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->ingest.max_rejects, std::optional<std::uint64_t>(3));
  EXPECT_EQ(settings->ingest.validator.rounding, RoundingMode::kHalfUp);
  EXPECT_EQ(settings->ingest.csv.max_record_bytes, 4096u);
  EXPECT_EQ(settings->gzip.max_inflated_bytes, 1000u);
  EXPECT_EQ(settings->retry.window, std::chrono::seconds(7));
}

TEST(IngestSettingsTest, DefaultsRideThroughAFailover) {
  const Result<IngestSettings> settings = MakeIngestSettings(Parse({}));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->retry.window, std::chrono::seconds(60));
  EXPECT_EQ(settings->ingest.max_rejects, std::nullopt);
  EXPECT_EQ(settings->ingest.validator.rounding, RoundingMode::kHalfEven);
  EXPECT_EQ(settings->gzip.max_inflated_bytes, std::uint64_t{20} << 30);
}

TEST(IngestSettingsTest, EnvironmentConfiguresWhatHasNoFlag) {
  ::setenv("BILLFLOW_RETRY_WINDOW_SECONDS", "90", 1);
  ::setenv("BILLFLOW_MAX_REJECTS", "5", 1);
  const Config from_env = Parse({});
  const Config flag_wins = Parse({"--retry-window-seconds", "2"});
  ::unsetenv("BILLFLOW_RETRY_WINDOW_SECONDS");
  ::unsetenv("BILLFLOW_MAX_REJECTS");
  EXPECT_EQ(from_env.retry_window_seconds, 90u);
  EXPECT_EQ(from_env.max_rejects, std::optional<std::uint64_t>(5));
  EXPECT_EQ(flag_wins.retry_window_seconds, 2u);
}

// Regression: with ingest, watch and lambda declared on one Config, the environment of the
// subcommands not given overwrote the given one's flags.
TEST(IngestSettingsTest, FlagWinsOverTheEnvironmentWhenSubcommandsShareTheConfig) {
  Config config;
  CLI::App app;
  for (const char* name : {"ingest", "watch", "lambda"}) {
    AddIngestFlags(app.add_subcommand(name), &config);
  }
  ::setenv("BILLFLOW_MAX_REJECTS", "5", 1);
  ::setenv("BILLFLOW_PROFILE", "from-env", 1);
  app.parse(std::vector<std::string>{"other", "--profile", "0", "--max-rejects", "ingest"});
  ::unsetenv("BILLFLOW_MAX_REJECTS");
  ::unsetenv("BILLFLOW_PROFILE");
  EXPECT_EQ(config.max_rejects, std::optional<std::uint64_t>(0));
  EXPECT_EQ(config.profile, "other");
}

TEST(IngestSettingsTest, EnvironmentReachesTheSubcommandGiven) {
  Config config;
  CLI::App app;
  for (const char* name : {"ingest", "watch", "lambda"}) {
    AddIngestFlags(app.add_subcommand(name), &config);
  }
  ::setenv("BILLFLOW_MAX_REJECTS", "5", 1);
  app.parse(std::vector<std::string>{"lambda"});
  ::unsetenv("BILLFLOW_MAX_REJECTS");
  EXPECT_EQ(config.max_rejects, std::optional<std::uint64_t>(5));
}

TEST(IngestSettingsTest, ProfileIsForcedFromTheEnvironmentAndTheFlagWins) {
  ::setenv("BILLFLOW_PROFILE", "acme-de", 1);
  const Config from_env = Parse({});
  const Config flag_wins = Parse({"--profile", "other"});
  ::unsetenv("BILLFLOW_PROFILE");
  EXPECT_EQ(from_env.profile, "acme-de");
  EXPECT_EQ(flag_wins.profile, "other");
  // Forced without a profiles file: the same usage error as --profile.
  const Result<IngestSettings> settings = MakeIngestSettings(from_env);
  ASSERT_FALSE(settings);
  EXPECT_EQ(settings.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(settings.error().message,
            "--profile acme-de: no such profile (no --profiles file given)");
}

TEST(IngestSettingsTest, UnknownRoundingIsAUsageError) {
  Config config;
  CLI::App app;
  AddIngestFlags(&app, &config);
  try {
    app.parse(std::vector<std::string>{"bankers", "--rounding"});
    FAIL() << "parsed";
  } catch (const CLI::ValidationError& e) {
    EXPECT_EQ(app.exit(e), static_cast<int>(CLI::ExitCodes::ValidationError));
    EXPECT_EQ(std::string(e.what()), "--rounding: bankers not in {half-even,half-up}");
  }
}

}  // namespace
}  // namespace billflow
