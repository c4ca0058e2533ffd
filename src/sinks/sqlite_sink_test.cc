#include "sinks/sqlite_sink.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "pipeline/ingest_job.h"
#include "sources/file_source.h"

namespace billflow {
namespace {

constexpr char kHeader[] =
    "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";

class SqliteSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("billflow_sqlite_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto sink = SqliteSink::Open({(dir_ / "t.db").string()});
    ASSERT_TRUE(sink) << sink.error().message;
    sink_ = std::move(*sink);
    ASSERT_TRUE(sink_->Migrate());
  }
  void TearDown() override {
    sink_.reset();
    std::filesystem::remove_all(dir_);
  }
  IngestSummary Load(const std::string& name, const std::string& body) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << body;
    auto source = FileSource::Open(path.string());
    EXPECT_TRUE(source);
    IngestJob job(rates_, {});
    return job.Run(**source, sink_.get());
  }
  // Runs a single-value query on a separate connection, as another reader would.
  std::string Query(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open((dir_ / "t.db").string().c_str(), &db);
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

  // Runs statements on a separate connection.
  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open((dir_ / "t.db").string().c_str(), &db);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message != nullptr ? message : "") << " in " << sql;
    sqlite3_free(message);
    sqlite3_close(db);
  }
  std::string Label() const { return "sqlite " + (dir_ / "t.db").string(); }

  std::filesystem::path dir_;
  FxRateTable rates_ = FxRateTable::Default();
  std::unique_ptr<SqliteSink> sink_;
};

TEST_F(SqliteSinkTest, RowsRejectsAndLedgerCommitTogether) {
  const auto s =
      Load("a.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,10.5\n" +
                        "2,B,CA,Y,P,I,2023/05/02,CAD,100\n3,C,US,X,P,I,2023-02-30,USD,1\n");
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_data"), "2");
  EXPECT_EQ(Query("SELECT bill_date FROM billing_data WHERE id='2'"), "2023-05-02");
  EXPECT_EQ(
      Query(
          "SELECT bill_amount||' '||fx_rate||' '||bill_amount_usd FROM billing_data WHERE id='2'"),
      "100.0000 0.79 79.00");
  EXPECT_EQ(Query("SELECT line_number||': '||reason FROM billing_rejects"),
            "4: bill_date \"2023-02-30\" is not a calendar date");
  EXPECT_EQ(
      Query("SELECT status||' '||rows_read||' '||rows_loaded||' '||rows_rejected||' '||usd_total "
            "FROM billing_files"),
      "loaded 3 2 1 89.50");
}

TEST_F(SqliteSinkTest, DuplicateIdInOneFileIsRejectedNotDropped) {
  const auto s = Load("d.csv", std::string(kHeader) + "7,A,US,X,P,I,2023-05-01,USD,1\n" +
                                   "7,B,US,X,P,I,2023-05-01,USD,2\n");
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(s.tally.rows_loaded, 1u);
  EXPECT_EQ(s.tally.rows_rejected, 1u);
  EXPECT_EQ(s.tally.usd_total.ToString(), "1.00");
  EXPECT_EQ(Query("SELECT line_number||': '||reason FROM billing_rejects"),
            "3: duplicate id \"7\" (first on line 2)");
  EXPECT_EQ(Query("SELECT rows_loaded||'/'||rows_rejected||'/'||usd_total FROM billing_files"),
            "1/1/1.00");
}

TEST_F(SqliteSinkTest, SameIdsInDifferentFilesAreAllKept) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n").status,
            FileStatus::kLoaded);
  ASSERT_EQ(Load("b.csv", std::string(kHeader) + "1,B,US,X,P,I,2023-05-01,USD,2\n").status,
            FileStatus::kLoaded);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_data WHERE id='1'"), "2");
}

TEST_F(SqliteSinkTest, SameContentAgainChangesNothingNewContentReplaces) {
  const std::string v1 =
      std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n2,A,US,X,P,I,2023-05-01,USD,2\n";
  ASSERT_EQ(Load("a.csv", v1).status, FileStatus::kLoaded);
  const auto again = Load("a.csv", v1);
  EXPECT_EQ(again.status, FileStatus::kUnchanged);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_data"), "2");
  const auto v2 = Load("a.csv", std::string(kHeader) + "9,Z,US,X,P,I,2023-05-01,USD,5\n");
  EXPECT_EQ(v2.status, FileStatus::kReplaced);
  EXPECT_EQ(Query("SELECT group_concat(id) FROM billing_data"), "9");
  EXPECT_EQ(Query("SELECT usd_total FROM billing_files"), "5.00");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_files"), "1");
}

TEST_F(SqliteSinkTest, FailedFileLeavesNothingAndKeepsLoadedVersion) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n").status,
            FileStatus::kLoaded);
  const auto bad = Load("a.csv", "id,company_name\n1,A\n");
  EXPECT_EQ(bad.status, FileStatus::kFailed);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_data"), "1");
  EXPECT_EQ(Query("SELECT status FROM billing_files"), "loaded");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_files WHERE status='loading'"), "0");
}

TEST_F(SqliteSinkTest, OlderVersionNeverReplacesNewer) {
  FileIdentity newer{"s3://b/k.csv", "", 1, "v2", "00000000000000000002", "", ""};
  ASSERT_EQ(*sink_->BeginFile(newer), BeginOutcome::kProceed);
  newer.content_sha256 = "aa";
  ASSERT_TRUE(sink_->CommitFile(newer, {}));
  FileIdentity older{"s3://b/k.csv", "", 1, "v1", "00000000000000000001", "", ""};
  EXPECT_EQ(*sink_->BeginFile(older), BeginOutcome::kStale);
  EXPECT_EQ(Query("SELECT version_tag FROM billing_files"), "v2");
}

TEST_F(SqliteSinkTest, TotalsAreExactPerGroup) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,0.1\n" +
                              "2,A,US,X,P,I,2023-05-09,USD,0.2\n3,B,MX,Y,P,I,2023-06-01,MXN,0.3\n")
                .status,
            FileStatus::kLoaded);
  auto totals = sink_->Totals(GroupBy::kMonth);
  ASSERT_TRUE(totals);
  ASSERT_EQ(totals->size(), 2u);
  EXPECT_EQ((*totals)[0].key, "2023-05");
  EXPECT_EQ((*totals)[0].usd_total.ToString(), "0.30");
  EXPECT_EQ((*totals)[0].rows, 2u);
  EXPECT_EQ((*totals)[1].usd_total.ToString(), "0.02");  // 0.3 x 0.05 = 0.015 -> 0.02 half-even
  EXPECT_EQ((*totals)[1].amount_total.ToString(), "0.3000");
}

TEST_F(SqliteSinkTest, RatesRoundTrip) {
  ASSERT_TRUE(sink_->SaveRates(FxRateTable::Default().Entries()));
  auto rates = sink_->LoadRates();
  ASSERT_TRUE(rates);
  ASSERT_EQ(rates->size(), 3u);
  EXPECT_EQ((*rates)[0].currency, "CAD");
  EXPECT_EQ((*rates)[0].rate_to_usd.ToString(), "0.79");
}

TEST_F(SqliteSinkTest, VersionOneDatabaseIsUpgradedKeepingItsLedgerAndRows) {
  const std::string body = std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,10.5\n";
  ASSERT_EQ(Load("a.csv", body).status, FileStatus::kLoaded);
  sink_.reset();
  // What billflow's first schema looked like: no profile or rate columns, version 1.
  Exec(
      "ALTER TABLE billing_files DROP COLUMN profile; "
      "ALTER TABLE billing_files DROP COLUMN profile_sha256; "
      "ALTER TABLE billing_data DROP COLUMN fx_rate_date; "
      "ALTER TABLE billing_data DROP COLUMN fx_rate_source; "
      "ALTER TABLE billing_rejects DROP COLUMN retry_fields; "
      "DROP TABLE fx_reconversions; "
      "DELETE FROM schema_version; "
      "INSERT INTO schema_version(version, applied_at) VALUES (1, '2025-01-01T00:00:00.000Z');");
  auto reopened = SqliteSink::Open({(dir_ / "t.db").string()});
  ASSERT_TRUE(reopened) << reopened.error().message;
  sink_ = std::move(*reopened);
  auto migrated = sink_->Migrate();
  ASSERT_TRUE(migrated) << migrated.error().message;
  EXPECT_EQ(Query("SELECT MAX(version) FROM schema_version"), "4");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM pragma_table_info('billing_files') "
                  "WHERE name IN ('profile', 'profile_sha256')"),
            "2");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM pragma_table_info('billing_data') "
                  "WHERE name IN ('fx_rate_date', 'fx_rate_source')"),
            "2");
  EXPECT_EQ(Query("SELECT fx_rate_date IS NULL FROM billing_data"), "1");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM fx_reconversions"), "0");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_data"), "1");
  EXPECT_EQ(Query("SELECT usd_total FROM billing_files"), "10.50");
  // A file loaded before the upgrade was read with the default settings: still unchanged.
  EXPECT_EQ(Load("a.csv", body).status, FileStatus::kUnchanged);
  ASSERT_TRUE(sink_->Migrate());  // idempotent
  EXPECT_EQ(Query("SELECT COUNT(*) FROM schema_version"), "2");
}

TEST_F(SqliteSinkTest, NewerSchemaVersionIsRefusedNamingTheFix) {
  Exec("INSERT INTO schema_version(version, applied_at) VALUES (5, '2030-01-01T00:00:00.000Z')");
  auto migrated = sink_->Migrate();
  ASSERT_FALSE(migrated);
  EXPECT_EQ(migrated.error().message,
            Label() +
                ": schema version 5 is newer than this billflow understands (4); "
                "upgrade billflow");
}

// A step error (here integer overflow inside a view standing in for each table) used to end
// the loop and return the rows read so far as if they were all.
TEST_F(SqliteSinkTest, ReadsFailOnAStepErrorInsteadOfReturningPartialAnswers) {
  constexpr char kOverflowOnRowTwo[] =
      "CASE WHEN column1 = 2 THEN abs(-9223372036854775807 - 1) ELSE 0 END";
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n").status,
            FileStatus::kLoaded);
  Exec(std::string("DROP TABLE billing_rejects; DROP TABLE fx_rates; ") +
       "CREATE VIEW billing_rejects AS SELECT 1 AS file_id, " + kOverflowOnRowTwo +
       " AS line_number, 'r' AS reason, x'00' AS raw_line FROM (VALUES (1), (2)); "
       "CREATE VIEW fx_rates AS SELECT 'CAD' AS currency, '1970-01-01' AS valid_from, " +
       kOverflowOnRowTwo + " AS rate_to_usd, NULL AS source FROM (VALUES (1), (2));");
  auto rejects = sink_->Rejects(std::nullopt);
  ASSERT_FALSE(rejects) << rejects->size() << " rejects";
  EXPECT_EQ(rejects.error().message, Label() + ": list rejects: integer overflow");
  auto rates = sink_->LoadRates();
  ASSERT_FALSE(rates) << rates->size() << " rates";
  EXPECT_EQ(rates.error().message, Label() + ": read rates: integer overflow");
  Exec("INSERT INTO billing_files(source, content_sha256, status) VALUES ('z', '', 'failed')");
  Exec(
      "ALTER TABLE billing_files RENAME TO billing_files_stored; "
      "CREATE VIEW billing_files AS SELECT file_id, source, status, CASE WHEN source = 'z' "
      "THEN abs(-9223372036854775807 - 1) ELSE rows_read END AS rows_read, rows_loaded, "
      "rows_rejected, usd_total, finished_at, error FROM billing_files_stored;");
  auto files = sink_->Files();
  ASSERT_FALSE(files) << files->size() << " files";
  EXPECT_EQ(files.error().message, Label() + ": list files: integer overflow");
}

TEST_F(SqliteSinkTest, ReportFailsOnAStoredAmountThatIsNotADecimal) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n" +
                              "2,A,US,X,P,I,2023-05-01,USD,2\n")
                .status,
            FileStatus::kLoaded);
  Exec("UPDATE billing_data SET bill_amount_usd = '1,00' WHERE id = '2'");
  auto totals = sink_->Totals(GroupBy::kCurrency);
  ASSERT_FALSE(totals);
  EXPECT_EQ(totals.error().message,
            Label() + ": report: billflow_sum: a stored amount is not a decimal");
}

}  // namespace
}  // namespace billflow
