// PostgreSQL-only behaviour against the throwaway servers of scripts/postgres-test-server.sh:
// TLS modes and their refusals (before any credential is sent), a password that never shows,
// a terminated backend classified as retryable with nothing stored, a read-only server retried
// until it is writable, the example files' exact totals, tables upgraded from version 1 that match
// fresh ones column for column, and the guard that replaced the file_id foreign keys. The
// semantics shared with every backend are in
// sink_contract_test.cc.
#include "sinks/postgres_sink.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "migrated_sink.h"
#include "mysql_test_support.h"
#include "pipeline/retrying_ingest.h"
#include "postgres_test_support.h"
#include "sink_contract_fixture.h"
#include "sinks/postgres_connection.h"
#include "sources/file_source.h"

namespace billflow {
namespace {

using testing::LoadFile;
using testing::PostgresTestEnv;
using testing::TempDir;

constexpr char kHeader[] =
    "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";

class PostgresSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresTestEnv::Get()) {
      GTEST_SKIP() << "BILLFLOW_TEST_POSTGRES_ENV not set (run through ctest)";
    }
    env_ = &*PostgresTestEnv::Get();
    database_ = testing::CreatePostgresTestDatabase(*env_);
  }
  static std::unique_ptr<PostgresSink> Open(const PostgresOptions& options) {
    return testing::Migrated(PostgresSink::Open(options));
  }
  std::string Query(const std::string& sql) {
    return testing::PostgresQueryValue(*env_, database_, sql);
  }
  // The servers without data hold only the database "billflow".
  PostgresOptions TlsOptions(PgSslMode mode, const std::string& ca, std::uint16_t port) {
    PostgresOptions options = env_->Options(port == env_->port ? database_ : "billflow");
    options.port = port;
    options.ssl_mode = mode;
    options.ca_path = ca;
    return options;
  }
  // The error of a connection refused at TLS set-up: before authentication, so libpq (which
  // sends a password only when the server asks for it) has sent none.
  std::string RefusedBeforeCredentials(PostgresOptions options) {
    options.password_provider = [pw = env_->password]() -> Result<std::string> { return pw; };
    auto sink = PostgresSink::Open(options);
    if (sink) return "connected";
    EXPECT_EQ(sink.error().code, ErrorCode::kPermissionDenied) << sink.error().message;
    return sink.error().message;
  }
  std::string Target(std::uint16_t port, const std::string& database) {
    return env_->user + "@127.0.0.1:" + std::to_string(port) + "/" + database;
  }

  const PostgresTestEnv* env_ = nullptr;
  std::string database_;
  TempDir dir_;
};

TEST_F(PostgresSinkTest, VerifyFullWithTheTestCaConnectsEncrypted) {
  auto sink = PostgresSink::Open(TlsOptions(PgSslMode::kVerifyFull, env_->ca, env_->port));
  ASSERT_TRUE(sink) << sink.error().message;
  EXPECT_FALSE((*sink)->TlsCipher().empty());
  auto plain = PostgresSink::Open(env_->Options(database_));
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ((*plain)->TlsCipher(), "");
}

TEST_F(PostgresSinkTest, WrongCaIsRefused) {
  const std::string message =
      RefusedBeforeCredentials(TlsOptions(PgSslMode::kVerifyFull, env_->other_ca, env_->port));
  EXPECT_EQ(message, "postgres " + Target(env_->port, database_) +
                         ": connect: connection to server at \"127.0.0.1\", port " +
                         std::to_string(env_->port) +
                         " failed: SSL error: certificate verify failed");
}

TEST_F(PostgresSinkTest, WrongHostIsRefusedByVerifyFullButNotByVerifyCa) {
  const std::string message =
      RefusedBeforeCredentials(TlsOptions(PgSslMode::kVerifyFull, env_->ca, env_->wronghost_port));
  EXPECT_EQ(message,
            "postgres " + Target(env_->wronghost_port, "billflow") +
                ": connect: connection to server at \"127.0.0.1\", port " +
                std::to_string(env_->wronghost_port) +
                " failed: server certificate for \"db.example.test\" (and 1 other name) does not "
                "match "
                "host name \"127.0.0.1\"");
  auto ca_only =
      PostgresSink::Open(TlsOptions(PgSslMode::kVerifyCa, env_->ca, env_->wronghost_port));
  ASSERT_TRUE(ca_only) << ca_only.error().message;
  EXPECT_FALSE((*ca_only)->TlsCipher().empty());
}

TEST_F(PostgresSinkTest, ServerWithoutTlsIsRefusedWhenTlsIsRequired) {
  for (const PgSslMode mode : {PgSslMode::kRequire, PgSslMode::kVerifyCa, PgSslMode::kVerifyFull}) {
    const std::string message = RefusedBeforeCredentials(
        TlsOptions(mode, mode == PgSslMode::kRequire ? "" : env_->ca, env_->notls_port));
    EXPECT_EQ(message, "postgres " + Target(env_->notls_port, "billflow") +
                           ": connect: connection to server at \"127.0.0.1\", port " +
                           std::to_string(env_->notls_port) +
                           " failed: server does not support SSL, but SSL was required")
        << PgSslModeName(mode);
  }
}

TEST_F(PostgresSinkTest, WrongPasswordIsDeniedWithoutShowingIt) {
  PostgresOptions options = env_->Options(database_);
  options.password_provider = []() -> Result<std::string> { return std::string("canary-pw"); };
  auto sink = PostgresSink::Open(options);
  ASSERT_FALSE(sink);
  EXPECT_EQ(sink.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(sink.error().message, "postgres " + Target(env_->port, database_) +
                                      ": connect: connection to server at \"127.0.0.1\", port " +
                                      std::to_string(env_->port) +
                                      " failed: FATAL:  password authentication failed for user "
                                      "\"billflow\"");
  EXPECT_EQ(sink.error().message.find("canary"), std::string::npos);
}

TEST_F(PostgresSinkTest, TerminatedBackendIsRetryableAndLeavesNothing) {
  auto sink = Open(env_->Options(database_));
  ASSERT_NE(sink, nullptr);
  FileIdentity file{"file:///t.csv", "", 10, "", "", "", ""};
  ASSERT_EQ(*sink->BeginFile(file), BeginOutcome::kProceed);
  BillingRecord row;
  row.line_number = 2;
  row.id = "1";
  row.company_name = row.country = row.city = row.product_line = row.item = "x";
  row.country = "US";
  row.bill_date = CivilDate{2025, 6, 1};
  std::copy_n("USD", 3, row.currency);
  row.bill_amount = Decimal(100000, 4);
  row.fx_rate = Decimal(1, 0);
  row.bill_amount_usd = Decimal(1000, 2);
  ASSERT_TRUE(sink->AddRow(row));
  EXPECT_EQ(Query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
                  "current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in%'"),
            "1");
  file.content_sha256 = std::string(64, 'b');
  auto committed = sink->CommitFile(file, {1, 1, 0, Decimal(1000, 2)});
  ASSERT_FALSE(committed);
  EXPECT_EQ(committed.error().code, ErrorCode::kUnavailable) << committed.error().message;
  EXPECT_TRUE(IsRetryable(committed.error().code));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_files"), "0");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_data"), "0");
}

// What a client sees when its endpoint lands on a read-only server (an Aurora writer demoted in
// a failover, a hot standby): every write fails with SQLSTATE 25006. That is retryable, and once
// the server is writable again the next attempt loads the file exactly once.
TEST_F(PostgresSinkTest, ReadOnlyServerIsRetriedUntilWritableAndLoadsOnce) {
  ASSERT_NE(Open(env_->Options(database_)), nullptr);  // the tables exist before the failover
  ASSERT_TRUE(testing::PostgresExec(
      *env_, "billflow",
      "ALTER DATABASE " + database_ + " SET default_transaction_read_only = on"));
  const auto path = dir_.Write("ro.csv", std::string(kHeader) +
                                             "1,Acme,US,Austin,Dairy,Milk,2025-06-01,USD,10.25\n"
                                             "2,Acme,US,Austin,Dairy,Milk,2025-06-02,USD,0.75\n");
  auto source = FileSource::Open(path.string());
  ASSERT_TRUE(source);
  const FxRateTable rates = FxRateTable::Default();
  IngestJob job(rates, {});
  RetryPolicy policy;
  policy.window = std::chrono::seconds(10);
  policy.first_backoff = std::chrono::milliseconds(10);
  std::vector<std::string> errors;
  policy.on_retry = [&](int, const IngestSummary& failed) {
    errors.push_back(failed.error);
    // The failover ends: new sessions may write again.
    EXPECT_TRUE(testing::PostgresExec(
        *env_, "billflow", "ALTER DATABASE " + database_ + " RESET default_transaction_read_only"));
  };
  std::unique_ptr<Database> db;
  const auto summary = IngestWithRetry(
      job, **source, &db,
      [this]() -> Result<std::unique_ptr<Database>> {
        auto sink = PostgresSink::Open(env_->Options(database_));
        if (!sink) return tl::unexpected(sink.error());
        return std::unique_ptr<Database>(std::move(*sink));
      },
      policy);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("the server accepts only reads (transaction_read_only = on"),
            std::string::npos)
      << errors[0];
  EXPECT_EQ(Query("SELECT status || ' ' || rows_loaded || ' ' || usd_total FROM billing_files"),
            "loaded 2 11.00");
  EXPECT_EQ(Query("SELECT COUNT(*) || ' ' || SUM(bill_amount_usd) FROM billing_data"), "2 11.00");
}

TEST_F(PostgresSinkTest, SampleFilesSumExactlyInNumeric) {
  const auto dir = testing::SampleDir();
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " missing";
  auto sink = Open(env_->Options(database_));
  ASSERT_NE(sink, nullptr);
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".csv") continue;
      const auto s = LoadFile(entry.path(), sink.get());
      ASSERT_EQ(s.status, pass == 0 ? FileStatus::kLoaded : FileStatus::kUnchanged) << s.error;
    }
  }
  // The totals tests/e2e/oracle.py computes for examples/ (as the MySQL test asserts).
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_data"), "18");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_rejects"), "3");
  EXPECT_EQ(Query("SELECT SUM(bill_amount_usd) FROM billing_data"), "651553.84");
  EXPECT_EQ(Query("SELECT SUM(usd_total) FROM billing_files WHERE status='loaded'"), "651553.84");
  EXPECT_EQ(Query("SELECT line_number || ': ' || reason FROM billing_rejects WHERE reason LIKE "
                  "'currency%'"),
            "9: currency \"XYZ\" is not an ISO 4217 code");
}

// Every column of the schema with its type, collation, nullability and default.
constexpr char kColumnsQuery[] =
    "SELECT string_agg(table_name || '.' || column_name || ' ' || data_type || ' ' || "
    "COALESCE(numeric_precision || ',' || numeric_scale, '') || ' ' || COALESCE(collation_name, "
    "'') || ' ' || is_nullable || ' ' || COALESCE(column_default, ''), E'\\n' ORDER BY "
    "table_name, column_name) FROM information_schema.columns WHERE table_schema = "
    "current_schema()";

TEST_F(PostgresSinkTest, TablesUpgradedFromVersionOneMatchFreshOnesColumnForColumn) {
  contract::PostgresTestDatabase fresh(*env_);
  ASSERT_NE(fresh.Open(), nullptr);
  contract::PostgresTestDatabase upgraded(*env_);
  ASSERT_NE(upgraded.Open(), nullptr);
  ASSERT_TRUE(upgraded.DowngradeToVersionOne());
  ASSERT_NE(upgraded.Open(), nullptr);  // migrates from version 1
  const std::string want = fresh.Query(kColumnsQuery);
  EXPECT_NE(want.find("billing_data.fx_rate_source text  C YES"), std::string::npos) << want;
  EXPECT_NE(want.find("billing_rejects.retry_fields text   YES"), std::string::npos) << want;
  EXPECT_EQ(upgraded.Query(kColumnsQuery), want);
  EXPECT_EQ(upgraded.Query("SELECT MAX(version) FROM schema_version"), "4");
}

// With the default 4 MiB batches a COPY stays open between rows once 64 KiB are ready; the
// reject retry runs a DELETE between settled rows, which must end that COPY first (the server
// would otherwise take the statement for COPY data and abort the transaction).
TEST_F(PostgresSinkTest, StatementsBetweenStreamedRowsEndTheOpenCopyFirst) {
  auto sink = Open(env_->Options(database_));
  ASSERT_NE(sink, nullptr);
  std::string body = kHeader;
  for (int id = 1; id <= 3000; ++id) {
    body += std::to_string(id) +
            ",A company with a long enough name,DE,Berlin,P,I,2025-07-02,EUR,1.25\n";
  }
  const auto loaded = LoadFile(dir_.Write("eur.csv", body), sink.get());
  ASSERT_EQ(loaded.status, FileStatus::kLoaded) << loaded.error;
  ASSERT_EQ(loaded.tally.rows_rejected, 3000U);
  FxRateTable rates;
  ASSERT_TRUE(rates.Add({"EUR", CivilDate{2025, 7, 1}, Decimal(11, 1), kEcbSource}));
  auto retried = sink->RetryRejects(rates, RetryOptions{});
  ASSERT_TRUE(retried) << retried.error().message;
  ASSERT_EQ(retried->size(), 1U);
  EXPECT_EQ((*retried)[0].settled, 3000U);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_data"), "3000");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_rejects"), "0");
  // 1.25 × 1.1 = 1.375, 1.38 half-even.
  EXPECT_EQ(Query("SELECT SUM(bill_amount_usd) FROM billing_data"), "4140.00");
  EXPECT_EQ(Query("SELECT usd_total FROM billing_files"), "4140.00");
}

// A database of schema version 3, when billing_data and billing_rejects had foreign keys to
// billing_files, loses them on its next migration (to version 4); deleting or renumbering a file
// that still has rows or rejects is refused by the guard trigger instead, with the foreign key's
// SQLSTATE.
TEST_F(PostgresSinkTest, FileForeignKeysGiveWayToAGuardOnFilesWithRows) {
  const auto exec = [this](const std::string& sql) {
    return testing::PostgresExec(*env_, database_, sql);
  };
  ASSERT_NE(Open(env_->Options(database_)), nullptr);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f'"), "0");
  ASSERT_TRUE(exec(
      "ALTER TABLE billing_data ADD FOREIGN KEY (file_id) REFERENCES billing_files (file_id)"));
  ASSERT_TRUE(exec(
      "ALTER TABLE billing_rejects ADD FOREIGN KEY (file_id) REFERENCES billing_files (file_id)"));
  ASSERT_EQ(Query("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f'"), "2");
  ASSERT_TRUE(exec("UPDATE schema_version SET version = 3"));
  auto sink = Open(env_->Options(database_));  // migrates again
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f'"), "0");
  const auto path = dir_.Write("one.csv", std::string(kHeader) +
                                              "1,Co,US,Miami,P,I,2025-06-02,USD,10.50\n"
                                              "2,Co,US,Miami,P,I,2025-06-31,USD,1\n");
  const auto loaded = LoadFile(path, sink.get());
  ASSERT_EQ(loaded.status, FileStatus::kLoaded) << loaded.error;
  auto conn = PgConnection::Open(env_->Options(database_));
  ASSERT_TRUE(conn) << conn.error().message;
  const std::string refused =
      ": billing_files row 1 still has rows in billing_data or billing_rejects: delete those "
      "first (SQLSTATE 23503)";
  Status deleted = (*conn)->Exec("DELETE FROM billing_files", "delete files");
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().message,
            "postgres " + Target(env_->port, database_) + ": delete files" + refused);
  Status renumbered = (*conn)->Exec("UPDATE billing_files SET file_id = 7", "renumber files");
  ASSERT_FALSE(renumbered);
  EXPECT_EQ(renumbered.error().message,
            "postgres " + Target(env_->port, database_) + ": renumber files" + refused);
  EXPECT_TRUE((*conn)->Exec("UPDATE billing_files SET status = 'failed'", "update a file"));
  ASSERT_TRUE(exec("DELETE FROM billing_data"));
  EXPECT_FALSE((*conn)->Exec("DELETE FROM billing_files", "delete files"));  // a reject is left
  ASSERT_TRUE(exec("DELETE FROM billing_rejects"));
  EXPECT_TRUE((*conn)->Exec("DELETE FROM billing_files", "delete files"));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_files"), "0");
}

}  // namespace
}  // namespace billflow
