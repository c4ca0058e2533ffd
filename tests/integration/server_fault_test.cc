// Connections cut mid-load and around COMMIT by a TCP proxy between billflow and a real server
// (MariaDB: LOAD DATA streams; PostgreSQL: COPY); IngestWithRetry must end every time with the
// file loaded exactly once, equal to what a clean load into SQLite stores. One suite for both
// servers: each backend supplies only how to reach it and how its SQL spells the checks.
#include <gtest/gtest.h>

#include <functional>

#include "fault_tcp_proxy.h"
#include "mysql_test_support.h"
#include "pipeline/retrying_ingest.h"
#include "postgres_test_support.h"
#include "sinks/mysql_sink.h"
#include "sinks/postgres_sink.h"
#include "sinks/sqlite_sink.h"
#include "sources/file_source.h"

namespace billflow {
namespace {

using testing::FaultTcpProxy;
using testing::MysqlTestEnv;
using testing::PostgresTestEnv;
using testing::TempDir;

// A server under test: a fresh database on it, a sink through a port (the proxy's), one value
// of a query, and the SQL that joins the ledger row's fields into one text.
struct FaultBackend {
  const testing::TestServerEnv* server = nullptr;  // its host and port
  std::string_view commit_bytes;
  std::function<Result<std::unique_ptr<Database>>(std::uint16_t port)> connect;
  std::function<std::string(const std::string& sql)> query;
  std::string ledger_fields_sql;
  std::string cut_error;  // in every retried error after a cut ("" where the text varies)
};

std::optional<FaultBackend> MysqlBackend() {
  if (!MysqlTestEnv::Get()) return std::nullopt;
  const MysqlTestEnv* env = &*MysqlTestEnv::Get();
  const std::string database = testing::CreateTestDatabase(*env);
  return FaultBackend{
      env, testing::kMysqlCommitBytes,
      [env, database](std::uint16_t port) -> Result<std::unique_ptr<Database>> {
        MysqlOptions options = env->Options(database);
        options.port = port;
        options.batch_bytes = 32 << 10;
        auto sink = MysqlSink::Open(options);
        if (!sink) return tl::unexpected(sink.error());
        return std::unique_ptr<Database>(std::move(*sink));
      },
      [env, database](const std::string& sql) {
        return testing::MysqlQueryValue(*env, database, sql);
      },
      "CONCAT(status, ' ', rows_read, ' ', rows_loaded, ' ', rows_rejected, ' ', usd_total)",
      // CR_SERVER_GONE_ERROR / CR_SERVER_LOST (2006, 2013).
      "errno 20"};
}

std::optional<FaultBackend> PostgresBackend() {
  if (!PostgresTestEnv::Get()) return std::nullopt;
  const PostgresTestEnv* env = &*PostgresTestEnv::Get();
  const std::string database = testing::CreatePostgresTestDatabase(*env);
  return FaultBackend{
      env,
      testing::kPostgresCommitBytes,
      [env, database](std::uint16_t port) -> Result<std::unique_ptr<Database>> {
        PostgresOptions options = env->Options(database);
        options.port = port;
        options.batch_bytes = 32 << 10;
        auto sink = PostgresSink::Open(options);
        if (!sink) return tl::unexpected(sink.error());
        return std::unique_ptr<Database>(std::move(*sink));
      },
      [env, database](const std::string& sql) {
        return testing::PostgresQueryValue(*env, database, sql);
      },
      "status || ' ' || rows_read || ' ' || rows_loaded || ' ' || rows_rejected || ' ' || "
      "usd_total",
      ""};
}

class ServerFaultTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::optional<FaultBackend> backend =
        GetParam() == "mysql" ? MysqlBackend() : PostgresBackend();
    if (!backend) GTEST_SKIP() << GetParam() << " test server env not set (run through ctest)";
    backend_ = std::move(*backend);
    proxy_ = std::make_unique<FaultTcpProxy>(backend_.server->host, backend_.server->port,
                                             backend_.commit_bytes);
    auto sink = backend_.connect(backend_.server->port);
    ASSERT_TRUE(sink) << sink.error().message;
    ASSERT_TRUE((*sink)->Migrate());
  }
  // What a clean load stores, from SQLite.
  StoredFile Expected(const std::filesystem::path& path) {
    auto sqlite = SqliteSink::Open({(dir_.path() / "oracle.db").string()});
    EXPECT_TRUE(sqlite && (*sqlite)->Migrate());
    const auto s = testing::LoadFile(path, sqlite->get());
    EXPECT_EQ(s.status, FileStatus::kLoaded) << s.error;
    const auto files = (*sqlite)->Files();
    EXPECT_TRUE(files);
    for (const auto& f : *files) {
      if (f.source == s.source) return f;
    }
    return {};
  }
  // Loads `variant` through the proxy with `plan` on its first connection, and checks the result.
  void LoadThroughFault(int variant, FaultTcpProxy::FaultPlan plan) {
    const auto path =
        dir_.Write("f" + std::to_string(variant) + ".csv", testing::FaultTestFile(variant));
    const StoredFile expected = Expected(path);
    proxy_->PlanNext(plan);
    auto source = FileSource::Open(path.string());
    ASSERT_TRUE(source);
    IngestJob job(rates_, {});
    RetryPolicy policy;
    // Each fault hits the first connection only: a few quick retries settle it, and a
    // regression fails in seconds instead of waiting out the 60 s default window.
    policy.window = std::chrono::seconds(10);
    policy.first_backoff = std::chrono::milliseconds(10);
    policy.on_retry = [&](int, const IngestSummary& failed) { errors_.push_back(failed.error); };
    std::unique_ptr<Database> db;
    const auto summary = IngestWithRetry(
        job, **source, &db, [this] { return backend_.connect(proxy_->port()); }, policy);
    ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
    for (const auto& w : summary.warnings) {
      resolved_ += w.find("the ledger shows") != std::string::npos;
    }
    EXPECT_EQ(summary.tally.rows_loaded, expected.rows_loaded);
    EXPECT_EQ(summary.tally.usd_total.ToString(), expected.usd_total);
    const std::string file_id =
        backend_.query("SELECT file_id FROM billing_files WHERE source = '" + summary.source + "'");
    const auto value = [&](const std::string& sql) { return backend_.query(sql + file_id); };
    EXPECT_EQ(
        value("SELECT " + backend_.ledger_fields_sql + " FROM billing_files WHERE file_id = "),
        "loaded " + std::to_string(expected.rows_read) + " " +
            std::to_string(expected.rows_loaded) + " " + std::to_string(expected.rows_rejected) +
            " " + expected.usd_total);
    EXPECT_EQ(value("SELECT COUNT(*) FROM billing_data WHERE file_id = "),
              std::to_string(expected.rows_loaded));
    EXPECT_EQ(value("SELECT SUM(bill_amount_usd) FROM billing_data WHERE file_id = "),
              expected.usd_total);
    EXPECT_EQ(value("SELECT COUNT(*) FROM billing_rejects WHERE file_id = "),
              std::to_string(expected.rows_rejected));
    ++files_;
    rows_ += expected.rows_loaded;
  }
  void TearDown() override {
    if (!proxy_) return;
    // Nothing doubled: one ledger row per file, and only the expected rows.
    EXPECT_EQ(backend_.query("SELECT COUNT(*) FROM billing_files"), std::to_string(files_));
    EXPECT_EQ(backend_.query("SELECT COUNT(*) FROM billing_data"), std::to_string(rows_));
    std::printf("[ faults ] %s: %d files, %d connections cut, %zu retries; first error: %s\n",
                GetParam().c_str(), files_, proxy_->cuts(), errors_.size(),
                errors_.empty() ? "-" : errors_[0].c_str());
  }

  FaultBackend backend_;
  TempDir dir_;
  std::unique_ptr<FaultTcpProxy> proxy_;
  FxRateTable rates_ = FxRateTable::Default();
  std::vector<std::string> errors_;
  int files_ = 0;
  int resolved_ = 0;  // ambiguous commits settled from the ledger
  std::uint64_t rows_ = 0;
};

TEST_P(ServerFaultTest, ConnectionCutMidLoadTwelveTimesLoadsEachFileOnce) {
  for (int i = 0; i < 12; ++i) {
    // Somewhere inside the ~400 KB of LOAD DATA / COPY data (start-up and schema are a few KB).
    LoadThroughFault(i, {FaultTcpProxy::Fault::kCutAfterClientBytes,
                         static_cast<std::size_t>(5000 + i * 33000)});
  }
  EXPECT_EQ(proxy_->cuts(), 12);
  EXPECT_EQ(errors_.size(), 12u);
  for (const auto& e : errors_) EXPECT_NE(e.find(backend_.cut_error), std::string::npos) << e;
}

TEST_P(ServerFaultTest, CommitLostBeforeTheServerSawItTenTimesIsRetried) {
  for (int i = 0; i < 10; ++i) LoadThroughFault(100 + i, {FaultTcpProxy::Fault::kDropCommit, 0});
  EXPECT_EQ(proxy_->cuts(), 10);
  EXPECT_EQ(resolved_, 0);
}

TEST_P(ServerFaultTest, CommitDoneButAnswerLostTenTimesIsSettledByTheLedgerNotLoadedAgain) {
  for (int i = 0; i < 10; ++i) {
    LoadThroughFault(200 + i, {FaultTcpProxy::Fault::kCutAfterCommit, 0});
  }
  EXPECT_EQ(proxy_->cuts(), 10);
  EXPECT_EQ(resolved_, 10);
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerFaultTest, ::testing::Values("mysql", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace billflow
