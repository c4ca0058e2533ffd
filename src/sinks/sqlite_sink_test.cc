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
  FileIdentity newer{"s3://b/k.csv", "", 1, "v2", "00000000000000000002"};
  ASSERT_EQ(*sink_->BeginFile(newer), BeginOutcome::kProceed);
  newer.content_sha256 = "aa";
  ASSERT_TRUE(sink_->CommitFile(newer, {}));
  FileIdentity older{"s3://b/k.csv", "", 1, "v1", "00000000000000000001"};
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

}  // namespace
}  // namespace billflow
