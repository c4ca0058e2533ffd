#include "cli/open_database.h"

#include <atomic>
#include <memory>

#include "aws/secrets_client.h"
#include "cli/aws_context.h"
#include "sinks/data_api_sink.h"
#include "sinks/mysql_options.h"
#include "sinks/mysql_sink.h"
#include "sinks/postgres_options.h"
#include "sinks/postgres_sink.h"
#include "sinks/sqlite_sink.h"

namespace billflow {
namespace {

// A factory brings the schema up to date on its first connection only; the connections the retry
// loop opens after a lost one find it done. (Migrating on each of them cost every reconnect the
// schema's statements again: on Aurora PostgreSQL through the Data API a transaction of ten
// requests, whose own COMMIT could fail the file's retry on a link that was still failing.)
// Copies of a factory share the one flag.
class MigrateOnce {
 public:
  template <typename Sink>
  Result<std::unique_ptr<Database>> operator()(Result<std::unique_ptr<Sink>> opened) const {
    if (!opened) return tl::unexpected(opened.error());
    if (!done_->load()) {
      BILLFLOW_TRY((*opened)->Migrate());
      done_->store(true);
    }
    return std::unique_ptr<Database>(std::move(*opened));
  }

 private:
  std::shared_ptr<std::atomic<bool>> done_ = std::make_shared<std::atomic<bool>>(false);
};

// A password from the configuration (BILLFLOW_DB_PASSWORD or --password-file), if any.
template <typename Options>
void UseConfiguredPassword(const Config& config, Options* options) {
  if (!config.db_password) return;
  options->password_provider = [password = *config.db_password]() -> Result<std::string> {
    return password;
  };
}

// SCHEME://USER@HOST/DB?secret=ARN (mysql, postgres): user and password come from Secrets
// Manager (the JSON the original's Terraform stored: username, password, host, port, dbname).
// The secret is cached; when the server refuses the credentials it is fetched once more, since
// it may have been rotated, and the connection tried again.
template <typename Sink, typename Options>
Result<DatabaseFactory> SecretFactory(const Config& config, Options options) {
  AwsContext aws_context(config);
  auto aws = aws_context.Aws();
  if (!aws) return tl::unexpected(aws.error());
  struct Secrets {
    CurlHttpClient http;
    SecretsClient client;
    Secrets(CurlHttpOptions http_options, AwsConfig aws)
        : http(std::move(http_options)), client(&http, std::move(aws), SystemClock()) {}
  };
  auto secrets = std::make_shared<Secrets>(aws_context.HttpOptions(), *aws);
  return DatabaseFactory(
      [secrets, options, migrated = MigrateOnce()]() -> Result<std::unique_ptr<Database>> {
        const auto connect = [&](const DbSecret& secret) {
          Options with_secret = options;
          if (!secret.username.empty()) with_secret.user = secret.username;
          with_secret.password_provider = [password = secret.password]() -> Result<std::string> {
            return password;
          };
          return migrated(Sink::Open(with_secret));
        };
        auto secret = secrets->client.GetDbSecret(options.secret_id);
        if (!secret) return tl::unexpected(secret.error());
        auto db = connect(*secret);
        if (db || db.error().code != ErrorCode::kPermissionDenied) return db;
        auto rotated = secrets->client.RefreshDbSecret(options.secret_id);
        if (!rotated) return tl::unexpected(rotated.error());
        return connect(*rotated);
      });
}

// A server backend: the password from the configuration, or user and password from a secret.
template <typename Sink, typename Options>
Result<DatabaseFactory> ServerFactory(const Config& config, Result<Options> options) {
  if (!options) return tl::unexpected(options.error());
  if (!options->secret_id.empty()) return SecretFactory<Sink>(config, *options);
  UseConfiguredPassword(config, &*options);
  return DatabaseFactory(
      [options = *options, migrated = MigrateOnce()] { return migrated(Sink::Open(options)); });
}

}  // namespace

Result<DatabaseFactory> MakeDatabaseFactory(const Config& config) {
  const std::string& url = config.db_url;
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);
    if (path.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--db sqlite: needs a file path, e.g. sqlite:billflow.db");
    }
    return DatabaseFactory(
        [path, migrated = MigrateOnce()] { return migrated(SqliteSink::Open({path})); });
  }
  if (url.rfind("mysql://", 0) == 0 || url.rfind("mariadb://", 0) == 0) {
    return ServerFactory<MysqlSink>(config, ParseMysqlUrl(url));
  }
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    return ServerFactory<PostgresSink>(config, ParsePostgresUrl(url));
  }
  if (url.rfind("data-api://", 0) == 0) {
    auto parsed = ParseDataApiUrl(url);
    if (!parsed) return tl::unexpected(parsed.error());
    AwsContext aws_context(config);
    auto aws = aws_context.Aws();
    if (!aws) return tl::unexpected(aws.error());
    DataApiSinkOptions options;
    options.dialect = parsed->dialect;
    return DatabaseFactory([target = parsed->target, options, aws = *aws,
                            http = aws_context.HttpOptions(), migrated = MigrateOnce()] {
      return migrated(Result<std::unique_ptr<DataApiSink>>(DataApiSink::Create(
          std::make_unique<CurlHttpClient>(http), aws, target, SystemClock(), options)));
    });
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown database URL \"" + url +
                  "\"; expected sqlite:PATH, mysql://USER@HOST[:PORT]/DB, "
                  "postgres://USER@HOST[:PORT]/DB or "
                  "data-api://CLUSTER_ARN?secret=SECRET_ARN&database=DB");
}

Result<std::unique_ptr<Database>> OpenDatabase(const Config& config) {
  auto factory = MakeDatabaseFactory(config);
  if (!factory) return tl::unexpected(factory.error());
  return (*factory)();
}

}  // namespace billflow
