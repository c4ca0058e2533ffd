// Sink contract cases about rates: which rate each loaded row used, the rate age limit, and the
// schema version that records them. Instantiated on every backend with the rest of the suite
// (sink_contract_test.cc).
#include <gtest/gtest.h>

#include "pipeline/ingest_job.h"
#include "sink_contract_fixture.h"
#include "sources/file_source.h"

namespace billflow::contract {
namespace {

// EUR from the ECB on 2025-06-02, CAD from a corrections file on 2025-01-01, and USD.
FxRateTable EcbAndFileRates() {
  FxRateTable rates;
  EXPECT_TRUE(rates.Add({"EUR", CivilDate{2025, 6, 2}, Decimal(1135, 3), kEcbSource}));
  EXPECT_TRUE(rates.Add({"CAD", CivilDate{2025, 1, 1}, Decimal(73, 2), "corrections.csv"}));
  return rates;
}

IngestSummary LoadWithRates(const std::filesystem::path& path, Database* db,
                            const FxRateTable& rates, ValidatorOptions validator = {}) {
  auto source = FileSource::Open(path.string());
  EXPECT_TRUE(source) << source.error().message;
  if (!source) return {};
  IngestOptions options;
  options.validator = validator;
  IngestJob job(rates, options);
  return job.Run(**source, db);
}

TEST_P(SinkContractTest, LoadedRowsRecordTheDateAndSourceOfTheirRate) {
  const auto s = Load("r.csv", std::string(kHeader) + Row("1", "10", "CAD") + Row("2", "3"));
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(db_->Query("SELECT fx_rate_date FROM billing_data WHERE id='1'"), "1970-01-01");
  EXPECT_EQ(db_->Query("SELECT fx_rate_source FROM billing_data WHERE id='1'"), "default");
  // USD needs no table rate: it records its own bill_date.
  EXPECT_EQ(db_->Query("SELECT fx_rate_date FROM billing_data WHERE id='2'"), "2023-05-01");
  EXPECT_EQ(db_->Query("SELECT fx_rate_source FROM billing_data WHERE id='2'"), "USD");
}

TEST_P(SinkContractTest, BillThirtyDaysAfterTheNewestEcbRateIsARateMissingReject) {
  const FxRateTable rates = EcbAndFileRates();
  const std::string body = std::string(kHeader) +
                           "1,A,DE,X,P,I,2025-06-09,EUR,100\n"   // 7 days: still usable
                           "2,A,DE,X,P,I,2025-07-02,EUR,100\n"   // 30 days: too old
                           "3,A,CA,X,P,I,2025-07-02,CAD,100\n"   // a file's rate stands
                           "4,A,US,X,P,I,2099-01-01,USD,100\n";  // USD has no age
  const auto s = LoadWithRates(dir_.Write("age.csv", body), sink_.get(), rates);
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(s.tally.rows_loaded, 3u);
  EXPECT_EQ(s.tally.usd_total.ToString(), "286.50");
  EXPECT_EQ(db_->Query("SELECT fx_rate_date FROM billing_data WHERE id='1'"), "2025-06-02");
  EXPECT_EQ(db_->Query("SELECT fx_rate_source FROM billing_data WHERE id='1'"), "ecb");
  EXPECT_EQ(db_->Query("SELECT fx_rate_date FROM billing_data WHERE id='3'"), "2025-01-01");
  EXPECT_EQ(db_->Query("SELECT fx_rate_source FROM billing_data WHERE id='3'"), "corrections.csv");
  const auto rejects = Rejects();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].line_number, 3u);
  EXPECT_EQ(rejects[0].reason,
            "currency EUR has no USD rate on 2025-07-02 at most 7 days old: the newest is of "
            "2025-06-02 (ecb, 30 days older); import newer rates or raise --max-rate-age-days");
}

TEST_P(SinkContractTest, RateMissingRejectsKeepTheirFieldsForARetryOthersDoNot) {
  const std::string body = std::string(kHeader) +
                           "1,\"A\tB\",DE,X,P,I,2025/07/02,eur, 100.5\n"  // no rate yet
                           "2,A,DE,X,P,I,2025-02-30,EUR,100\n";           // never valid
  const auto s = Load("retry.csv", body);
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(db_->Query("SELECT retry_fields FROM billing_rejects WHERE line_number = 2"),
            "1\tA\\tB\tDE\tX\tP\tI\t2025-07-02\tEUR\t100.5000");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_rejects WHERE line_number = 3 AND "
                       "retry_fields IS NULL"),
            "1");
}

TEST_P(SinkContractTest, MaxRateAgeDaysAppliesToEverySource) {
  const FxRateTable rates = EcbAndFileRates();
  ValidatorOptions validator;
  validator.rate_age.all_sources_days = 60;
  const std::string body = std::string(kHeader) +
                           "1,A,DE,X,P,I,2025-07-02,EUR,100\n"   // 30 days: within 60
                           "2,A,CA,X,P,I,2025-07-02,CAD,100\n";  // 182 days: too old
  const auto s = LoadWithRates(dir_.Write("age60.csv", body), sink_.get(), rates, validator);
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(s.tally.rows_loaded, 1u);
  EXPECT_EQ(s.tally.usd_total.ToString(), "113.50");
  const auto rejects = Rejects();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].reason,
            "currency CAD has no USD rate on 2025-07-02 at most 60 days old: the newest is of "
            "2025-01-01 (corrections.csv, 182 days older); import newer rates or raise "
            "--max-rate-age-days");
}

TEST_P(SinkContractTest, UpgradeRunAgainOverColumnsItAlreadyAddedSucceeds) {
  ASSERT_EQ(Load("u.csv", std::string(kHeader) + Row("1", "2")).status, FileStatus::kLoaded);
  sink_.reset();
  // An upgrade interrupted after its DDL (which MySQL commits at once) left every column in
  // place but recorded no version: the next migration must add only what is missing.
  ASSERT_TRUE(db_->Exec("DELETE FROM schema_version"));
  ASSERT_TRUE(db_->Exec(
      "INSERT INTO schema_version (version, applied_at) VALUES (1, '2025-01-01 00:00:00')"));
  sink_ = db_->Open();  // migrates (and fails the case if the migration fails)
  ASSERT_NE(sink_, nullptr);
  EXPECT_EQ(db_->Query("SELECT MAX(version) FROM schema_version"), "4");
  EXPECT_EQ(db_->Query("SELECT fx_rate_source FROM billing_data WHERE id='1'"), "USD");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM fx_reconversions"), "0");
}

TEST_P(SinkContractTest, TablesUpgradedFromVersionOneStoreRateColumnsOnEveryWritePath) {
  ASSERT_EQ(Load("old.csv", std::string(kHeader) + Row("1", "2")).status, FileStatus::kLoaded);
  sink_.reset();
  ASSERT_TRUE(db_->DowngradeToVersionOne());
  sink_ = db_->Open();  // upgrades to version 4 (and fails the case if that fails)
  ASSERT_NE(sink_, nullptr);
  // Rows repeating an id after several batches take each backend's duplicate path (PostgreSQL:
  // its staging table, made LIKE the upgraded billing_data).
  std::string body = kHeader;
  for (int i = 1; i <= 20; ++i) body += Row(std::to_string(i), "1");
  body += Row("21", "10", "CAD") + Row("5", "3") + Row("22", "4") +
          "23,A,DE,X,P,I,2025/07/02,eur,100\n";  // no EUR rate on that date
  const auto s = Load("new.csv", body);
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(s.tally.rows_loaded, 22u);
  EXPECT_EQ(s.tally.rows_rejected, 2u);
  EXPECT_EQ(s.tally.usd_total.ToString(), "31.90");
  // The row loaded before the upgrade names no rate; every row loaded after it does.
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data WHERE fx_rate_date IS NULL AND "
                       "fx_rate_source IS NULL"),
            "1");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_data WHERE fx_rate_source = 'USD' AND "
                       "fx_rate_date = bill_date"),
            "21");
  EXPECT_EQ(db_->Query("SELECT fx_rate_source FROM billing_data WHERE id='22' AND line_number "
                       "= 24"),
            "USD");
  EXPECT_EQ(db_->Query("SELECT fx_rate_source FROM billing_data WHERE id='21'"), "default");
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM billing_rejects WHERE line_number = 23 AND "
                       "retry_fields IS NULL"),
            "1");
  EXPECT_EQ(db_->Query("SELECT retry_fields FROM billing_rejects WHERE line_number = 25"),
            "23\tA\tDE\tX\tP\tI\t2025-07-02\tEUR\t100.0000");
}

// What an ingest reads on its first lookup of a currency in a year: that currency's rates of
// the window and the latest before it (past one Data API answer's 5,000 rows in a long
// window), by date, exactly as stored, and none of its neighbours' in the key.
TEST_P(SinkContractTest, CurrencyRatesOfAWindowAreItsRatesAndTheLatestBeforeItOnly) {
  auto empty = sink_->HasRates();
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_FALSE(*empty);
  const std::int64_t first_day = CivilDate{2010, 1, 1}.DaysSinceEpoch();
  constexpr int kDays = 5100;
  std::vector<FxRate> rates;
  rates.reserve(kDays + 3);
  for (int i = 0; i < kDays; ++i) {
    rates.push_back({"EUR", CivilDate::FromDaysSinceEpoch(first_day + i),
                     Decimal(10000000000 + i, 10), kEcbSource});
  }
  rates.push_back({"DKK", CivilDate{2010, 1, 1}, Decimal(15, 2), "corrections.csv"});
  rates.push_back({"DKK", CivilDate{2030, 1, 1}, Decimal(16, 2), "corrections.csv"});
  rates.push_back({"GBP", CivilDate{2000, 1, 1}, Decimal(125, 2), "corrections.csv"});
  ASSERT_TRUE(sink_->SaveRates(rates));
  auto any = sink_->HasRates();
  ASSERT_TRUE(any) << any.error().message;
  EXPECT_TRUE(*any);

  // From the day before the window's first (2010-01-02) to the last stored: 5,099 rates.
  auto eur = sink_->LoadCurrencyRates("EUR", {CivilDate{2010, 1, 3}, CivilDate{2030, 12, 31}});
  ASSERT_TRUE(eur) << eur.error().message;
  ASSERT_EQ(eur->size(), static_cast<std::size_t>(kDays - 1));
  for (int i = 1; i < kDays; ++i) {
    const FxRate& rate = (*eur)[static_cast<std::size_t>(i - 1)];
    ASSERT_EQ(rate.currency, "EUR") << i;
    ASSERT_EQ(rate.valid_from, CivilDate::FromDaysSinceEpoch(first_day + i)) << i;
    ASSERT_EQ(rate.rate_to_usd, Decimal(10000000000 + i, 10)) << i;
    ASSERT_EQ(rate.source, kEcbSource) << i;
  }
  EXPECT_EQ((*eur)[0].valid_from.ToString(), "2010-01-02");
  EXPECT_EQ((*eur)[0].rate_to_usd.ToString(), "1.0000000001");
  EXPECT_EQ(eur->back().valid_from.ToString(), "2023-12-18");
  EXPECT_EQ(eur->back().rate_to_usd.ToString(), "1.0000005099");

  // A year: its 365 rates and 2014-12-31 before them, though 2015-01-01 has one.
  auto year = sink_->LoadCurrencyRates("EUR", RateWindow::YearOf({2015, 6, 1}));
  ASSERT_TRUE(year) << year.error().message;
  ASSERT_EQ(year->size(), 366U);
  EXPECT_EQ(year->front().valid_from.ToString(), "2014-12-31");
  EXPECT_EQ((*year)[1].valid_from.ToString(), "2015-01-01");
  EXPECT_EQ(year->back().valid_from.ToString(), "2015-12-31");
  auto before = sink_->LoadCurrencyRates("EUR", RateWindow::YearOf({2009, 6, 1}));
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_TRUE(before->empty());

  // DKK: only the rate before the window in 2024 (DKK's neighbour EUR has rates there), both
  // in 2030; GBP's only rate is on its window's first day.
  auto dkk = sink_->LoadCurrencyRates("DKK", RateWindow::YearOf({2024, 6, 1}));
  ASSERT_TRUE(dkk) << dkk.error().message;
  ASSERT_EQ(dkk->size(), 1U);
  EXPECT_EQ((*dkk)[0].valid_from.ToString(), "2010-01-01");
  EXPECT_EQ((*dkk)[0].rate_to_usd.ToString(), "0.15");
  EXPECT_EQ((*dkk)[0].source, "corrections.csv");
  dkk = sink_->LoadCurrencyRates("DKK", RateWindow::YearOf({2030, 6, 1}));
  ASSERT_TRUE(dkk) << dkk.error().message;
  ASSERT_EQ(dkk->size(), 2U);
  EXPECT_EQ((*dkk)[1].valid_from.ToString(), "2030-01-01");
  EXPECT_EQ((*dkk)[1].rate_to_usd.ToString(), "0.16");
  auto gbp = sink_->LoadCurrencyRates("GBP", RateWindow::YearOf({2000, 6, 1}));
  ASSERT_TRUE(gbp) << gbp.error().message;
  ASSERT_EQ(gbp->size(), 1U);
  EXPECT_EQ((*gbp)[0].valid_from.ToString(), "2000-01-01");
  auto jpy = sink_->LoadCurrencyRates("JPY", RateWindow::YearOf({2024, 6, 1}));
  ASSERT_TRUE(jpy) << jpy.error().message;
  EXPECT_TRUE(jpy->empty());
}

// An ingest with a table that reads a currency's year on its first lookup in it (as `billflow
// ingest` does) converts as one with the whole table, reading only the currencies and years
// its rows use.
TEST_P(SinkContractTest, IngestReadingRatesPerCurrencyAndYearConvertsAsWithTheWholeTable) {
  ASSERT_TRUE(sink_->SaveRates(EcbAndFileRates().Entries()));
  ASSERT_TRUE(sink_->SaveRates({{"JPY", CivilDate{2025, 6, 2}, Decimal(69, 4), kEcbSource}}));
  std::vector<std::string> asked;
  const FxRateTable rates = FxRateTable::LoadingEach(
      [&](std::string_view currency, const RateWindow& window) -> Result<std::vector<FxRate>> {
        asked.push_back(std::string(currency) + " " + std::to_string(window.first.year));
        return sink_->LoadCurrencyRates(std::string(currency), window);
      });
  const std::string body = std::string(kHeader) +
                           "1,A,DE,X,P,I,2025-06-09,EUR,100\n"
                           "2,A,DE,X,P,I,2025-07-02,EUR,100\n"  // 30 days: too old
                           "3,A,CA,X,P,I,2025-07-02,CAD,100\n"
                           "4,A,US,X,P,I,2099-01-01,USD,100\n"
                           "5,A,CA,X,P,I,2025-07-03,CAD,10\n"
                           "6,A,CA,X,P,I,2026-01-05,CAD,10\n";  // 2025-01-01's, carried in
  // The loading connection reads rates of its own between rows: the cases' sink is both.
  const auto s = LoadWithRates(dir_.Write("lazy.csv", body), sink_.get(), rates);
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  EXPECT_EQ(s.tally.rows_loaded, 5U);
  EXPECT_EQ(s.tally.usd_total.ToString(), "301.10");
  EXPECT_EQ(asked, (std::vector<std::string>{"EUR 2025", "CAD 2025", "CAD 2026"}));
  EXPECT_EQ(db_->Query("SELECT fx_rate_date FROM billing_data WHERE id='6'"), "2025-01-01");
  ASSERT_EQ(Rejects().size(), 1U);
  EXPECT_EQ(Rejects()[0].line_number, 3U);
}

}  // namespace
}  // namespace billflow::contract
