#include "ecb/ecb_download.h"

#include <gtest/gtest.h>

#include <map>

#include "core/target_calendar.h"
#include "ecb/ecb_test_feeds.h"
#include "http/fake_http_client.h"

namespace billflow {
namespace {

using testing::EcbCsv;
using testing::EcbXml;
using testing::MakeEcbQuoteHistory;
using testing::Newest;
using testing::ZipOf;

constexpr char kBase[] = "https://ecb.test/stats/eurofxref/";

// Serves the ECB's files by URL: the history zip and the 90-day feed (64 dates).
class EcbDownloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto history = MakeEcbQuoteHistory({2025, 6, 20});
    files_[std::string(kBase) + "eurofxref-hist.zip"] =
        ZipOf("eurofxref-hist.csv", EcbCsv(Newest(history, 300)));
    files_[std::string(kBase) + "eurofxref-hist-90d.xml"] = EcbXml(Newest(history, 64));
    http_.SetHandler([this](const HttpRequest& request) -> Result<HttpResponse> {
      HttpResponse response;
      const auto found = files_.find(request.url);
      response.status = found == files_.end() ? 404 : 200;
      if (found != files_.end()) response.body = found->second;
      return response;
    });
  }
  std::vector<std::string> Urls() const {
    std::vector<std::string> out;
    for (const HttpRequest& r : http_.requests()) out.push_back(r.method + " " + r.url);
    return out;
  }
  std::map<std::string, std::string> files_;
  FakeHttpClient http_;
};

TEST_F(EcbDownloadTest, NothingStoredTakesTheFullHistory) {
  auto got = DownloadEcbRates(http_, kBase, std::nullopt);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(Urls(),
            std::vector<std::string>{"GET https://ecb.test/stats/eurofxref/eurofxref-hist.zip"});
  EXPECT_EQ(got->document.layout, EcbLayout::kZipCsv);
  EXPECT_EQ(got->document.rates.dates, 300u);
}

TEST_F(EcbDownloadTest, RecentHistoryTakesOnlyTheNinetyDayFeed) {
  // Friday 2025-06-13 stored: the 90-day feed reaches back well before it.
  auto got = DownloadEcbRates(http_, kBase, CivilDate{2025, 6, 13});
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(Urls(), std::vector<std::string>{
                        "GET https://ecb.test/stats/eurofxref/eurofxref-hist-90d.xml"});
  EXPECT_EQ(got->document.layout, EcbLayout::kXml);
  EXPECT_EQ(got->document.rates.dates, 64u);
}

TEST_F(EcbDownloadTest, HistoryOlderThanTheNinetyDaysTakesTheZipToo) {
  auto got = DownloadEcbRates(http_, kBase, CivilDate{2024, 12, 31});
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(Urls(),
            (std::vector<std::string>{"GET https://ecb.test/stats/eurofxref/eurofxref-hist-90d.xml",
                                      "GET https://ecb.test/stats/eurofxref/eurofxref-hist.zip"}));
  EXPECT_EQ(got->url, "https://ecb.test/stats/eurofxref/eurofxref-hist.zip");
  EXPECT_EQ(got->urls.size(), 2u);
  EXPECT_EQ(got->document.rates.dates, 300u);
}

TEST_F(EcbDownloadTest, StoredDayJustBeforeTheFeedNeedsNoHistory) {
  // The 90-day feed starts on its 64th-newest date; the TARGET day before it is contiguous.
  auto feed = DownloadEcbRates(http_, std::string(kBase) + "eurofxref-hist-90d.xml", std::nullopt);
  ASSERT_TRUE(feed.has_value());
  const CivilDate first = *feed->document.rates.first_date;
  std::int64_t day = first.DaysSinceEpoch() - 1;
  while (!IsTargetWorkingDay(CivilDate::FromDaysSinceEpoch(day))) --day;
  FakeHttpClient& http = http_;
  auto got = DownloadEcbRates(http, kBase, CivilDate::FromDaysSinceEpoch(day));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->urls.size(), 1u);
  auto older = DownloadEcbRates(http, kBase, CivilDate::FromDaysSinceEpoch(day - 7));
  ASSERT_TRUE(older.has_value());
  EXPECT_EQ(older->urls.size(), 2u);
}

TEST_F(EcbDownloadTest, OneFeedUrlIsDownloadedAsIs) {
  files_["https://mirror.test/daily"] = EcbXml(Newest(MakeEcbQuoteHistory({2025, 6, 20}), 1));
  auto got = DownloadEcbRates(http_, "https://mirror.test/daily", CivilDate{2020, 1, 1});
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(Urls(), std::vector<std::string>{"GET https://mirror.test/daily"});
  EXPECT_EQ(got->document.rates.first_date->ToString(), "2025-06-20");
}

TEST_F(EcbDownloadTest, FailuresNameTheUrl) {
  auto plain = DownloadEcbRates(http_, "http://ecb.test/eurofxref-hist.zip", std::nullopt);
  ASSERT_FALSE(plain.has_value());
  EXPECT_EQ(plain.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(plain.error().message,
            "ECB URL \"http://ecb.test/eurofxref-hist.zip\" is not https://: rates are downloaded "
            "over verified TLS only");
  EXPECT_TRUE(http_.requests().empty());

  auto missing = DownloadEcbRates(http_, "https://ecb.test/nothing.xml", std::nullopt);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "GET https://ecb.test/nothing.xml: HTTP 404");

  files_["https://ecb.test/page.html"] = "<html><body>Maintenance</body></html>";
  auto html = DownloadEcbRates(http_, "https://ecb.test/page.html", std::nullopt);
  ASSERT_FALSE(html.has_value());
  EXPECT_EQ(html.error().message,
            "https://ecb.test/page.html:1: root element <html> is not the ECB's "
            "<gesmes:Envelope>: not an ECB reference-rate feed");

  FakeHttpClient down;
  down.EnqueueError(ErrorCode::kUnavailable, "GET https://ecb.test/x.zip: connection refused");
  auto refused = DownloadEcbRates(down, "https://ecb.test/x.zip", std::nullopt);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message, "GET https://ecb.test/x.zip: connection refused");
}

}  // namespace
}  // namespace billflow
