// The fixture of the sink contract suite (sink_contract_test.cc and the files beside it that
// add cases): one fresh, migrated database of each backend (SQLite, MySQL, PostgreSQL, Data API)
// per case. The Data API backends run through tools/data_api_emulator.py over the MariaDB the
// MySQL backend uses (data_api) or the PostgreSQL server (data_api_postgres).
#ifndef BILLFLOW_TESTS_INTEGRATION_SINK_CONTRACT_FIXTURE_H_
#define BILLFLOW_TESTS_INTEGRATION_SINK_CONTRACT_FIXTURE_H_

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include "data_api_emulator_process.h"
#include "http/curl_http_client.h"
#include "migrated_sink.h"
#include "mysql_test_support.h"
#include "postgres_test_support.h"
#include "sinks/data_api_sink.h"
#include "sinks/mysql_connection.h"
#include "sinks/mysql_sink.h"
#include "sinks/postgres_sink.h"
#include "sinks/sqlite_sink.h"

namespace billflow::contract {

using testing::LoadFile;
using testing::MysqlTestEnv;
using testing::TempDir;

constexpr char kHeader[] =
    "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";

// One fresh database of one backend.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  // A new connection/handle to the same database, migrated.
  virtual std::unique_ptr<Database> Open() = 0;
  // Open, with waits for another loader's locks ending after `seconds`; nullptr where the
  // sink cannot set that (Aurora MySQL's Data API: the cluster's innodb_lock_wait_timeout).
  virtual std::unique_ptr<Database> OpenWaitingAtMost(int /*seconds*/) { return nullptr; }
  // First column of the first row of `sql`, on a separate connection.
  virtual std::string Query(const std::string& sql) = 0;
  // Runs statements that return nothing, on a separate connection; false on an error.
  virtual bool Exec(const std::string& sql) = 0;
  // Replaces fx_rates by a view of it whose CAD rate reads "not-a-rate" (what a column that
  // holds text, or a faulty server, would answer).
  virtual bool CorruptCadRate() = 0;
  // How the backend names the database in its messages.
  virtual std::string Label() = 0;
  // Replaces `table` by a view of it, with the `columns` (comma-separated) the reads need,
  // in which `column` reads `value_sql` — what a faulty server, or a column holding other
  // data, would answer. The same statements on every dialect.
  bool CorruptColumn(const std::string& table, const std::string& columns,
                     const std::string& column, const std::string& value_sql) {
    std::string select;
    std::size_t start = 0;
    while (start <= columns.size()) {
      std::size_t end = columns.find(',', start);
      if (end == std::string::npos) end = columns.size();
      std::string name = columns.substr(start, end - start);
      name.erase(0, name.find_first_not_of(' '));
      if (!select.empty()) select += ", ";
      select += name == column ? value_sql + " AS " + name : name;
      start = end + 1;
    }
    return Exec("ALTER TABLE " + table + " RENAME TO " + table + "_stored") &&
           Exec("CREATE VIEW " + table + " AS SELECT " + select + " FROM " + table + "_stored");
  }
  // Turns the migrated database back into what schema version 1 made.
  virtual bool DowngradeToVersionOne() = 0;
};

constexpr char kVersionOneMarker[] =
    "DELETE FROM schema_version; INSERT INTO schema_version (version, applied_at) VALUES "
    "(1, '2025-01-01 00:00:00')";

class SqliteTestDatabase : public TestDatabase {
 public:
  std::unique_ptr<Database> Open() override { return OpenWith(SqliteOptions{}.busy_timeout_ms); }
  std::unique_ptr<Database> OpenWaitingAtMost(int seconds) override {
    return OpenWith(seconds * 1000);
  }
  std::string Query(const std::string& sql) override {
    sqlite3* db = nullptr;
    sqlite3_open((dir_.path() / "t.db").string().c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }
  bool Exec(const std::string& sql) override {
    sqlite3* db = nullptr;
    sqlite3_open((dir_.path() / "t.db").string().c_str(), &db);
    const bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
  }
  bool CorruptCadRate() override {
    return Exec("UPDATE fx_rates SET rate_to_usd = 'not-a-rate' WHERE currency = 'CAD'");
  }
  std::string Label() override { return "sqlite " + (dir_.path() / "t.db").string(); }
  bool DowngradeToVersionOne() override {
    return Exec(std::string("ALTER TABLE billing_files DROP COLUMN profile; ALTER TABLE "
                            "billing_files DROP COLUMN profile_sha256; ALTER TABLE billing_data "
                            "DROP COLUMN fx_rate_date; ALTER TABLE billing_data DROP COLUMN "
                            "fx_rate_source; ALTER TABLE billing_rejects DROP COLUMN "
                            "retry_fields; DROP TABLE fx_reconversions; ") +
                kVersionOneMarker);
  }

 private:
  std::unique_ptr<Database> OpenWith(int busy_timeout_ms) {
    return testing::Migrated(SqliteSink::Open({(dir_.path() / "t.db").string(), busy_timeout_ms}));
  }

  TempDir dir_;
};

// The MySQL-dialect statements behind CorruptCadRate on MySQL and the Data API.
inline bool ExecMysql(const MysqlTestEnv& env, const std::string& database,
                      const std::string& sql) {
  auto conn = MysqlConnection::Open(env.Options(database));
  if (!conn) return false;
  auto done = (*conn)->Exec(sql, "test statement");
  EXPECT_TRUE(done) << done.error().message;
  return done.has_value();
}

inline bool DowngradeMysqlToVersionOne(const MysqlTestEnv& env, const std::string& database) {
  return ExecMysql(env, database,
                   "ALTER TABLE billing_files DROP COLUMN profile, DROP COLUMN profile_sha256") &&
         ExecMysql(env, database,
                   "ALTER TABLE billing_data DROP COLUMN fx_rate_date, DROP COLUMN "
                   "fx_rate_source") &&
         ExecMysql(env, database, "ALTER TABLE billing_rejects DROP COLUMN retry_fields") &&
         ExecMysql(env, database, "DROP TABLE fx_reconversions") &&
         ExecMysql(env, database, "DELETE FROM schema_version") &&
         ExecMysql(env, database,
                   "INSERT INTO schema_version (version, applied_at) VALUES (1, NOW())");
}

inline bool CorruptMysqlCadRate(const MysqlTestEnv& env, const std::string& database) {
  return ExecMysql(env, database, "RENAME TABLE fx_rates TO fx_rates_stored") &&
         ExecMysql(env, database,
                   "CREATE VIEW fx_rates AS SELECT currency, valid_from, CASE WHEN currency = "
                   "'CAD' THEN 'not-a-rate' ELSE CAST(rate_to_usd AS CHAR) END AS rate_to_usd, "
                   "source FROM fx_rates_stored");
}

class MysqlTestDatabase : public TestDatabase {
 public:
  explicit MysqlTestDatabase(const MysqlTestEnv& env)
      : env_(env), name_(testing::CreateTestDatabase(env)) {}
  std::unique_ptr<Database> Open() override { return OpenWith(env_.Options(name_)); }
  std::unique_ptr<Database> OpenWaitingAtMost(int seconds) override {
    MysqlOptions options = env_.Options(name_);
    options.lock_wait_timeout_s = seconds;
    return OpenWith(options);
  }
  std::string Query(const std::string& sql) override {
    return testing::MysqlQueryValue(env_, name_, sql);
  }
  bool Exec(const std::string& sql) override { return ExecMysql(env_, name_, sql); }
  bool CorruptCadRate() override { return CorruptMysqlCadRate(env_, name_); }
  std::string Label() override { return "mysql " + DescribeMysqlTarget(env_.Options(name_)); }
  bool DowngradeToVersionOne() override { return DowngradeMysqlToVersionOne(env_, name_); }

 private:
  static std::unique_ptr<Database> OpenWith(MysqlOptions options) {
    // Tiny batches: every multi-row case crosses several bulk statements.
    options.batch_bytes = 200;
    return testing::Migrated(MysqlSink::Open(options));
  }

  const MysqlTestEnv& env_;
  std::string name_;
};

// A database on the same MariaDB, reached through the Data API emulator.
class DataApiTestDatabase : public TestDatabase {
 public:
  DataApiTestDatabase(const MysqlTestEnv& env, std::string endpoint)
      : env_(env), endpoint_(std::move(endpoint)), name_(testing::CreateTestDatabase(env)) {}
  std::unique_ptr<Database> Open() override {
    AwsConfig aws;
    aws.region = "us-east-1";
    aws.credentials = Credentials{"AKIDBILLFLOWTEST", "billflow-test-secret", "", "test"};
    aws.endpoint_url_rds_data = endpoint_;
    // Small requests: every multi-row case crosses several BatchExecuteStatement calls.
    auto sink = DataApiSink::Create(
        std::make_unique<CurlHttpClient>(), aws,
        DataApiTarget{"arn:aws:rds:us-east-1:123456789012:cluster:billflow",
                      "arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db", name_},
        SystemClock(), DataApiSinkOptions{4096, 8});
    auto migrated = sink->Migrate();
    EXPECT_TRUE(migrated) << migrated.error().message;
    return sink;
  }
  std::string Query(const std::string& sql) override {
    return testing::MysqlQueryValue(env_, name_, sql);
  }
  bool Exec(const std::string& sql) override { return ExecMysql(env_, name_, sql); }
  bool CorruptCadRate() override { return CorruptMysqlCadRate(env_, name_); }
  std::string Label() override { return "data-api " + name_; }
  bool DowngradeToVersionOne() override { return DowngradeMysqlToVersionOne(env_, name_); }

 private:
  const MysqlTestEnv& env_;
  std::string endpoint_;
  std::string name_;
};

// A database on the PostgreSQL server, reached over libpq or, given `data_api_endpoint`, through
// the Data API emulator's PostgreSQL engine (data-api://…&engine=postgres).
class PostgresTestDatabase : public TestDatabase {
 public:
  explicit PostgresTestDatabase(const testing::PostgresTestEnv& env,
                                std::string data_api_endpoint = {})
      : env_(env),
        data_api_endpoint_(std::move(data_api_endpoint)),
        name_(testing::CreatePostgresTestDatabase(env)) {}
  std::unique_ptr<Database> Open() override { return OpenWith(std::nullopt); }
  std::unique_ptr<Database> OpenWaitingAtMost(int seconds) override { return OpenWith(seconds); }
  std::string Query(const std::string& sql) override {
    return testing::PostgresQueryValue(env_, name_, sql);
  }
  bool Exec(const std::string& sql) override { return testing::PostgresExec(env_, name_, sql); }
  bool CorruptCadRate() override {
    return Exec("ALTER TABLE fx_rates RENAME TO fx_rates_stored") &&
           Exec(
               "CREATE VIEW fx_rates AS SELECT currency, valid_from, CASE WHEN currency = "
               "'CAD' THEN 'not-a-rate' ELSE rate_to_usd::text END AS rate_to_usd, source "
               "FROM fx_rates_stored");
  }
  std::string Label() override {
    if (!data_api_endpoint_.empty()) return "data-api " + name_;
    return "postgres " + DescribePostgresTarget(env_.Options(name_));
  }
  bool DowngradeToVersionOne() override {
    return Exec("ALTER TABLE billing_files DROP COLUMN profile, DROP COLUMN profile_sha256") &&
           Exec("ALTER TABLE billing_data DROP COLUMN fx_rate_date, DROP COLUMN fx_rate_source") &&
           Exec("ALTER TABLE billing_rejects DROP COLUMN retry_fields") &&
           Exec("DROP TABLE fx_reconversions") && Exec("DELETE FROM schema_version") &&
           Exec("INSERT INTO schema_version (version, applied_at) VALUES (1, now())");
  }

 private:
  std::unique_ptr<Database> OpenWith(std::optional<int> lock_wait_timeout_s) {
    if (!data_api_endpoint_.empty()) return OpenDataApi(lock_wait_timeout_s);
    PostgresOptions options = env_.Options(name_);
    // Tiny batches: every multi-row case crosses several COPY statements.
    options.batch_bytes = 200;
    if (lock_wait_timeout_s) options.lock_wait_timeout_s = *lock_wait_timeout_s;
    return testing::Migrated(PostgresSink::Open(options));
  }
  std::unique_ptr<Database> OpenDataApi(std::optional<int> lock_wait_timeout_s) {
    AwsConfig aws;
    aws.region = "us-east-1";
    aws.credentials = Credentials{"AKIDBILLFLOWTEST", "billflow-test-secret", "", "test"};
    aws.endpoint_url_rds_data = data_api_endpoint_;
    // Small requests: every multi-row case crosses several BatchExecuteStatement calls.
    DataApiSinkOptions options{4096, 8};
    options.dialect = SqlDialect::kPostgres;
    if (lock_wait_timeout_s) options.lock_wait_timeout_s = *lock_wait_timeout_s;
    auto sink = DataApiSink::Create(
        std::make_unique<CurlHttpClient>(), aws,
        DataApiTarget{"arn:aws:rds:us-east-1:123456789012:cluster:billflow",
                      "arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db", name_},
        SystemClock(), options);
    auto migrated = sink->Migrate();
    EXPECT_TRUE(migrated) << migrated.error().message;
    return sink;
  }

  const testing::PostgresTestEnv& env_;
  std::string data_api_endpoint_;
  std::string name_;
};

class SinkContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      db_ = std::make_unique<SqliteTestDatabase>();
    } else if (GetParam() == "postgres" || GetParam() == "data_api_postgres") {
      const auto& env = testing::PostgresTestEnv::Get();
      if (!env) GTEST_SKIP() << "BILLFLOW_TEST_POSTGRES_ENV not set (run through ctest)";
      if (GetParam() == "postgres") {
        db_ = std::make_unique<PostgresTestDatabase>(*env);
      } else {
        const auto& emulator = testing::DataApiEmulatorProcess::Get(*env);
        ASSERT_FALSE(emulator.Endpoint().empty()) << emulator.Error();
        db_ = std::make_unique<PostgresTestDatabase>(*env, emulator.Endpoint());
      }
    } else {
      const auto& env = MysqlTestEnv::Get();
      if (!env) GTEST_SKIP() << "BILLFLOW_TEST_MYSQL_ENV not set (run through ctest)";
      if (GetParam() == "mysql") {
        db_ = std::make_unique<MysqlTestDatabase>(*env);
      } else {
        const auto& emulator = testing::DataApiEmulatorProcess::Get(*env);
        ASSERT_FALSE(emulator.Endpoint().empty()) << emulator.Error();
        db_ = std::make_unique<DataApiTestDatabase>(*env, emulator.Endpoint());
      }
    }
    sink_ = db_->Open();
    ASSERT_NE(sink_, nullptr);
  }
  IngestSummary Load(const std::string& name, const std::string& body) {
    return LoadFile(dir_.Write(name, body), sink_.get());
  }
  std::string Source(const std::string& name) { return "file://" + (dir_.path() / name).string(); }
  std::vector<StoredFile> Files() {
    auto files = sink_->Files();
    EXPECT_TRUE(files) << files.error().message;
    return files ? *files : std::vector<StoredFile>{};
  }
  std::vector<StoredReject> Rejects() {
    auto rejects = sink_->Rejects(std::nullopt);
    EXPECT_TRUE(rejects) << rejects.error().message;
    return rejects ? *rejects : std::vector<StoredReject>{};
  }

  TempDir dir_;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Database> sink_;
};

inline std::string Row(const std::string& id, const std::string& amount,
                       const std::string& currency = "USD", const std::string& company = "A") {
  return id + "," + company + ",US,X,P,I,2023-05-01," + currency + "," + amount + "\n";
}

}  // namespace billflow::contract

#endif  // BILLFLOW_TESTS_INTEGRATION_SINK_CONTRACT_FIXTURE_H_
