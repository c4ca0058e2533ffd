// The same cases against every Database backend, so SQLite, MySQL, PostgreSQL and the Data
// API cannot drift. Each case gets a fresh, migrated database; assertions go through the Database
// interface, or through SQL that reads the same on every dialect. The Data API backend runs
// through tools/data_api_emulator.py over the MariaDB the MySQL backend uses (data_api) and, with
// the emulator's PostgreSQL engine, over the PostgreSQL server (data_api_postgres).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <thread>

#include "sink_contract_fixture.h"

namespace billflow::contract {
namespace {

TEST_P(SinkContractTest, RowsRejectsAndLedgerCommitTogether) {
  const auto s =
      Load("a.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,10.5\n" +
                        "2,B,CA,Y,P,I,2023/05/02,CAD,100\n3,C,US,X,P,I,2023-02-30,USD,1\n");
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "2");
  EXPECT_EQ(db_->Query("SELECT bill_date FROM billing_data WHERE id='2'"), "2023-05-02");
  EXPECT_EQ(db_->Query("SELECT bill_amount FROM billing_data WHERE id='2'"), "100.0000");
  EXPECT_EQ(db_->Query("SELECT bill_amount_usd FROM billing_data WHERE id='2'"), "79.00");
  EXPECT_EQ(*Decimal::FromString(db_->Query("SELECT fx_rate FROM billing_data WHERE id='2'")),
            Decimal(79, 2));
  EXPECT_EQ(db_->Query("SELECT line_number FROM billing_data WHERE id='2'"), "3");
  const auto rejects = Rejects();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].source, Source("a.csv"));
  EXPECT_EQ(rejects[0].line_number, 4u);
  EXPECT_EQ(rejects[0].reason, "bill_date \"2023-02-30\" is not a calendar date");
  EXPECT_EQ(rejects[0].raw_line, "3,C,US,X,P,I,2023-02-30,USD,1");
  const auto files = Files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].status, "loaded");
  EXPECT_EQ(files[0].rows_read, 3u);
  EXPECT_EQ(files[0].rows_loaded, 2u);
  EXPECT_EQ(files[0].rows_rejected, 1u);
  EXPECT_EQ(files[0].usd_total, "89.50");
  EXPECT_EQ(files[0].error, "");
  EXPECT_EQ(files[0].finished_at.size(), 24u) << files[0].finished_at;  // 2025-06-01T12:00:00.000Z
}

TEST_P(SinkContractTest, DuplicateIdInOneFileIsRejectedNotDropped) {
  std::string body = kHeader;
  for (int i = 1; i <= 30; ++i) body += Row(std::to_string(i), "1");
  body += Row("7", "2") + Row("30", "4") + Row("7", "8");  // lines 32-34, after several batches
  const auto s = Load("d.csv", body);
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(s.tally.rows_loaded, 30u);
  EXPECT_EQ(s.tally.rows_rejected, 3u);
  EXPECT_EQ(s.tally.usd_total.ToString(), "30.00");
  const auto rejects = Rejects();
  ASSERT_EQ(rejects.size(), 3u);
  EXPECT_EQ(rejects[0].line_number, 32u);
  EXPECT_EQ(rejects[0].reason, "duplicate id \"7\" (first on line 8)");
  EXPECT_EQ(rejects[0].raw_line, "7,A,US,X,P,I,2023-05-01,USD,2");
  EXPECT_EQ(rejects[1].reason, "duplicate id \"30\" (first on line 31)");
  EXPECT_EQ(rejects[2].reason, "duplicate id \"7\" (first on line 8)");
  const auto files = Files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].rows_loaded, 30u);
  EXPECT_EQ(files[0].rows_rejected, 3u);
  EXPECT_EQ(files[0].usd_total, "30.00");
  EXPECT_EQ(db_->Query("SELECT line_number FROM billing_data WHERE id='7'"), "8");
}

TEST_P(SinkContractTest, IdsCompareByteForByte) {
  const auto s =
      Load("c.csv", std::string(kHeader) + Row("a", "1") + Row("A", "2") + Row("7", "3") +
                        Row("7 ", "4") + Row("\xC3\xA9", "5") + Row("e\xCC\x81", "6"));
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(s.tally.rows_loaded, 6u);
  EXPECT_EQ(s.tally.rows_rejected, 0u);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "6");
}

TEST_P(SinkContractTest, SameIdsInDifferentFilesAreAllKept) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + Row("1", "1")).status, FileStatus::kLoaded);
  ASSERT_EQ(Load("b.csv", std::string(kHeader) + Row("1", "2")).status, FileStatus::kLoaded);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data WHERE id='1'"), "2");
}

TEST_P(SinkContractTest, SameContentAgainChangesNothingNewContentReplaces) {
  const std::string v1 = std::string(kHeader) + Row("1", "1") + Row("2", "2");
  ASSERT_EQ(Load("a.csv", v1).status, FileStatus::kLoaded);
  const auto again = Load("a.csv", v1);
  EXPECT_EQ(again.status, FileStatus::kUnchanged);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "2");
  // Same size, different bytes: the commit-time hash check decides.
  const auto v2 = Load("a.csv", std::string(kHeader) + Row("9", "5") + Row("8", "0"));
  EXPECT_EQ(v2.status, FileStatus::kReplaced);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "2");
  EXPECT_EQ(db_->Query("SELECT MIN(id) FROM billing_data"), "8");
  const auto files = Files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].usd_total, "5.00");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_files"), "1");
}

TEST_P(SinkContractTest, SameContentFoundAtCommitIsRolledBack) {
  const std::string body = std::string(kHeader) + Row("1", "1");
  ASSERT_EQ(Load("a.csv", body).status, FileStatus::kLoaded);
  FileIdentity file{Source("a.csv"), "", 0, "", "", "", ""};
  ASSERT_EQ(*sink_->BeginFile(file), BeginOutcome::kProceed);
  file.content_sha256 = (*sink_->FindFile(file.source))->content_sha256;
  auto committed = sink_->CommitFile(file, {});
  ASSERT_TRUE(committed) << committed.error().message;
  EXPECT_EQ(committed->outcome, CommitOutcome::kUnchanged);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "1");
  EXPECT_EQ(db_->Query("SELECT status FROM billing_files"), "loaded");
}

TEST_P(SinkContractTest, FailedFileLeavesNothingAndKeepsLoadedVersion) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + Row("1", "1")).status, FileStatus::kLoaded);
  const auto bad = Load("a.csv", "id,company_name\n1,A\n");
  EXPECT_EQ(bad.status, FileStatus::kFailed);
  ASSERT_TRUE(sink_->RecordFailure({Source("a.csv"), "ff", 5, "", "", "", ""}, bad.error));
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "1");
  EXPECT_EQ(db_->Query("SELECT status FROM billing_files"), "loaded");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_files WHERE error IS NOT NULL"), "0");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_files WHERE status='loading'"), "0");
}

TEST_P(SinkContractTest, FailureOfNewSourceIsRecordedAndUpdated) {
  ASSERT_TRUE(sink_->RecordFailure({Source("x.csv"), "", 0, "", "", "", ""}, "x.csv:1: first"));
  ASSERT_TRUE(sink_->RecordFailure({Source("x.csv"), "", 0, "", "", "", ""}, "x.csv:1: second"));
  const auto files = Files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].status, "failed");
  EXPECT_EQ(files[0].error, "x.csv:1: second");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "0");
  // A later good load takes the failed entry over.
  EXPECT_EQ(Load("x.csv", std::string(kHeader) + Row("1", "1")).status, FileStatus::kLoaded);
  EXPECT_EQ(Files()[0].error, "");
  EXPECT_EQ(Files()[0].status, "loaded");
}

TEST_P(SinkContractTest, RolledBackFileLeavesNothing) {
  FileIdentity file{Source("r.csv"), "", 0, "", "", "", ""};
  ASSERT_EQ(*sink_->BeginFile(file), BeginOutcome::kProceed);
  BillingRecord row;
  row.id = "1";
  row.line_number = 2;
  row.company_name = row.city = row.product_line = row.item = "x";
  row.country = "US";
  row.currency[0] = 'U', row.currency[1] = 'S', row.currency[2] = 'D';
  (void)ParseCivilDate("2023-01-01", &row.bill_date);
  row.bill_amount = Decimal(10000, 4);
  row.fx_rate = Decimal(1, 0);
  row.bill_amount_usd = Decimal(100, 2);
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(std::to_string(i));
  for (int i = 0; i < 50; ++i) {  // flushed in batches on MySQL
    row.id = ids[static_cast<std::size_t>(i)];
    row.line_number = static_cast<std::uint64_t>(i + 2);
    auto added = sink_->AddRow(row);
    ASSERT_TRUE(added) << added.error().message;
  }
  sink_->RollbackFile();
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "0");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_files"), "0");
  EXPECT_EQ(Load("r.csv", std::string(kHeader) + Row("1", "1")).status, FileStatus::kLoaded);
}

TEST_P(SinkContractTest, OlderVersionNeverReplacesNewer) {
  FileIdentity newer{"s3://b/k.csv", "", 1, "v2", "00000000000000000002", "", ""};
  ASSERT_EQ(*sink_->BeginFile(newer), BeginOutcome::kProceed);
  newer.content_sha256 = "aa";
  ASSERT_TRUE(sink_->CommitFile(newer, {}));
  FileIdentity older{"s3://b/k.csv", "", 1, "v1", "00000000000000000001", "", ""};
  EXPECT_EQ(*sink_->BeginFile(older), BeginOutcome::kStale);
  EXPECT_EQ(db_->Query("SELECT version_tag FROM billing_files"), "v2");
  auto entry = sink_->FindFile("s3://b/k.csv");
  ASSERT_TRUE(entry && *entry);
  EXPECT_EQ((*entry)->version_order, "00000000000000000002");
  EXPECT_EQ((*entry)->content_sha256, "aa");
  // The stale check holds no lock: the same sink goes on with another file.
  EXPECT_EQ(Load("n.csv", std::string(kHeader) + Row("1", "1")).status, FileStatus::kLoaded);
}

TEST_P(SinkContractTest, TotalsAreExactPerGroup) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,0.1\n" +
                              "2,A,US,X,P,I,2023-05-09,USD,0.2\n3,B,MX,Y,P,I,2023-06-01,MXN,0.3\n")
                .status,
            FileStatus::kLoaded);
  auto totals = sink_->Totals(GroupBy::kMonth);
  ASSERT_TRUE(totals);
  ASSERT_EQ(totals->size(), 2u);
  EXPECT_EQ((*totals)[0].key, "2023-05");
  EXPECT_EQ((*totals)[0].currency, "USD");
  EXPECT_EQ((*totals)[0].usd_total.ToString(), "0.30");
  EXPECT_EQ((*totals)[0].rows, 2u);
  EXPECT_EQ((*totals)[1].usd_total.ToString(), "0.02");  // 0.3 x 0.05 = 0.015 -> 0.02 half-even
  EXPECT_EQ((*totals)[1].amount_total.ToString(), "0.3000");
}

TEST_P(SinkContractTest, TextRoundTripsAndGroupsByteForByte) {
  ASSERT_EQ(Load("u.csv", std::string(kHeader) +
                              Row("1", "1", "USD",
                                  "\"Panader\xC3\xAD"
                                  "a, \"\"Sol\"\"\"") +
                              Row("2", "2", "USD", "\xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x90\x84") +
                              Row("3", "4", "USD", "acme") + Row("4", "8", "USD", "Acme") +
                              Row("5", "16", "USD", "Acme "))
                .status,
            FileStatus::kLoaded);
  auto totals = sink_->Totals(GroupBy::kCompany);
  ASSERT_TRUE(totals) << totals.error().message;
  ASSERT_EQ(totals->size(), 5u);
  EXPECT_EQ((*totals)[0].key, "Acme");
  EXPECT_EQ((*totals)[0].usd_total.ToString(), "8.00");
  EXPECT_EQ((*totals)[1].key, "Acme ");
  EXPECT_EQ((*totals)[2].key,
            "Panader\xC3\xAD"
            "a, \"Sol\"");
  EXPECT_EQ((*totals)[3].key, "acme");
  EXPECT_EQ((*totals)[4].key, "\xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x90\x84");
}

TEST_P(SinkContractTest, RejectKeepsInvalidUtf8Bytes) {
  const std::string bad_line = "1,\xFF\xFE\x80,US,X,P,I,2023-05-01,USD,1";
  ASSERT_EQ(Load("b.csv", std::string(kHeader) + bad_line + "\n" + Row("2", "1")).status,
            FileStatus::kLoaded);
  const auto rejects = Rejects();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].raw_line, bad_line);
}

TEST_P(SinkContractTest, RatesRoundTrip) {
  ASSERT_TRUE(sink_->SaveRates(FxRateTable::Default().Entries()));
  ASSERT_TRUE(sink_->SaveRates(FxRateTable::Default().Entries()));  // upsert, no duplicate
  auto rates = sink_->LoadRates();
  ASSERT_TRUE(rates) << rates.error().message;
  ASSERT_EQ(rates->size(), 3u);
  EXPECT_EQ((*rates)[0].currency, "CAD");
  EXPECT_EQ((*rates)[0].rate_to_usd.ToString(), "0.79");
  EXPECT_EQ((*rates)[0].valid_from.ToString(), "1970-01-01");
}

TEST_P(SinkContractTest, SampleFilesLoadExactly) {
  const auto dir = testing::SampleDir();
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " missing";
  std::uint64_t loaded = 0;
  std::uint64_t rejected = 0;
  Decimal usd(0, 2);
  for (const char* name :
       {"billing_bakery_2025_06.csv", "billing_dairy_2025_06.csv", "billing_meat_2025_06.csv"}) {
    const auto s = LoadFile(dir / name, sink_.get());
    ASSERT_EQ(s.status, FileStatus::kLoaded) << name << ": " << s.error;
    loaded += s.tally.rows_loaded;
    rejected += s.tally.rows_rejected;
    usd = *usd.Add(s.tally.usd_total);
    EXPECT_EQ(LoadFile(dir / name, sink_.get()).status, FileStatus::kUnchanged);
  }
  // The totals tests/e2e/oracle.py computes for examples/ (e2e_ExamplesTest holds billflow to it).
  EXPECT_EQ(loaded, 18U);
  EXPECT_EQ(rejected, 3U);
  EXPECT_EQ(usd.ToString(), "651553.84");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "18");
  const auto rejects = Rejects();
  ASSERT_EQ(rejects.size(), 3U);
  EXPECT_EQ(rejects[0].line_number, 9U);
  auto totals = sink_->Totals(GroupBy::kFile);
  ASSERT_TRUE(totals);
  Decimal sum(0, 2);
  for (const auto& t : *totals) sum = *sum.Add(t.usd_total);
  EXPECT_EQ(sum.ToString(), "651553.84");
}

// 101 x 1,000,000,000,000,000.00 USD passes 64-bit cents: what ingest accepts, the report
// must total exactly.
TEST_P(SinkContractTest, ReportTotalsTheLargestAmountsIngestAcceptsExactly) {
  std::string body = kHeader;
  for (int i = 1; i <= 101; ++i) body += Row(std::to_string(i), "999999999999999.9999");
  const auto s = Load("big.csv", body);
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(s.tally.rows_loaded, 101u);
  EXPECT_EQ(s.tally.usd_total.ToString(), "101000000000000000.00");
  EXPECT_EQ(Files()[0].usd_total, "101000000000000000.00");
  auto totals = sink_->Totals(GroupBy::kCurrency);
  ASSERT_TRUE(totals) << totals.error().message;
  ASSERT_EQ(totals->size(), 1u);
  EXPECT_EQ((*totals)[0].rows, 101u);
  EXPECT_EQ((*totals)[0].amount_total.ToString(), "100999999999999999.9899");
  EXPECT_EQ((*totals)[0].usd_total.ToString(), "101000000000000000.00");
}

TEST_P(SinkContractTest, RatesReadFailsOnAMalformedStoredRateInsteadOfSkippingIt) {
  ASSERT_TRUE(sink_->SaveRates(FxRateTable::Default().Entries()));
  ASSERT_TRUE(db_->CorruptCadRate());
  auto rates = sink_->LoadRates();
  ASSERT_FALSE(rates) << rates->size() << " rates";
  EXPECT_EQ(rates.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(rates.error().message,
            db_->Label() + ": fx_rates row CAD 1970-01-01 rate \"not-a-rate\" is malformed");
}

TEST_P(SinkContractTest, RatesReadBackInTheSameCanonicalFormOnEveryBackend) {
  std::vector<FxRate> rates = FxRateTable::Default().Entries();
  rates.push_back({"EUR", CivilDate{2025, 6, 2}, *Decimal::FromString("1.1350000000"), "ecb"});
  rates.push_back({"JPY", CivilDate{2025, 6, 2}, *Decimal::FromString("0.0069340"), "ecb"});
  ASSERT_TRUE(sink_->SaveRates(rates));
  auto stored = sink_->LoadRates();
  ASSERT_TRUE(stored) << stored.error().message;
  std::vector<std::string> shown;
  for (const FxRate& rate : *stored) {
    shown.push_back(rate.currency + " " + rate.valid_from.ToString() + " " +
                    rate.rate_to_usd.ToString() + " " + rate.source);
  }
  EXPECT_EQ(shown,
            (std::vector<std::string>{"CAD 1970-01-01 0.79 default", "EUR 2025-06-02 1.135 ecb",
                                      "JPY 2025-06-02 0.006934 ecb", "MXN 1970-01-01 0.05 default",
                                      "USD 1970-01-01 1 default"}));
}

TEST_P(SinkContractTest, VersionOneDatabaseIsUpgradedKeepingItsLedgerAndRows) {
  const std::string body = std::string(kHeader) + Row("1", "10.5");
  ASSERT_EQ(Load("v1.csv", body).status, FileStatus::kLoaded);
  sink_.reset();
  ASSERT_TRUE(db_->DowngradeToVersionOne());
  sink_ = db_->Open();  // migrates
  ASSERT_NE(sink_, nullptr);
  EXPECT_EQ(db_->Query("SELECT MAX(version) FROM schema_version"), "4");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_files WHERE profile IS NULL AND "
                       "profile_sha256 IS NULL"),
            "1");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "1");
  EXPECT_EQ(Files()[0].usd_total, "10.50");
  // Loaded before the upgrade means read with the default settings: still unchanged.
  EXPECT_EQ(Load("v1.csv", body).status, FileStatus::kUnchanged);
}

TEST_P(SinkContractTest, SameBytesReadWithOtherSettingsReplaceTheLoadedVersion) {
  const std::string body = std::string(kHeader) + Row("1", "1");
  ASSERT_EQ(Load("p.csv", body).status, FileStatus::kLoaded);
  const std::string sha = (*sink_->FindFile(Source("p.csv")))->content_sha256;
  FileIdentity file{Source("p.csv"), "", 0, "", "", "semicolons", std::string(64, 'a')};
  ASSERT_EQ(*sink_->BeginFile(file), BeginOutcome::kProceed);
  file.content_sha256 = sha;
  auto replaced = sink_->CommitFile(file, {});
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_EQ(replaced->outcome, CommitOutcome::kReplaced);
  EXPECT_EQ(db_->Query("SELECT profile FROM billing_files"), "semicolons");
  EXPECT_EQ(db_->Query("SELECT profile_sha256 FROM billing_files"), std::string(64, 'a'));
  // The same bytes with the same settings again: unchanged.
  ASSERT_EQ(*sink_->BeginFile(file), BeginOutcome::kProceed);
  auto again = sink_->CommitFile(file, {});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->outcome, CommitOutcome::kUnchanged);
}

TEST_P(SinkContractTest, ConcurrentLoadsOfOneFileSerializeAndLoadOnce) {
  std::string body = kHeader;
  for (int i = 1; i <= 200; ++i) body += Row(std::to_string(i), "1.25");
  const auto path = dir_.Write("same.csv", body);
  std::vector<IngestSummary> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&, out = &result] {
      auto db = db_->Open();
      *out = LoadFile(path, db.get());
    });
  }
  for (auto& t : threads) t.join();
  int loaded = 0;
  int unchanged = 0;
  for (const auto& r : results) {
    ASSERT_NE(r.status, FileStatus::kFailed) << r.error;
    loaded += r.status == FileStatus::kLoaded ? 1 : 0;
    unchanged += r.status == FileStatus::kUnchanged ? 1 : 0;
  }
  EXPECT_EQ(loaded, 1);
  EXPECT_EQ(unchanged, 3);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "200");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_files"), "1");
  EXPECT_EQ(Files()[0].usd_total, "250.00");
}

// A loader that finds another loader of the same source inside its transaction waits for it,
// but not for ever: past its lock wait it fails as a retryable error (IngestWithRetry tries
// again), and once the other is done the same load goes through.
TEST_P(SinkContractTest, LoaderWaitingPastItsLockTimeoutFailsRetryablyThenLoads) {
  auto waiter = db_->OpenWaitingAtMost(1);
  if (waiter == nullptr) GTEST_SKIP() << db_->Label() << ": the cluster's lock wait decides";
  const auto path = dir_.Write("held.csv", std::string(kHeader) + Row("1", "1.25"));
  FileIdentity held;
  held.source = Source("held.csv");
  auto begun = sink_->BeginFile(held);
  ASSERT_TRUE(begun) << begun.error().message;
  ASSERT_EQ(*begun, BeginOutcome::kProceed);
  const IngestSummary waited = LoadFile(path, waiter.get());
  EXPECT_EQ(waited.status, FileStatus::kFailed);
  ASSERT_TRUE(waited.error_code.has_value()) << waited.error;
  EXPECT_TRUE(IsRetryable(*waited.error_code)) << waited.error;
  std::cout << GetParam() << ": " << waited.error << "\n";
  sink_->RollbackFile();
  const IngestSummary loaded = LoadFile(path, waiter.get());
  EXPECT_EQ(loaded.status, FileStatus::kLoaded) << loaded.error;
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "1");
}

INSTANTIATE_TEST_SUITE_P(Backends, SinkContractTest,
                         ::testing::Values("sqlite", "mysql", "postgres", "data_api",
                                           "data_api_postgres"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace billflow::contract
