#include "pipeline/ingest_job.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "sources/memory_source.h"

namespace billflow {
namespace {

// Records what the job asked of it; commits into `ledger`.
class FakeSink : public RecordSink {
 public:
  Status Migrate() override { return Ok(); }
  Result<std::optional<LedgerEntry>> FindFile(const std::string& source) override {
    auto it = ledger.find(source);
    if (it == ledger.end()) return std::optional<LedgerEntry>{};
    return std::optional<LedgerEntry>{it->second};
  }
  Result<BeginOutcome> BeginFile(const FileIdentity&) override {
    open = true;
    rows.clear();
    rejects.clear();
    return BeginOutcome::kProceed;
  }
  Status AddRow(const BillingRecord& row) override {
    rows.push_back(std::string(row.id) + "=" + row.bill_amount_usd.ToString());
    return Ok();
  }
  Status AddReject(const RejectedRow& reject) override {
    rejects.push_back(std::to_string(reject.line_number) + ": " + std::string(reject.reason));
    return Ok();
  }
  Result<CommitResult> CommitFile(const FileIdentity& file, const LoadTally& tally) override {
    open = false;
    ++commits;
    ledger[file.source] =
        LedgerEntry{1, LedgerStatus::kLoaded, file.content_sha256, file.size_bytes, "", ""};
    return CommitResult{CommitOutcome::kLoaded, tally};
  }
  void RollbackFile() noexcept override {
    open = false;
    ++rollbacks;
  }
  Status RecordFailure(const FileIdentity&, const std::string&) override { return Ok(); }

  bool open = false;
  int commits = 0;
  int rollbacks = 0;
  std::vector<std::string> rows;
  std::vector<std::string> rejects;
  std::map<std::string, LedgerEntry> ledger;
};

constexpr char kHeader[] =
    "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";

class IngestJobTest : public ::testing::Test {
 protected:
  IngestSummary Run(const std::string& body, IngestOptions options = {}) {
    MemorySource source(body);
    IngestJob job(rates_, std::move(options));
    return job.Run(source, &sink_);
  }
  FxRateTable rates_ = FxRateTable::Default();
  FakeSink sink_;
};

TEST_F(IngestJobTest, GoodRowsLoadAndBadRowsAreRejectedWithLineAndReason) {
  const auto summary = Run(std::string(kHeader) +
                           "1,A,US,X,P,I,2023-05-01,USD,10.005\n"
                           "2,B,CA,Y,P,I,2023-05-02,CAD,100\n"
                           "3,C,MX,Z,P,I,2023-05-03,ABC,5\n"
                           "4,D,MX,Z,P,I\n");
  EXPECT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(sink_.rows, (std::vector<std::string>{"1=10.00", "2=79.00"}));
  EXPECT_EQ(sink_.rejects, (std::vector<std::string>{"4: currency \"ABC\" is not an ISO 4217 code",
                                                     "5: expected 9 fields, found 6"}));
  EXPECT_EQ(summary.tally.rows_read, 4u);
  EXPECT_EQ(summary.tally.rows_loaded, 2u);
  EXPECT_EQ(summary.tally.rows_rejected, 2u);
  EXPECT_EQ(summary.tally.usd_total.ToString(), "89.00");
  EXPECT_EQ(sink_.commits, 1);
}

TEST_F(IngestJobTest, LoadedFileCarriesNoErrorCodeAndAFailedOneItsOwn) {
  // A success used to carry kInternal, which reads as "a bug happened".
  const auto loaded = Run(std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,10\n");
  EXPECT_EQ(loaded.status, FileStatus::kLoaded) << loaded.error;
  EXPECT_EQ(loaded.error_code, std::nullopt);
  EXPECT_FALSE(loaded.FailedRetryably());
  const auto failed = Run("id,company_name\n1,A\n");
  EXPECT_EQ(failed.status, FileStatus::kFailed);
  EXPECT_EQ(failed.error_code, ErrorCode::kInvalidData);
}

TEST_F(IngestJobTest, MissingColumnFailsTheFileAndRollsBack) {
  const auto summary = Run("id,company_name\n1,A\n");
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error,
            "bills.csv:1: header is missing required column(s): country, city, product_line, "
            "item, bill_date, currency, bill_amount");
  EXPECT_EQ(sink_.rollbacks, 1);
  EXPECT_EQ(sink_.commits, 0);
}

TEST_F(IngestJobTest, EmptyFileFails) {
  const auto summary = Run("");
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error, "bills.csv: file is empty (no header line)");
}

TEST_F(IngestJobTest, TooManyRejectsRollsTheFileBack) {
  IngestOptions options;
  options.max_rejects = 1;
  const auto summary =
      Run(std::string(kHeader) + "1,A,US,X,P,I,bad,USD,1\n2,A,US,X,P,I,bad,USD,1\n", options);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error,
            "bills.csv: more than 1 rows rejected (--max-rejects); nothing of the file was loaded");
  EXPECT_EQ(sink_.rollbacks, 1);
  EXPECT_EQ(sink_.commits, 0);
}

TEST_F(IngestJobTest, SameContentAgainIsSkippedBeforeParsing) {
  const std::string body = std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n";
  ASSERT_EQ(Run(body).status, FileStatus::kLoaded);
  const auto again = Run(body);
  EXPECT_EQ(again.status, FileStatus::kUnchanged);
  EXPECT_EQ(sink_.commits, 1);
}

TEST_F(IngestJobTest, StopRequestRollsBack) {
  std::string body = kHeader;
  for (int i = 0; i < 5000; ++i) body += std::to_string(i) + ",A,US,X,P,I,2023-05-01,USD,1\n";
  IngestOptions options;
  options.should_stop = [] { return true; };
  const auto summary = Run(body, options);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error_code, ErrorCode::kCancelled);
  EXPECT_EQ(sink_.commits, 0);
  EXPECT_EQ(sink_.rollbacks, 1);
}

TEST_F(IngestJobTest, DryRunWritesNothing) {
  MemorySource source(std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,2.5\n");
  IngestJob job(rates_, {});
  const auto summary = job.Run(source, nullptr);
  EXPECT_EQ(summary.status, FileStatus::kChecked);
  EXPECT_EQ(summary.tally.usd_total.ToString(), "2.50");
}

}  // namespace
}  // namespace billflow
