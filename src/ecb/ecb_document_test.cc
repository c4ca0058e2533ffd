#include "ecb/ecb_document.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "ecb/ecb_test_feeds.h"

namespace billflow {
namespace {

using testing::EcbCsv;
using testing::EcbXml;
using testing::MakeEcbQuoteHistory;
using testing::Newest;
using testing::SortedRateTexts;
using testing::ZipOf;

class EcbDocumentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    history_ = new testing::EcbQuoteHistory(MakeEcbQuoteHistory({2025, 6, 20}));
  }
  static void TearDownTestSuite() { delete history_; }
  static testing::EcbQuoteHistory* history_;
};
testing::EcbQuoteHistory* EcbDocumentTest::history_ = nullptr;

TEST_F(EcbDocumentTest, EveryPublishedLayoutStoresTheSameRates) {
  ASSERT_EQ(history_->dates.size(), 6777u);  // TARGET days 1999-01-04 .. 2025-06-20
  ASSERT_EQ(history_->currencies.size(), 41u);
  const std::string csv = EcbCsv(*history_);
  const std::string xml = EcbXml(*history_);
  auto from_csv = ParseEcbDocument(csv, "eurofxref-hist.csv");
  ASSERT_TRUE(from_csv.has_value()) << from_csv.error().message;
  EXPECT_EQ(from_csv->layout, EcbLayout::kCsv);
  EXPECT_EQ(from_csv->rates.dates, history_->dates.size());
  EXPECT_EQ(from_csv->rates.first_date->ToString(), "1999-01-04");
  EXPECT_EQ(from_csv->rates.last_date->ToString(), "2025-06-20");
  EXPECT_EQ(from_csv->rates.skipped_currencies,
            (std::vector<std::string>{"CYP", "EEK", "LTL", "LVL", "MTL", "ROL", "SIT", "SKK", "TRL",
                                      "HRK"}));
  EXPECT_GT(from_csv->rates.missing_values, 0u);
  const auto want = SortedRateTexts(from_csv->rates.rates);
  EXPECT_GT(want.size(), 190000u);

  auto from_xml = ParseEcbDocument(xml, "eurofxref-hist.xml");
  ASSERT_TRUE(from_xml.has_value()) << from_xml.error().message;
  EXPECT_EQ(from_xml->layout, EcbLayout::kXml);
  EXPECT_EQ(SortedRateTexts(from_xml->rates.rates), want);
  EXPECT_EQ(from_xml->rates.skipped_currencies.size(), 10u);

  auto from_zip = ParseEcbDocument(ZipOf("eurofxref-hist.csv", csv), "eurofxref-hist.zip");
  ASSERT_TRUE(from_zip.has_value()) << from_zip.error().message;
  EXPECT_EQ(from_zip->layout, EcbLayout::kZipCsv);
  EXPECT_EQ(from_zip->member, "eurofxref-hist.csv");
  EXPECT_EQ(SortedRateTexts(from_zip->rates.rates), want);

  auto from_zip_xml = ParseEcbDocument(ZipOf("eurofxref-hist.xml", xml), "h.zip");
  ASSERT_TRUE(from_zip_xml.has_value()) << from_zip_xml.error().message;
  EXPECT_EQ(from_zip_xml->layout, EcbLayout::kZipXml);
  EXPECT_EQ(SortedRateTexts(from_zip_xml->rates.rates), want);
}

TEST_F(EcbDocumentTest, NinetyDayAndDailyFeedsAreSlicesOfTheHistory) {
  auto full = ParseEcbDocument(EcbCsv(*history_), "h.csv");
  ASSERT_TRUE(full.has_value());
  for (std::size_t dates : {std::size_t{1}, std::size_t{64}}) {
    auto recent = ParseEcbDocument(EcbXml(Newest(*history_, dates)), "feed.xml");
    ASSERT_TRUE(recent.has_value()) << recent.error().message;
    EXPECT_EQ(recent->rates.dates, dates);
    std::vector<FxRate> slice;
    for (const FxRate& r : full->rates.rates) {
      if (*recent->rates.first_date <= r.valid_from) slice.push_back(r);
    }
    EXPECT_EQ(SortedRateTexts(recent->rates.rates), SortedRateTexts(slice)) << dates;
  }
}

TEST_F(EcbDocumentTest, EurIsTheEcbsOwnUsdQuote) {
  auto csv = ParseEcbDocument(EcbCsv(Newest(*history_, 5)), "h.csv");
  ASSERT_TRUE(csv.has_value());
  std::size_t eur_rates = 0;
  for (const FxRate& r : csv->rates.rates) {
    if (r.currency != "EUR") continue;
    const auto at = std::find(history_->dates.begin(), history_->dates.end(), r.valid_from);
    ASSERT_NE(at, history_->dates.end());
    const auto row = static_cast<std::size_t>(at - history_->dates.begin());
    EXPECT_EQ(r.rate_to_usd.ToString(), history_->cells[row][0]);  // column 0 is USD
    ++eur_rates;
  }
  EXPECT_EQ(eur_rates, 5u);
}

TEST_F(EcbDocumentTest, ErrorsInsideAZipNameTheMember) {
  auto bad = ParseEcbDocument(ZipOf("eurofxref-hist.csv", "Date,USD,\n2024-06-14,x,\n"),
                              "eurofxref-hist.zip");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message,
            "eurofxref-hist.zip:eurofxref-hist.csv:2: USD value \"x\" is not a positive decimal "
            "number");
}

}  // namespace
}  // namespace billflow
