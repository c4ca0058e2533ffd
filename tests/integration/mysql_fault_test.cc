// Connections cut mid-batch and during COMMIT by a TCP proxy between MysqlSink and MariaDB;
// IngestWithRetry must end every time with the file loaded exactly once, equal to what a clean
// load into SQLite stores.
#include <gtest/gtest.h>

#include "fault_tcp_proxy.h"
#include "mysql_test_support.h"
#include "pipeline/retrying_ingest.h"
#include "sinks/mysql_sink.h"
#include "sinks/sqlite_sink.h"
#include "sources/file_source.h"

namespace billflow {
namespace {

using testing::FaultTcpProxy;
using testing::MysqlTestEnv;
using testing::TempDir;

class MysqlFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!MysqlTestEnv::Get()) GTEST_SKIP() << "BILLFLOW_TEST_MYSQL_ENV not set (run through ctest)";
    env_ = &*MysqlTestEnv::Get();
    database_ = testing::CreateTestDatabase(*env_);
    proxy_ = std::make_unique<FaultTcpProxy>(env_->host, env_->port);
    auto sink = Connect();
    ASSERT_TRUE(sink) << sink.error().message;
    ASSERT_TRUE((*sink)->Migrate());
  }
  Result<std::unique_ptr<Database>> Connect() {
    MysqlOptions options = env_->Options(database_);
    options.port = proxy_->port();
    options.batch_bytes = 32 << 10;
    auto sink = MysqlSink::Open(options);
    if (!sink) return tl::unexpected(sink.error());
    return std::unique_ptr<Database>(std::move(*sink));
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
        job, **source, &db, [this] { return Connect(); }, policy);
    ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
    for (const auto& w : summary.warnings)
      resolved_ += w.find("the ledger shows") != std::string::npos;
    EXPECT_EQ(summary.tally.rows_loaded, expected.rows_loaded);
    EXPECT_EQ(summary.tally.usd_total.ToString(), expected.usd_total);
    const std::string file_id = testing::MysqlQueryValue(
        *env_, database_,
        "SELECT file_id FROM billing_files WHERE source = '" + summary.source + "'");
    const auto value = [&](const std::string& sql) {
      return testing::MysqlQueryValue(*env_, database_, sql + file_id);
    };
    EXPECT_EQ(
        value("SELECT CONCAT(status, ' ', rows_read, ' ', rows_loaded, ' ', rows_rejected, ' ', "
              "usd_total) FROM billing_files WHERE file_id = "),
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
    if (env_ == nullptr) return;
    // Nothing doubled: one ledger row per file, and only the expected rows.
    EXPECT_EQ(testing::MysqlQueryValue(*env_, database_, "SELECT COUNT(*) FROM billing_files"),
              std::to_string(files_));
    EXPECT_EQ(testing::MysqlQueryValue(*env_, database_, "SELECT COUNT(*) FROM billing_data"),
              std::to_string(rows_));
    std::printf("[ faults ] %d files, %d connections cut, %zu retries; first error: %s\n", files_,
                proxy_->cuts(), errors_.size(), errors_.empty() ? "-" : errors_[0].c_str());
  }

  const MysqlTestEnv* env_ = nullptr;
  std::string database_;
  TempDir dir_;
  std::unique_ptr<FaultTcpProxy> proxy_;
  FxRateTable rates_ = FxRateTable::Default();
  std::vector<std::string> errors_;
  int files_ = 0;
  int resolved_ = 0;  // ambiguous commits resolved from the ledger
  std::uint64_t rows_ = 0;
};

TEST_F(MysqlFaultTest, ConnectionCutMidBatchTwelveTimes) {
  for (int i = 0; i < 12; ++i) {
    // Somewhere inside the ~400 KB of LOAD DATA streams (the handshake is ~1 KB).
    LoadThroughFault(i, {FaultTcpProxy::Fault::kCutAfterClientBytes,
                         static_cast<std::size_t>(5000 + i * 33000)});
  }
  EXPECT_EQ(proxy_->cuts(), 12);
  for (const auto& e : errors_) EXPECT_NE(e.find("errno 20"), std::string::npos) << e;
}

TEST_F(MysqlFaultTest, CommitLostBeforeTheServerSawItTenTimes) {
  for (int i = 0; i < 10; ++i) LoadThroughFault(100 + i, {FaultTcpProxy::Fault::kDropCommit, 0});
  EXPECT_EQ(proxy_->cuts(), 10);
  EXPECT_EQ(resolved_, 0);
}

TEST_F(MysqlFaultTest, CommitDoneButAnswerLostTenTimesIsNotLoadedAgain) {
  for (int i = 0; i < 10; ++i)
    LoadThroughFault(200 + i, {FaultTcpProxy::Fault::kCutAfterCommit, 0});
  EXPECT_EQ(proxy_->cuts(), 10);
  EXPECT_EQ(resolved_, 10);
}

}  // namespace
}  // namespace billflow
