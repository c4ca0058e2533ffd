#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

#include "aws/lambda_runtime.h"
#include "cli/aws_context.h"
#include "cli/commands.h"
#include "cli/dialect_chooser.h"
#include "cli/open_database.h"
#include "cli/rate_resolution.h"
#include "lambda/lambda_handler.h"

namespace billflow {
namespace {

// What the handler needs besides the event: one database connection (reused between
// invocations), the rate table and the S3 client.
struct HandlerSetup {
  AwsContext aws;
  DatabaseFactory connect;
  std::unique_ptr<FxRateTable> rates;
  S3Client* s3 = nullptr;
  DialectChooser dialect_for;

  explicit HandlerSetup(const Config& config) : aws(config) {}

  Status Init(const Config& config) {
    auto chooser = MakeDialectChooser(config);  // BILLFLOW_PROFILES
    if (!chooser) return tl::unexpected(chooser.error());
    dialect_for = std::move(*chooser);
    auto factory = MakeDatabaseFactory(config);
    if (!factory) return tl::unexpected(factory.error());
    connect = std::move(*factory);
    auto db = connect();
    if (!db) return tl::unexpected(db.error());
    auto table = ResolveRates(config, db->get());
    if (!table) return tl::unexpected(table.error());
    rates = std::make_unique<FxRateTable>(std::move(*table));
    auto client = aws.S3();
    if (!client) return tl::unexpected(client.error());
    s3 = *client;
    return Ok();
  }

  LambdaHandlerConfig HandlerConfig(const Config& config,
                                    std::function<void(const std::string&)> log) {
    LambdaHandlerConfig handler;
    handler.ingest.csv.max_record_bytes = config.max_record_bytes;
    handler.ingest.validator.rounding = config.rounding;
    handler.ingest.max_rejects = config.max_rejects;
    handler.ingest.dialect_for = dialect_for;
    handler.connect = connect;
    handler.clock = SystemClock();
    handler.log = std::move(log);
    return handler;
  }
};

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
  HandlerSetup setup(config);
  if (auto ok = setup.Init(config); !ok) {
    log.Error(ok.error().message);
    return ExitFor(ok.error());
  }
  LambdaHandler handler(
      setup.HandlerConfig(
          config, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }),
      setup.s3, setup.rates.get());
  auto outcome = handler.ProcessEvent(payload.str(), std::nullopt);
  if (!outcome) {
    log.Error(config.event_file + ": " + outcome.error().message);
    return kExitUsage;
  }
  std::fwrite(outcome->response_json.data(), 1, outcome->response_json.size(), stdout);
  std::fputc('\n', stdout);
  return outcome->failed_files > 0 ? kExitFileFailed : kExitOk;
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
  LambdaRuntime runtime(&runtime_http, {api->second, 0});

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
  HandlerSetup setup(config);
  std::unique_ptr<LambdaHandler> handler;
  auto ran = runtime.Run([&](const Invocation& invocation) -> Result<std::string> {
    if (!handler) {
      BILLFLOW_TRY(setup.Init(config));
      // Lambda sends stdout to CloudWatch: JSON log lines and the EMF metrics line go there.
      handler = std::make_unique<LambdaHandler>(setup.HandlerConfig(config,
                                                                    [](const std::string& line) {
                                                                      std::fprintf(stdout, "%s\n",
                                                                                   line.c_str());
                                                                      std::fflush(stdout);
                                                                    }),
                                                setup.s3, setup.rates.get());
    }
    return handler->Handle(invocation);
  });
  if (!ran) {
    log.Error("runtime API: " + ran.error().message);
    return kExitFileFailed;
  }
  return kExitOk;
}

}  // namespace billflow
