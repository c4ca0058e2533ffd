// Sink contract cases about rate-missing rejects settling once their rate exists
// (Database::RetryRejects). Instantiated on every backend with the rest of the suite
// (sink_contract_test.cc).
#include <gtest/gtest.h>

#include "pipeline/ingest_job.h"
#include "sink_contract_fixture.h"
#include "sources/file_source.h"

namespace billflow::contract {
namespace {

// A bill of each kind a retry meets: one loaded, two that the EUR rate settles, one whose
// GBP rate never comes, one that is wrong anyway, and one whose id the file already loaded.
constexpr char kRetryBody[] =
    "1,A,US,X,P,I,2025-07-01,USD,10.00\n"   // line 2: loaded
    "2,A,DE,X,P,I,2025-07-02,EUR,100.5\n"   // line 3: no EUR rate yet
    "3,A,DE,X,P,I,2025/07/04,eur,33.333\n"  // line 4: no EUR rate yet
    "4,A,GB,X,P,I,2025-07-02,GBP,7\n"       // line 5: no GBP rate, ever
    "5,A,DE,X,P,I,2025-02-30,EUR,1\n"       // line 6: not a date
    "1,A,DE,X,P,I,2025-07-02,EUR,5\n";      // line 7: no rate yet, and id 1 is loaded

// The rates the file was loaded with (USD only, implicitly), and the ECB's EUR of 2025-07-01.
FxRateTable RatesWithEur() {
  FxRateTable rates;
  EXPECT_TRUE(rates.Add({"EUR", CivilDate{2025, 7, 1}, Decimal(11, 1), kEcbSource}));
  return rates;
}

std::vector<RetriedFile> Retry(Database* db, const FxRateTable& rates) {
  auto retried = db->RetryRejects(rates, RetryOptions{});
  EXPECT_TRUE(retried) << retried.error().message;
  return retried ? *retried : std::vector<RetriedFile>{};
}

TEST_P(SinkContractTest, RateMissingRejectsSettleOnceTheirRateExistsAndOnlyOnce) {
  const FxRateTable no_rates;
  auto source = FileSource::Open(dir_.Write("retry.csv", std::string(kHeader) + kRetryBody));
  ASSERT_TRUE(source) << source.error().message;
  IngestJob job(no_rates, IngestOptions{});
  const IngestSummary s = job.Run(**source, sink_.get());
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  ASSERT_EQ(s.tally.rows_loaded, 1u);
  ASSERT_EQ(s.tally.rows_rejected, 5u);

  const auto retried = Retry(sink_.get(), RatesWithEur());
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].source, Source("retry.csv"));
  EXPECT_EQ(retried[0].settled, 2u);
  EXPECT_EQ(retried[0].still_missing, 1u);
  EXPECT_EQ(retried[0].duplicates, 1u);
  EXPECT_EQ(retried[0].usd_before.ToString(), "10.00");
  // 10.00 + 100.5 x 1.1 (110.55) + 33.333 x 1.1 (36.6663 -> 36.67)
  EXPECT_EQ(retried[0].usd_after.ToString(), "157.22");

  const auto files = Files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].rows_read, 6u);
  EXPECT_EQ(files[0].rows_loaded, 3u);
  EXPECT_EQ(files[0].rows_rejected, 3u);
  EXPECT_EQ(files[0].usd_total, "157.22");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "3");
  EXPECT_EQ(db_->Query("SELECT bill_amount_usd FROM billing_data WHERE id='2'"), "110.55");
  EXPECT_EQ(db_->Query("SELECT bill_amount_usd FROM billing_data WHERE id='3'"), "36.67");
  EXPECT_EQ(db_->Query("SELECT line_number FROM billing_data WHERE id='3'"), "4");
  EXPECT_EQ(db_->Query("SELECT bill_date FROM billing_data WHERE id='3'"), "2025-07-04");
  EXPECT_EQ(db_->Query("SELECT fx_rate_date FROM billing_data WHERE id='3'"), "2025-07-01");
  EXPECT_EQ(db_->Query("SELECT fx_rate_source FROM billing_data WHERE id='3'"), "ecb");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data WHERE id='1' AND line_number = 2"), "1");

  const auto rejects = Rejects();
  ASSERT_EQ(rejects.size(), 3u);
  EXPECT_EQ(rejects[0].line_number, 5u);
  EXPECT_EQ(rejects[0].reason, "currency GBP has no USD rate on 2025-07-02");
  EXPECT_EQ(rejects[0].raw_line, "4,A,GB,X,P,I,2025-07-02,GBP,7");
  EXPECT_EQ(rejects[1].line_number, 6u);
  EXPECT_EQ(rejects[1].reason, "bill_date \"2025-02-30\" is not a calendar date");
  EXPECT_EQ(rejects[2].line_number, 7u);
  EXPECT_EQ(rejects[2].reason, "duplicate id \"1\" (first on line 2)");
  EXPECT_EQ(rejects[2].raw_line, "1,A,DE,X,P,I,2025-07-02,EUR,5");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_rejects WHERE retry_fields IS NOT NULL"), "1");

  // A second retry with the same rates changes nothing.
  const auto again = Retry(sink_.get(), RatesWithEur());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].settled, 0u);
  EXPECT_EQ(again[0].still_missing, 1u);
  EXPECT_EQ(again[0].duplicates, 0u);
  EXPECT_EQ(again[0].usd_after.ToString(), "157.22");
  const auto files_again = Files();
  ASSERT_EQ(files_again.size(), 1u);
  EXPECT_EQ(files_again[0].rows_loaded, 3u);
  EXPECT_EQ(files_again[0].rows_rejected, 3u);
  EXPECT_EQ(files_again[0].usd_total, "157.22");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data"), "3");
  EXPECT_EQ(Rejects().size(), 3u);
}

TEST_P(SinkContractTest, RetryWithoutRateMissingRejectsTouchesNothing) {
  ASSERT_EQ(Load("clean.csv", std::string(kHeader) + Row("1", "2") +
                                  "2,A,US,X,P,I,2025-02-30,"
                                  "USD,1\n")
                .status,
            FileStatus::kLoaded);
  EXPECT_TRUE(Retry(sink_.get(), RatesWithEur()).empty());
  const auto files = Files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].rows_loaded, 1u);
  EXPECT_EQ(files[0].rows_rejected, 1u);
  EXPECT_EQ(files[0].usd_total, "2.00");
}

// EUR from 2025-07-01 at `rate`, from a corrections file (no age limit).
FxRateTable EurAt(const char* rate) {
  FxRateTable rates;
  EXPECT_TRUE(rates.Add({"EUR", CivilDate{2025, 7, 1}, *Decimal::FromString(rate), "fix.csv"}));
  return rates;
}

IngestSummary LoadAt(const std::filesystem::path& path, Database* db, const FxRateTable& rates) {
  auto source = FileSource::Open(path.string());
  EXPECT_TRUE(source) << source.error().message;
  if (!source) return {};
  IngestJob job(rates, IngestOptions{});
  return job.Run(**source, db);
}

constexpr char kEuroBills[] =
    "1,A,DE,X,P,I,2025-07-02,EUR,100\n"     // 110.00, then 120.00
    "2,A,DE,X,P,I,2025-07-03,EUR,10.005\n"  // 11.0055 -> 11.01, then 12.006 -> 12.01
    "3,A,US,X,P,I,2025-07-03,USD,5\n";      // 5.00

TEST_P(SinkContractTest, ReconvertAppliesCorrectedRatesLikeAFreshLoadAndRecordsTheRun) {
  ASSERT_EQ(
      LoadAt(dir_.Write("a.csv", std::string(kHeader) + kEuroBills), sink_.get(), EurAt("1.1"))
          .status,
      FileStatus::kLoaded);
  ASSERT_EQ(LoadAt(dir_.Write("b.csv", std::string(kHeader) + "1,A,DE,X,P,I,2025-07-10,EUR,20\n"),
                   sink_.get(), EurAt("1.1"))
                .status,
            FileStatus::kLoaded);
  ReconvertRequest request;
  request.currency = "EUR";
  request.from = CivilDate{2025, 7, 1};
  request.to = CivilDate{2025, 7, 5};
  request.dry_run = true;
  const FxRateTable corrected = EurAt("1.2");

  auto dry = sink_->Reconvert(corrected, request);
  ASSERT_TRUE(dry) << dry.error().message;
  EXPECT_EQ(dry->rows_changed, 2u);
  EXPECT_EQ(dry->old_usd.ToString(), "121.01");
  EXPECT_EQ(dry->new_usd.ToString(), "132.01");
  ASSERT_EQ(dry->files.size(), 1u);
  EXPECT_EQ(dry->files[0].usd_after.ToString(), "137.01");
  EXPECT_EQ(db_->Query("SELECT usd_total FROM billing_files WHERE source LIKE '%a.csv'"), "126.01");
  EXPECT_EQ(db_->Query("SELECT bill_amount_usd FROM billing_data WHERE id='1' AND line_number=2 "
                       "AND bill_date='2025-07-02'"),
            "110.00");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM fx_reconversions"), "0");

  request.dry_run = false;
  auto run = sink_->Reconvert(corrected, request);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->rows_changed, 2u);
  ASSERT_EQ(run->files.size(), 1u);
  EXPECT_EQ(run->files[0].source, Source("a.csv"));
  EXPECT_EQ(run->files[0].usd_before.ToString(), "126.01");
  EXPECT_EQ(run->files[0].usd_after.ToString(), "137.01");
  EXPECT_EQ(db_->Query("SELECT usd_total FROM billing_files WHERE source LIKE '%a.csv'"), "137.01");
  EXPECT_EQ(db_->Query("SELECT usd_total FROM billing_files WHERE source LIKE '%b.csv'"), "22.00");
  EXPECT_EQ(db_->Query("SELECT bill_amount_usd FROM billing_data d JOIN billing_files f ON "
                       "f.file_id = d.file_id WHERE f.source LIKE '%a.csv' AND d.id = '2'"),
            "12.01");
  EXPECT_EQ(db_->Query("SELECT fx_rate_date FROM billing_data WHERE id = '2'"), "2025-07-01");

  // A fresh load of the same bills under the corrected rates stores the same total.
  const auto fresh =
      LoadAt(dir_.Write("c.csv", std::string(kHeader) + kEuroBills), sink_.get(), corrected);
  ASSERT_EQ(fresh.status, FileStatus::kLoaded) << fresh.error;
  EXPECT_EQ(fresh.tally.usd_total.ToString(), "137.01");

  auto runs = sink_->Reconversions();
  ASSERT_TRUE(runs) << runs.error().message;
  ASSERT_EQ(runs->size(), 1u);
  const StoredReconversion& r = (*runs)[0];
  EXPECT_EQ(r.currency, "EUR");
  EXPECT_EQ(r.from_date, "2025-07-01");
  EXPECT_EQ(r.to_date, "2025-07-05");
  EXPECT_EQ(r.files, 1u);
  EXPECT_EQ(r.rows_changed, 2u);
  EXPECT_EQ(r.old_usd_total, "121.01");
  EXPECT_EQ(r.new_usd_total, "132.01");
  EXPECT_EQ(r.run_at.size(), 19u);

  // Again: nothing left to change, and the run is recorded as such.
  auto again = sink_->Reconvert(corrected, request);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->rows_changed, 0u);
  EXPECT_EQ(db_->Query("SELECT usd_total FROM billing_files WHERE source LIKE '%a.csv'"), "137.01");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM fx_reconversions WHERE rows_changed = 0"), "1");
  auto used = sink_->RowsUsingRate("EUR", CivilDate{2025, 7, 1});
  ASSERT_TRUE(used) << used.error().message;
  EXPECT_EQ(*used, 5u);  // a.csv 2, b.csv 1, c.csv 2
}

}  // namespace
}  // namespace billflow::contract
