#include "cli/currency_rate_reads.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "sinks/sqlite_sink.h"

namespace billflow {
namespace {

namespace fs = std::filesystem;

constexpr RateWindow kYear2024{{2024, 1, 1}, {2024, 12, 31}};

class CurrencyRateReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/billflow_rate_reads_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    auto db = connect_();
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE((*db)->SaveRates({{"EUR", CivilDate{2024, 1, 1}, Decimal(108, 2), "ecb"},
                                  {"CAD", CivilDate{2024, 1, 1}, Decimal(73, 2), "r.csv"}}));
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  int connects_ = 0;
  DatabaseFactory connect_ = [this]() -> Result<std::unique_ptr<Database>> {
    ++connects_;
    auto sink = SqliteSink::Open({(root_ / "t.db").string()});
    if (!sink) return tl::unexpected(sink.error());
    BILLFLOW_TRY((*sink)->Migrate());
    return std::unique_ptr<Database>(std::move(*sink));
  };
};

TEST_F(CurrencyRateReadsTest, ReadsOneCurrencyOnItsOwnConnection) {
  CurrencyRateReads reads(connect_);
  auto closed = reads.Load("EUR", kYear2024);
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(closed.error().message,
            "reading the rates of EUR: the connection for rate reads was lost");
  ASSERT_TRUE(reads.Reopen());  // never opened: nothing to reopen
  EXPECT_EQ(connects_, 1);
  ASSERT_TRUE(reads.Open());
  auto eur = reads.Load("EUR", kYear2024);
  ASSERT_TRUE(eur) << eur.error().message;
  ASSERT_EQ(eur->size(), 1U);
  EXPECT_EQ((*eur)[0].rate_to_usd.ToString(), "1.08");
  ASSERT_TRUE(reads.Open());  // already open
  EXPECT_EQ(connects_, 2);
}

TEST_F(CurrencyRateReadsTest, FailedLoadIsReopenedWithTheNextLoadingConnection) {
  auto reads = std::make_shared<CurrencyRateReads>(connect_);
  ASSERT_TRUE(reads->Open());
  // fx_rates goes away under the open connection: its read fails and drops the connection.
  const auto rename = [this](const char* sql) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((root_ / "t.db").c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, sql, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  };
  rename("ALTER TABLE fx_rates RENAME TO fx_rates_away");
  ASSERT_FALSE(reads->Load("CAD", kYear2024));
  auto lost = reads->Load("CAD", kYear2024);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, ErrorCode::kUnavailable);
  // The table is back; the retry loop's next loading connection first reopens the reads' own.
  rename("ALTER TABLE fx_rates_away RENAME TO fx_rates");
  const int before = connects_;
  const DatabaseFactory reconnect = ReopeningRateReads(connect_, reads);
  auto loading = reconnect();
  ASSERT_TRUE(loading) << loading.error().message;
  EXPECT_EQ(connects_, before + 2);
  ASSERT_TRUE((*loading)->SaveRates({{"CAD", CivilDate{2024, 2, 1}, Decimal(74, 2), "r.csv"}}));
  auto cad = reads->Load("CAD", kYear2024);
  ASSERT_TRUE(cad) << cad.error().message;
  ASSERT_EQ(cad->size(), 2U);  // the fixture's 2024-01-01 and the one saved just now
  EXPECT_EQ((*cad)[1].rate_to_usd.ToString(), "0.74");
}

}  // namespace
}  // namespace billflow
