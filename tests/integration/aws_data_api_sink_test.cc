// DataApiSink through the Data API emulator (tools/data_api_emulator.py) on a throwaway
// MariaDB. Run by aws_data_api_sink_test.sh, which passes BILLFLOW_TEST_DATA_API_ENDPOINT.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "aws/data_api_client.h"
#include "core/fx_rate_table.h"
#include "http/curl_http_client.h"
#include "pipeline/ingest_job.h"
#include "sinks/data_api_sink.h"
#include "sources/file_source.h"

namespace billflow {
namespace {

constexpr char kHeader[] =
    "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";

class AwsDataApiSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* endpoint = std::getenv("BILLFLOW_TEST_DATA_API_ENDPOINT");
    if (endpoint == nullptr) GTEST_SKIP() << "run through aws_data_api_sink_test.sh";
    config_.region = "us-east-1";
    config_.credentials = Credentials{"AKIDBILLFLOWTEST", "billflow-test-secret", "", "test"};
    config_.endpoint_url_rds_data = endpoint;
    DataApiOptions options;
    options.sleep = [](std::chrono::milliseconds) {};
    client_ = std::make_unique<DataApiClient>(
        &http_, config_,
        DataApiTarget{"arn:aws:rds:us-east-1:123456789012:cluster:billflow",
                      "arn:aws:secretsmanager:us-east-1:123456789012:secret:billflow/db",
                      "billflow"},
        SystemClock(), options);
    dir_ = std::filesystem::temp_directory_path() / "billflow_data_api_sink_test";
    std::filesystem::create_directories(dir_);
  }
  std::string Write(const std::string& name, const std::string& content) {
    std::filesystem::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  IngestSummary Ingest(DataApiSink& sink, const std::string& path) {
    FxRateTable rates = FxRateTable::Default();
    IngestJob job(rates, IngestOptions{});
    auto source = FileSource::Open(path);
    EXPECT_TRUE(source);
    return job.Run(**source, &sink);
  }
  AwsConfig config_;
  CurlHttpClient http_;
  std::unique_ptr<DataApiClient> client_;
  std::filesystem::path dir_;
};

TEST_F(AwsDataApiSinkTest, LoadsRejectsDuplicatesInChunksAndIsIdempotent) {
  DataApiSink sink(client_.get(), DataApiSinkOptions{4096, 1000});
  ASSERT_TRUE(sink.Migrate()) << "migrate";  // the emulator answers "resuming" twice first
  std::string csv = kHeader;
  for (int i = 1; i <= 300; ++i) {
    csv += std::to_string(i) + ",Acme \"Q\",CA,Montr\xC3\xA9" "al,Dairy,Milk,2025/06/01,CAD,100.05\n";
  }
  csv += "7,Dup,CA,X,Dairy,Milk,2025-06-01,CAD,1.00\n";      // duplicate id
  csv += "999,Bad,CA,X,Dairy,Milk,2025-06-01,ABC,1.00\n";    // no rate
  std::string path = Write("bulk.csv", csv);
  IngestSummary first = Ingest(sink, path);
  ASSERT_EQ(first.status, FileStatus::kLoaded) << first.error;
  EXPECT_EQ(first.tally.rows_loaded, 300u);
  EXPECT_EQ(first.tally.rows_rejected, 2u);
  EXPECT_EQ(first.tally.usd_total.ToString(), "23712.00");  // 300 × round(100.05 × 0.79 = 79.0395)
  EXPECT_GT(sink.batch_requests(), 10u);                     // 4 KiB budget: many requests

  IngestSummary again = Ingest(sink, path);
  EXPECT_EQ(again.status, FileStatus::kUnchanged) << again.error;

  Result<std::vector<StoredReject>> rejects = sink.Rejects(std::nullopt);
  ASSERT_TRUE(rejects) << rejects.error().message;
  ASSERT_EQ(rejects->size(), 2u);
  EXPECT_EQ((*rejects)[0].reason, "duplicate id \"7\" (first on line 8)");
  Result<std::vector<GroupTotal>> totals = sink.Totals(GroupBy::kCurrency);
  ASSERT_TRUE(totals) << totals.error().message;
  ASSERT_EQ(totals->size(), 1u);
  EXPECT_EQ((*totals)[0].usd_total.ToString(), "23712.00");
  EXPECT_EQ((*totals)[0].rows, 300u);

  // New content under the same source replaces the rows.
  Write("bulk.csv", std::string(kHeader) + "1,Acme,US,Austin,Dairy,Milk,2025-06-01,USD,5.00\n");
  IngestSummary replaced = Ingest(sink, path);
  EXPECT_EQ(replaced.status, FileStatus::kReplaced) << replaced.error;
  Result<std::vector<StoredFile>> files = sink.Files();
  ASSERT_TRUE(files);
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].rows_loaded, 1u);
  EXPECT_EQ((*files)[0].usd_total, "5.00");
}

TEST_F(AwsDataApiSinkTest, BadFileIsRecordedAsFailedAndWritesNoRows) {
  DataApiSink sink(client_.get());
  ASSERT_TRUE(sink.Migrate());
  std::string path = Write("bad.csv", "id,company_name\n1,Acme\n");
  IngestSummary summary = Ingest(sink, path);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  Result<std::optional<LedgerEntry>> entry = sink.FindFile("file://" + path);
  ASSERT_TRUE(entry) << entry.error().message;
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->status, "failed");
}

}  // namespace
}  // namespace billflow
