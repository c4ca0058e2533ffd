#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

#include "aws/lambda_runtime.h"
#include "cli/aws_context.h"
#include "cli/commands.h"
#include "cli/ecb_rates_fetch.h"
#include "cli/ingest_settings.h"
#include "cli/open_database.h"
#include "cli/rate_resolution.h"
#include "cli/rejects_retry.h"
#include "lambda/lambda_handler.h"

namespace billflow {
namespace {

// What the handler needs besides the event: one database connection (reused between
// invocations; none for a dry run), the rate table and the S3 client.
struct HandlerSetup {
  AwsContext aws;
  const Logger& logger;
  DatabaseFactory connect;
  std::shared_ptr<CurrencyRateReads> rate_reads;  // for the rates of the files it loads
  std::unique_ptr<FxRateTable> rates;
  S3Client* s3 = nullptr;

  HandlerSetup(const Config& config, const Logger& log) : aws(config), logger(log) {}

  Status Init(const Config& config) {
    std::unique_ptr<Database> db;
    if (!config.dry_run) {
      auto factory = MakeDatabaseFactory(config);
      if (!factory) return tl::unexpected(factory.error());
      connect = std::move(*factory);
      auto opened = connect();
      if (!opened) return tl::unexpected(opened.error());
      db = std::move(*opened);
      rate_reads = std::make_shared<CurrencyRateReads>(connect);
    }
    auto table = ResolveRates(config, db.get(), rate_reads);
    if (!table) return tl::unexpected(table.error());
    rates = std::make_unique<FxRateTable>(std::move(*table));
    auto client = aws.S3();
    if (!client) return tl::unexpected(client.error());
    s3 = *client;
    return Ok();
  }

  Result<LambdaHandlerConfig> HandlerConfig(const Config& config,
                                            std::function<void(const std::string&)> log) {
    auto settings = MakeIngestSettings(config);
    if (!settings) return tl::unexpected(settings.error());
    LambdaHandlerConfig handler;
    handler.ingest = std::move(settings->ingest);
    handler.retry = std::move(settings->retry);
    handler.gzip_limits = settings->gzip;
    handler.dry_run = config.dry_run;
    handler.connect = ReopeningRateReads(connect, rate_reads);
    handler.clock = SystemClock();
    handler.log = std::move(log);
    if (auto name = config.environment.find("AWS_LAMBDA_FUNCTION_NAME");
        name != config.environment.end() && !name->second.empty()) {
      handler.function_name = name->second;
    }
    handler.fetch_rates = [this, &config](Database& db) { return FetchRates(config, db); };
    return handler;
  }

  // A scheduled event's work: the same fetch as `billflow rates fetch`.
  Result<RatesFetchReport> FetchRates(const Config& config, Database& db) {
    auto fetched = FetchEcbRates(config, db);
    if (!fetched) return tl::unexpected(fetched.error());
    // Rate-missing rejects that the new rates settle move into billing_data, as after
    // `billflow rates fetch`.
    auto retried = RetryRateMissingRejects(config, logger, db, RetryOutput::kLogOnly);
    if (!retried) return tl::unexpected(retried.error());
    // The files this warm process loads next convert at the new rates.
    auto table = ResolveRates(config, &db, rate_reads);
    if (!table) return tl::unexpected(table.error());
    *rates = std::move(*table);
    const RateImportPlan& plan = fetched->stored.plan;
    return RatesFetchReport{fetched->imported.origin, fetched->imported.rates.size(),
                            plan.dates_added,         plan.rates_added,
                            plan.rates_changed,       fetched->stored.gaps.size(),
                            SettledCount(*retried)};
  }
};

// SIGTERM/SIGINT under `billflow lambda`. While the loop waits in /next nothing is in progress,
// so the process exits at once (a blocked long poll would otherwise hold it until Lambda kills
// it); during an invocation the file in progress is rolled back and the loop ends after it.
std::atomic<bool> g_waiting_for_invocation{false};
std::atomic<bool> g_lambda_stop{false};

void OnLambdaSignal(int) {
  if (g_waiting_for_invocation.load()) {
    constexpr char kLine[] =
        "{\"level\":\"info\",\"message\":\"stop signal while waiting for an invocation; "
        "exiting\"}\n";
    (void)!::write(STDERR_FILENO, kLine, sizeof kLine - 1);
    ::_exit(kExitOk);
  }
  g_lambda_stop.store(true);
}

void InstallLambdaSignals() {
  struct sigaction action {};
  action.sa_handler = OnLambdaSignal;
  ::sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
}

int ExitFor(const Error& error) {
  return error.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFileFailed;
}

}  // namespace

int RunEvent(const Config& config, const Logger& log) {
  std::ifstream in(config.event_file, std::ios::binary);
  if (!in) {
    log.Error("--event " + config.event_file + ": cannot open");
    return kExitUsage;
  }
  std::stringstream payload;
  payload << in.rdbuf();
  HandlerSetup setup(config, log);
  if (auto ok = setup.Init(config); !ok) {
    log.Error(ok.error().message);
    return ExitFor(ok.error());
  }
  auto handler_config = setup.HandlerConfig(
      config, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
  if (!handler_config) {
    log.Error(handler_config.error().message);
    return ExitFor(handler_config.error());
  }
  LambdaHandler handler(std::move(*handler_config), setup.s3, setup.rates.get());
  auto outcome = handler.ProcessEvent(payload.str(), std::nullopt);
  if (!outcome) {
    log.Error(config.event_file + ": " + outcome.error().message);
    return kExitUsage;
  }
  std::fwrite(outcome->response_json.data(), 1, outcome->response_json.size(), stdout);
  std::fputc('\n', stdout);
  return outcome->run.failed_files() > 0 ? kExitFileFailed : kExitOk;
}

int RunLambda(const Config& config, const Logger& log) {
  const auto api = config.environment.find("AWS_LAMBDA_RUNTIME_API");
  if (api == config.environment.end() || api->second.empty()) {
    log.Error("billflow lambda runs inside AWS Lambda: AWS_LAMBDA_RUNTIME_API is not set");
    return kExitUsage;
  }
  AwsContext aws(config);
  CurlHttpOptions runtime_http_options;
  runtime_http_options.stall_timeout = std::chrono::hours(24);  // /next long-polls
  CurlHttpClient runtime_http(runtime_http_options);
  LambdaRuntimeOptions runtime_options;
  runtime_options.runtime_api = api->second;
  runtime_options.should_stop = [] { return g_lambda_stop.load(); };
  runtime_options.on_waiting = [](bool waiting) { g_waiting_for_invocation.store(waiting); };
  InstallLambdaSignals();
  LambdaRuntime runtime(&runtime_http, runtime_options);

  // Configuration that needs no network is checked before the first /next; the database
  // connection and the rates are set up on the first invocation, so a cold start asks for
  // work at once and a database that is still resuming fails (and is retried) per event.
  if (auto db = MakeDatabaseFactory(config); !db) {
    log.Error(db.error().message);
    (void)runtime.PostInitError(db.error());
    return ExitFor(db.error());
  }
  if (auto aws_config = aws.Aws(); !aws_config) {
    log.Error(aws_config.error().message);
    (void)runtime.PostInitError(aws_config.error());
    return ExitFor(aws_config.error());
  }
  HandlerSetup setup(config, log);
  std::unique_ptr<LambdaHandler> handler;
  auto ran = runtime.Run([&](const Invocation& invocation) -> Result<std::string> {
    if (!handler) {
      BILLFLOW_TRY(setup.Init(config));
      // Lambda sends stdout to CloudWatch: JSON log lines and the EMF metrics line go there.
      auto handler_config = setup.HandlerConfig(config, [](const std::string& line) {
        std::fprintf(stdout, "%s\n", line.c_str());
        std::fflush(stdout);
      });
      if (!handler_config) return tl::unexpected(handler_config.error());
      handler_config->ingest.should_stop = [] { return g_lambda_stop.load(); };
      handler_config->retry.should_stop = [] { return g_lambda_stop.load(); };
      handler_config->retry.sleep = SleepUnlessStopped(g_lambda_stop);
      handler =
          std::make_unique<LambdaHandler>(std::move(*handler_config), setup.s3, setup.rates.get());
    }
    return handler->Handle(invocation);
  });
  if (!ran) {
    log.Error("runtime API: " + ran.error().message);
    return kExitFileFailed;
  }
  if (g_lambda_stop.load()) log.Info("stopped by signal after the invocation in progress");
  return kExitOk;
}

}  // namespace billflow
