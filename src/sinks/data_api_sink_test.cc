// DataApiSink's read paths against scripted Data API answers: what the emulator (a real
// MariaDB) never answers, a faulty or future service might. Each used to be skipped or read as
// zero; each must now fail the read.
#include "sinks/data_api_sink.h"

#include <gtest/gtest.h>

#include "http/fake_http_client.h"

namespace billflow {
namespace {

AwsConfig LocalConfig() {
  AwsConfig config;
  config.region = "us-east-1";
  config.credentials = Credentials{"AKID", "SECRET", "", "test"};
  config.endpoint_url_rds_data = "http://127.0.0.1:4571";
  return config;
}

class DataApiSinkReadTest : public ::testing::Test {
 protected:
  FakeHttpClient http_;
  DataApiClient client_{&http_, LocalConfig(),
                        DataApiTarget{"arn:aws:rds:us-east-1:1:cluster:c",
                                      "arn:aws:secretsmanager:us-east-1:1:secret:s", "billing"},
                        [] { return std::chrono::system_clock::time_point{}; }};
  DataApiSink sink_{&client_};
};

TEST_F(DataApiSinkReadTest, ReportFailsOnATotalThatIsNotADecimalInsteadOfReadingZero) {
  http_.Enqueue(200, R"({"records":[[{"stringValue":"USD"},{"stringValue":"USD"},)"
                     R"({"longValue":2},{"stringValue":"3.0000"},{"stringValue":"3.00"}],)"
                     R"([{"stringValue":"CAD"},{"stringValue":"CAD"},{"longValue":1},)"
                     R"({"doubleValue":1.5},{"doubleValue":1.19}]]})");
  auto totals = sink_.Totals(GroupBy::kCurrency);
  ASSERT_FALSE(totals) << totals->size() << " groups";
  EXPECT_EQ(totals.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(totals.error().message, "data-api billing: total \"\" / \"\" is not a decimal");
}

TEST_F(DataApiSinkReadTest, ReadsFailOnAShortRecordInsteadOfSkippingIt) {
  http_.Enqueue(200, R"({"records":[[{"stringValue":"USD"},{"stringValue":"USD"}]]})");
  auto totals = sink_.Totals(GroupBy::kCurrency);
  ASSERT_FALSE(totals);
  EXPECT_EQ(totals.error().message,
            "data-api billing: report: the answer has 2 columns, expected 5");
  http_.Enqueue(200, R"({"records":[[{"longValue":1},{"stringValue":"s3://b/k"}]]})");
  auto files = sink_.Files();
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().message,
            "data-api billing: list files: the answer has 2 columns, expected 9");
  http_.Enqueue(200, R"({"records":[[{"stringValue":"s3://b/k"}]]})");
  auto rejects = sink_.Rejects(std::nullopt);
  ASSERT_FALSE(rejects);
  EXPECT_EQ(rejects.error().message,
            "data-api billing: list rejects: the answer has 1 columns, expected 4");
  http_.Enqueue(200, R"({"records":[[{"stringValue":"CAD"},{"stringValue":"1970-01-01"}]]})");
  auto rates = sink_.LoadRates();
  ASSERT_FALSE(rates);
  EXPECT_EQ(rates.error().message,
            "data-api billing: load rates: the answer has 2 columns, expected 4");
}

TEST_F(DataApiSinkReadTest, RatesReadInCanonicalFormWhateverTheColumnScale) {
  http_.Enqueue(200, R"({"records":[[{"stringValue":"CAD"},{"stringValue":"1970-01-01"},)"
                     R"({"stringValue":"0.7900000000"},{"stringValue":"default"}]]})");
  auto rates = sink_.LoadRates();
  ASSERT_TRUE(rates) << rates.error().message;
  ASSERT_EQ(rates->size(), 1u);
  EXPECT_EQ((*rates)[0].rate_to_usd.ToString(), "0.79");
}

}  // namespace
}  // namespace billflow
