// DataApiSink through the Data API emulator (tools/data_api_emulator.py) on a throwaway
// MariaDB (Aurora MySQL) or PostgreSQL (Aurora PostgreSQL). Run by aws_data_api_sink_test.sh,
// which passes BILLFLOW_TEST_DATA_API_ENDPOINT and BILLFLOW_TEST_DATA_API_ENGINE (mysql or
// postgres). Every test expects the same on both engines.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <variant>

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

CivilDate NextDay(CivilDate day) {
  if (++day.day > DaysInMonth(day.year, day.month)) {
    day.day = 1;
    if (++day.month > 12) {
      day.month = 1;
      ++day.year;
    }
  }
  return day;
}

class AwsDataApiSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* endpoint = std::getenv("BILLFLOW_TEST_DATA_API_ENDPOINT");
    if (endpoint == nullptr) GTEST_SKIP() << "run through aws_data_api_sink_test.sh";
    const char* engine = std::getenv("BILLFLOW_TEST_DATA_API_ENGINE");
    if (engine != nullptr && std::string_view(engine) == "postgres") {
      dialect_ = SqlDialect::kPostgres;
    }
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
  // The sink's options on the engine under test.
  [[nodiscard]] DataApiSinkOptions Options(
      std::size_t max_request_bytes = DataApiSinkOptions{}.max_request_bytes,
      std::size_t max_rows_per_request = DataApiSinkOptions{}.max_rows_per_request) const {
    return DataApiSinkOptions{max_request_bytes, max_rows_per_request, dialect_};
  }
  IngestSummary Ingest(DataApiSink& sink, const std::string& path) {
    FxRateTable rates = FxRateTable::Default();
    IngestJob job(rates, IngestOptions{});
    auto source = FileSource::Open(path);
    EXPECT_TRUE(source);
    return job.Run(**source, &sink);
  }
  AwsConfig config_;
  SqlDialect dialect_ = SqlDialect::kMysql;
  CurlHttpClient http_;
  std::unique_ptr<DataApiClient> client_;
  std::filesystem::path dir_;
};

TEST_F(AwsDataApiSinkTest, LoadsRejectsDuplicatesInChunksAndIsIdempotent) {
  DataApiSink sink(client_.get(), Options(4096, 1000));
  ASSERT_TRUE(sink.Migrate()) << "migrate";  // the emulator answers "resuming" twice first
  std::string csv = kHeader;
  for (int i = 1; i <= 300; ++i) {
    csv += std::to_string(i) +
           ",Acme \"Q\",CA,Montr\xC3\xA9"
           "al,Dairy,Milk,2025/06/01,CAD,100.05\n";
  }
  csv += "7,Dup,CA,X,Dairy,Milk,2025-06-01,CAD,1.00\n";    // duplicate id
  csv += "999,Bad,CA,X,Dairy,Milk,2025-06-01,ABC,1.00\n";  // no rate
  std::string path = Write("bulk.csv", csv);
  IngestSummary first = Ingest(sink, path);
  ASSERT_EQ(first.status, FileStatus::kLoaded) << first.error;
  EXPECT_EQ(first.tally.rows_loaded, 300u);
  EXPECT_EQ(first.tally.rows_rejected, 2u);
  EXPECT_EQ(first.tally.usd_total.ToString(), "23712.00");  // 300 × round(100.05 × 0.79 = 79.0395)
  EXPECT_GT(sink.batch_requests(), 10u);                    // 4 KiB budget: many requests

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
  DataApiSink sink(client_.get(), Options());
  ASSERT_TRUE(sink.Migrate());
  std::string path = Write("bad.csv", "id,company_name\n1,Acme\n");
  IngestSummary summary = Ingest(sink, path);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  Result<std::optional<LedgerEntry>> entry = sink.FindFile("file://" + path);
  ASSERT_TRUE(entry) << entry.error().message;
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->status, LedgerStatus::kFailed);
}

// The contract case of sink_contract_test.cc (DuplicateIdInOneFileIsRejectedNotDropped) with
// requests of 5 rows (repeats in another request: the server's duplicate-key error) and of 1,000
// (repeats in the same request), plus a repeat whose first row in its request is itself a
// duplicate of an earlier request.
class AwsDataApiSinkDuplicateTest : public AwsDataApiSinkTest,
                                    public ::testing::WithParamInterface<std::size_t> {
 protected:
  std::string StoredLine(const std::string& source, const std::string& id) {
    Result<ExecuteResult> found = client_->Execute(
        "SELECT d.line_number FROM billing_data d JOIN billing_files f ON f.file_id = d.file_id "
        "WHERE f.source = :source AND d.id = :id",
        {SqlParameter{"source", source, TypeHint::kNone}, SqlParameter{"id", id, TypeHint::kNone}});
    EXPECT_TRUE(found) << found.error().message;
    if (!found || found->records.size() != 1 || found->records[0].empty()) return "none";
    const SqlValue& value = found->records[0][0];
    if (const auto* n = std::get_if<std::int64_t>(&value)) return std::to_string(*n);
    if (const auto* text = std::get_if<std::string>(&value)) return *text;
    return "?";
  }
};

TEST_P(AwsDataApiSinkDuplicateTest, DuplicateIdIsRejectedNamingTheFirstLineWhichIsKept) {
  DataApiSink sink(client_.get(), Options(1U << 20, GetParam()));
  ASSERT_TRUE(sink.Migrate());
  std::string csv = kHeader;
  auto row = [](const std::string& id, const std::string& amount) {
    return id + ",A,US,X,P,I,2023-05-01,USD," + amount + "\n";
  };
  for (int i = 1; i <= 30; ++i) csv += row(std::to_string(i), "1");
  csv += row("7", "2") + row("30", "4") + row("7", "8");                      // lines 32-34
  csv += row("31", "1") + row("31", "16") + row("4", "32") + row("4", "64");  // lines 35-38
  const std::string name = "dup" + std::to_string(GetParam()) + ".csv";
  const std::string path = Write(name, csv);
  IngestSummary summary = Ingest(sink, path);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(summary.tally.rows_loaded, 31u);
  EXPECT_EQ(summary.tally.rows_rejected, 6u);
  EXPECT_EQ(summary.tally.usd_total.ToString(), "31.00");
  // Requests of 5: 6 of lines 2-31; of lines 32-36 only "31" is sent (7 and 30 are found
  // stored, the others repeat inside the request); of lines 37-38 nothing (4 is stored); 2 of
  // rejects. Of 1,000: the rows, the rejects.
  EXPECT_EQ(sink.batch_requests(), GetParam() == 5 ? 9u : 2u);
  const std::string source = "file://" + path;
  Result<std::vector<StoredReject>> rejects = sink.Rejects(source);
  ASSERT_TRUE(rejects) << rejects.error().message;
  std::string listed;
  for (const StoredReject& reject : *rejects) {
    listed += std::to_string(reject.line_number) + ": " + reject.reason + " [" + reject.raw_line;
    listed += "]\n";
  }
  EXPECT_EQ(listed,
            "32: duplicate id \"7\" (first on line 8) [7,A,US,X,P,I,2023-05-01,USD,2]\n"
            "33: duplicate id \"30\" (first on line 31) [30,A,US,X,P,I,2023-05-01,USD,4]\n"
            "34: duplicate id \"7\" (first on line 8) [7,A,US,X,P,I,2023-05-01,USD,8]\n"
            "36: duplicate id \"31\" (first on line 35) [31,A,US,X,P,I,2023-05-01,USD,16]\n"
            "37: duplicate id \"4\" (first on line 5) [4,A,US,X,P,I,2023-05-01,USD,32]\n"
            "38: duplicate id \"4\" (first on line 5) [4,A,US,X,P,I,2023-05-01,USD,64]\n");
  Result<std::vector<StoredFile>> files = sink.Files();
  ASSERT_TRUE(files) << files.error().message;
  bool found = false;
  for (const StoredFile& file : *files) {
    if (file.source != source) continue;
    found = true;
    EXPECT_EQ(file.rows_loaded, 31u);
    EXPECT_EQ(file.rows_rejected, 6u);
    EXPECT_EQ(file.usd_total, "31.00");
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(StoredLine(source, "7"), "8");
  EXPECT_EQ(StoredLine(source, "30"), "31");
  EXPECT_EQ(StoredLine(source, "31"), "35");
  EXPECT_EQ(StoredLine(source, "4"), "5");
  // Loading it again is unchanged; a copy under another name keeps its own first lines.
  EXPECT_EQ(Ingest(sink, path).status, FileStatus::kUnchanged);
}

TEST_P(AwsDataApiSinkDuplicateTest, IdsCompareByteForByte) {
  DataApiSink sink(client_.get(), Options(1U << 20, GetParam() == 5 ? 1U : 1000U));
  ASSERT_TRUE(sink.Migrate());
  std::string csv = kHeader;
  for (const char* id : {"a", "A", "7", "7 ", "\xC3\xA9", "e\xCC\x81", "7 "}) {
    csv += std::string(id) + ",A,US,X,P,I,2023-05-01,USD,1\n";
  }
  const std::string path = Write("bytes" + std::to_string(GetParam()) + ".csv", csv);
  IngestSummary summary = Ingest(sink, path);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(summary.tally.rows_loaded, 6u);
  EXPECT_EQ(summary.tally.rows_rejected, 1u);
  Result<std::vector<StoredReject>> rejects = sink.Rejects("file://" + path);
  ASSERT_TRUE(rejects) << rejects.error().message;
  ASSERT_EQ(rejects->size(), 1u);
  EXPECT_EQ((*rejects)[0].line_number, 8u);
  EXPECT_EQ((*rejects)[0].reason, "duplicate id \"7 \" (first on line 5)");
}

INSTANTIATE_TEST_SUITE_P(RowsPerRequest, AwsDataApiSinkDuplicateTest, ::testing::Values(5u, 1000u));

// Duplicate ids across requests are found before sending (the emulator, like the service,
// aborts a transaction after any failed statement); rolled back, nothing of the file stays.
TEST_F(AwsDataApiSinkTest, RolledBackFileWithDuplicateIdsLeavesNothing) {
  DataApiSink sink(client_.get(), Options(1U << 20, 4));
  ASSERT_TRUE(sink.Migrate());
  const FileIdentity file{"s3://b/rolled-back-duplicates.csv", "", 0, "", "", "", ""};
  ASSERT_EQ(*sink.BeginFile(file), BeginOutcome::kProceed);
  BillingRecord row;
  row.company_name = row.city = row.product_line = row.item = "x";
  row.country = "US";
  row.currency[0] = 'U', row.currency[1] = 'S', row.currency[2] = 'D';
  ASSERT_EQ(ParseCivilDate("2023-01-01", &row.bill_date), DateParseError::kNone);
  row.bill_amount = Decimal(10000, 4);
  row.fx_rate = Decimal(1, 0);
  row.bill_amount_usd = Decimal(100, 2);
  row.raw_line = "raw";
  const std::vector<std::string> ids = {"1", "2", "3", "4", "5", "6", "2", "7", "8", "9"};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    row.id = ids[i];
    row.line_number = i + 2;
    Status added = sink.AddRow(row);
    ASSERT_TRUE(added) << added.error().message;
  }
  EXPECT_EQ(sink.batch_requests(), 2u);  // 1-4; then 5, 6, 7 (2 is stored); 8 and 9 pending
  sink.RollbackFile();
  Result<std::optional<LedgerEntry>> entry = sink.FindFile(file.source);
  ASSERT_TRUE(entry) << entry.error().message;
  EXPECT_FALSE(entry->has_value());
  Result<ExecuteResult> rows = client_->Execute(
      "SELECT COUNT(*) FROM billing_data d LEFT JOIN billing_files f ON f.file_id = d.file_id "
      "WHERE f.file_id IS NULL OR f.status <> 'loaded'");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->records.size(), 1u);
  ASSERT_FALSE(rows->records[0].empty());
  const auto* count = std::get_if<std::int64_t>(&rows->records[0][0]);
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(*count, 0);
}

// Text that JSON escapes to up to six bytes a character: requests are sized on their encoded
// length, so 2,000 such rows load under the emulator's 4 MiB request limit.
TEST_F(AwsDataApiSinkTest, TextOfQuotesBackslashesAndControlCharactersLoadsWithinTheLimit) {
  DataApiSink sink(client_.get(), Options());
  ASSERT_TRUE(sink.Migrate());
  std::string nasty;
  for (std::size_t i = 0; nasty.size() < 250; ++i) {
    const char pool[] =
        "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f\x10\x11\x12\x13\x14\x15"
        "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";
    nasty.push_back(pool[i % (sizeof(pool) - 1)]);
  }
  std::string quoted = "\"";
  for (char c : nasty) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  quoted += "\"";
  std::string csv = kHeader;
  for (int i = 1; i <= 2000; ++i) {
    csv += std::to_string(i) + "," + quoted + ",US," + quoted + "," + quoted + "," + quoted +
           ",2023-05-01,USD,1.25\n";
  }
  csv += "1," + quoted + ",US," + quoted + "," + quoted + "," + quoted + ",2023-05-01,USD,2\n";
  const std::string path = Write("nasty.csv", csv);
  IngestSummary summary = Ingest(sink, path);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(summary.tally.rows_loaded, 2000u);
  EXPECT_EQ(summary.tally.rows_rejected, 1u);
  EXPECT_EQ(summary.tally.usd_total.ToString(), "2500.00");
  EXPECT_GE(sink.batch_requests(), 5u);  // about 11 MB of JSON in requests under 2 MiB
  Result<ExecuteResult> stored = client_->Execute(
      "SELECT d.company_name, d.item FROM billing_data d JOIN billing_files f ON f.file_id = "
      "d.file_id WHERE f.source = :source AND d.id = '1999'",
      {SqlParameter{"source", "file://" + path, TypeHint::kNone}});
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_EQ(stored->records.size(), 1u);
  ASSERT_EQ(stored->records[0].size(), 2u);
  EXPECT_EQ(std::get<std::string>(stored->records[0][0]), nasty);
  EXPECT_EQ(std::get<std::string>(stored->records[0][1]), nasty);
  Result<std::vector<StoredReject>> rejects = sink.Rejects("file://" + path);
  ASSERT_TRUE(rejects) << rejects.error().message;
  ASSERT_EQ(rejects->size(), 1u);
  EXPECT_EQ((*rejects)[0].reason, "duplicate id \"1\" (first on line 2)");
  EXPECT_EQ((*rejects)[0].raw_line,
            "1," + quoted + ",US," + quoted + "," + quoted + "," + quoted + ",2023-05-01,USD,2");
}

// Reads page under the 1 MiB answer limit: 200,000 rates are saved in requests under 4 MiB and
// read back in pages.
TEST_F(AwsDataApiSinkTest, TwoHundredThousandRatesAreSavedAndReadInPages) {
  DataApiSink sink(client_.get(), Options());
  ASSERT_TRUE(sink.Migrate());
  std::vector<FxRate> rates;
  CivilDate start;
  ASSERT_EQ(ParseCivilDate("2000-01-01", &start), DateParseError::kNone);
  for (int c = 0; c < 40; ++c) {
    const std::string currency = {'Q', static_cast<char>('A' + c / 26),
                                  static_cast<char>('A' + c % 26)};
    CivilDate day = start;
    for (int d = 0; d < 5000; ++d) {
      rates.push_back(FxRate{currency, day, Decimal(1000000 + c * 5000 + d, 10), "ecb"});
      day = NextDay(day);
    }
  }
  Status saved = sink.SaveRates(rates);
  ASSERT_TRUE(saved) << saved.error().message;
  const std::size_t before = sink.read_requests();
  Result<std::vector<FxRate>> loaded = sink.LoadRates();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), rates.size());
  for (std::size_t i = 0; i < rates.size(); i += 997) {
    EXPECT_EQ((*loaded)[i].currency, rates[i].currency);
    EXPECT_EQ((*loaded)[i].valid_from.ToString(), rates[i].valid_from.ToString());
    // Read back in canonical form (no trailing zeros): the same value.
    EXPECT_EQ((*loaded)[i].rate_to_usd, rates[i].rate_to_usd)
        << (*loaded)[i].rate_to_usd.ToString();
  }
  EXPECT_EQ(loaded->back().rate_to_usd, rates.back().rate_to_usd);
  EXPECT_GT(sink.read_requests() - before, 20u);
}

// A reject line of 100 KB (over the 64 KB row limit) is read back whole, in pieces.
TEST_F(AwsDataApiSinkTest, LongRejectLineIsReadBackWhole) {
  DataApiSink sink(client_.get(), Options());
  ASSERT_TRUE(sink.Migrate());

  std::string csv = kHeader;
  csv += "1,A,US,X,P,I,2023-05-01,USD,1\n";
  csv += "2,A,US,X,P,I,2023-05-01,USD," + std::string(100 * 1024, '9') + "\n";
  const std::string path = Write("long-reject.csv", csv);
  IngestOptions options;
  options.max_reject_raw_bytes = 1 << 20;
  FxRateTable table = FxRateTable::Default();
  IngestJob job(table, options);
  auto source = FileSource::Open(path);
  ASSERT_TRUE(source);
  IngestSummary summary = job.Run(**source, &sink);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  Result<std::vector<StoredReject>> rejects = sink.Rejects(std::nullopt);
  ASSERT_TRUE(rejects) << rejects.error().message;
  bool found = false;
  for (const StoredReject& reject : *rejects) {
    if (reject.source != "file://" + path) continue;
    found = true;
    const std::string expected = "2,A,US,X,P,I,2023-05-01,USD," + std::string(100 * 1024, '9');
    EXPECT_EQ(reject.raw_line.size(), expected.size());
    EXPECT_TRUE(reject.raw_line == expected) << reject.reason;
  }
  EXPECT_TRUE(found);
  Result<std::vector<GroupTotal>> totals = sink.Totals(GroupBy::kFile);
  ASSERT_TRUE(totals) << totals.error().message;
  EXPECT_FALSE(totals->empty());
}

}  // namespace
}  // namespace billflow
