#include "pipeline/retrying_ingest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>

#include "sources/memory_source.h"

namespace billflow {
namespace {

constexpr char kBody[] =
    "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n"
    "1,A,US,X,P,I,2023-05-01,USD,10\n2,B,US,X,P,I,2023-05-01,USD,5\n";

// What the fake server holds, shared by every connection the factory makes.
struct FakeServer {
  std::map<std::string, LedgerEntry> ledger;
  std::map<std::string, LoadTally> tallies;
  int commits = 0;
  int connects = 0;
  // Scripted faults, consumed in order: what the next connection does at AddRow / Commit.
  std::deque<ErrorCode> connect_faults;
  std::deque<ErrorCode> row_faults;    // fault on the first AddRow of an attempt
  std::deque<bool> commit_lost_after;  // kAmbiguousCommit; true = it did commit
};

class FakeDatabase : public Database {
 public:
  explicit FakeDatabase(FakeServer* server) : server_(server) {}
  Status Migrate() override { return Ok(); }
  Result<std::optional<LedgerEntry>> FindFile(const std::string& source) override {
    auto it = server_->ledger.find(source);
    if (it == server_->ledger.end()) return std::optional<LedgerEntry>{};
    return std::optional<LedgerEntry>{it->second};
  }
  Result<BeginOutcome> BeginFile(const FileIdentity&) override { return BeginOutcome::kProceed; }
  Status AddRow(const BillingRecord&) override {
    if (!server_->row_faults.empty()) {
      const ErrorCode code = server_->row_faults.front();
      server_->row_faults.pop_front();
      return Fail(code, "fake: row write failed");
    }
    return Ok();
  }
  Status AddReject(const RejectedRow&) override { return Ok(); }
  Result<CommitResult> CommitFile(const FileIdentity& file, const LoadTally& tally) override {
    auto it = server_->ledger.find(file.source);
    if (it != server_->ledger.end() && it->second.content_sha256 == file.content_sha256) {
      return CommitResult{CommitOutcome::kUnchanged, {}};
    }
    bool lost = false;
    bool committed = true;
    if (!server_->commit_lost_after.empty()) {
      lost = true;
      committed = server_->commit_lost_after.front();
      server_->commit_lost_after.pop_front();
    }
    if (committed) {
      server_->ledger[file.source] =
          LedgerEntry{1, LedgerStatus::kLoaded, file.content_sha256, file.size_bytes, "", ""};
      server_->tallies[file.source] = tally;
      ++server_->commits;
    }
    if (lost) return Fail(ErrorCode::kAmbiguousCommit, "fake: connection lost during COMMIT");
    return CommitResult{CommitOutcome::kLoaded, tally};
  }
  void RollbackFile() noexcept override {}
  Status RecordFailure(const FileIdentity&, const std::string&) override { return Ok(); }
  Result<std::vector<GroupTotal>> Totals(GroupBy) override { return std::vector<GroupTotal>{}; }
  Result<std::vector<StoredFile>> Files() override {
    std::vector<StoredFile> out;
    for (const auto& [source, tally] : server_->tallies) {
      out.push_back({1, source, "loaded", tally.rows_read, tally.rows_loaded, tally.rows_rejected,
                     tally.usd_total.ToString(), "", ""});
    }
    return out;
  }
  Result<std::vector<StoredReject>> Rejects(const std::optional<std::string>&) override {
    return std::vector<StoredReject>{};
  }
  Result<std::vector<FxRate>> LoadRates() override { return std::vector<FxRate>{}; }
  Result<std::vector<FxRate>> LoadCurrencyRates(const std::string& /*currency*/,
                                                const RateWindow& /*window*/) override {
    return std::vector<FxRate>{};
  }
  Result<bool> HasRates() override { return false; }
  Status SaveRates(const std::vector<FxRate>&) override { return Ok(); }
  Result<std::vector<RetriedFile>> RetryRejects(const FxRateTable&, const RetryOptions&) override {
    return std::vector<RetriedFile>{};
  }
  Result<ReconvertRun> Reconvert(const FxRateTable&, const ReconvertRequest&) override {
    return ReconvertRun{};
  }
  Result<std::vector<StoredReconversion>> Reconversions() override {
    return std::vector<StoredReconversion>{};
  }
  Result<std::uint64_t> RowsUsingRate(const std::string&, CivilDate) override {
    return std::uint64_t{0};
  }

 private:
  FakeServer* server_;
};

class RetryingIngestTest : public ::testing::Test {
 protected:
  RetryingIngestTest() {
    policy_.jitter = false;
    policy_.sleep = [this](std::chrono::milliseconds wait) {
      waits_.push_back(wait.count());
      now_ += wait;
    };
    policy_.now = [this] { return now_; };
    connect_ = [this]() -> Result<std::unique_ptr<Database>> {
      ++server_.connects;
      if (!server_.connect_faults.empty()) {
        const ErrorCode code = server_.connect_faults.front();
        server_.connect_faults.pop_front();
        return Fail(code, "fake: cannot connect");
      }
      return std::unique_ptr<Database>(new FakeDatabase(&server_));
    };
  }
  IngestSummary Run(MemorySource& source) {
    IngestJob job(rates_, {});
    return IngestWithRetry(job, source, &db_, connect_, policy_);
  }

  FxRateTable rates_ = FxRateTable::Default();
  FakeServer server_;
  RetryPolicy policy_;
  DatabaseFactory connect_;
  std::unique_ptr<Database> db_;
  std::vector<long> waits_;
  std::chrono::steady_clock::time_point now_;  // advanced by the waits only
};

TEST_F(RetryingIngestTest, LostConnectionMidFileRerunsWholeFileOnNewConnection) {
  server_.row_faults = {ErrorCode::kUnavailable, ErrorCode::kConflict};
  MemorySource source(kBody);
  const auto summary = Run(source);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(summary.tally.rows_loaded, 2u);
  EXPECT_EQ(summary.tally.usd_total.ToString(), "15.00");
  EXPECT_EQ(server_.commits, 1);
  EXPECT_EQ(server_.connects, 3);
  EXPECT_EQ(waits_, (std::vector<long>{250, 500}));
}

TEST_F(RetryingIngestTest, AmbiguousCommitThatHappenedIsNotLoadedAgain) {
  server_.commit_lost_after = {true};
  MemorySource source(kBody);
  const auto summary = Run(source);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(summary.error_code, std::nullopt);
  EXPECT_EQ(server_.commits, 1);
  EXPECT_EQ(summary.tally.rows_loaded, 2u);
  EXPECT_EQ(summary.tally.usd_total.ToString(), "15.00");
  ASSERT_EQ(summary.warnings.size(), 1u);
  EXPECT_EQ(summary.warnings[0],
            "bills.csv: the connection broke during COMMIT; the ledger shows the commit "
            "happened, so the file was not loaded again");
}

TEST_F(RetryingIngestTest, AmbiguousCommitThatDidNotHappenLoadsAgain) {
  server_.commit_lost_after = {false};
  MemorySource source(kBody);
  const auto summary = Run(source);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(server_.commits, 1);
  EXPECT_TRUE(summary.warnings.empty());
}

TEST_F(RetryingIngestTest, AmbiguousCommitOnLastAttemptIsStillResolved) {
  policy_.max_attempts = 1;
  server_.commit_lost_after = {true};
  MemorySource source(kBody);
  const auto summary = Run(source);
  EXPECT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(server_.commits, 1);
}

TEST_F(RetryingIngestTest, GivingUpAfterAnUnsettledAmbiguousCommitSaysItMayBeLoaded) {
  policy_.max_attempts = 2;
  server_.commit_lost_after = {true};
  db_ = std::move(*connect_());  // then the link goes down: no later connection succeeds
  server_.connect_faults = {ErrorCode::kUnavailable, ErrorCode::kUnavailable};
  MemorySource source(kBody);
  const auto summary = Run(source);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error_code, ErrorCode::kUnavailable);
  EXPECT_EQ(summary.error,
            "fake: cannot connect (gave up after 2 attempts over 0.8 s, retry window 60 s: "
            "--retry-window-seconds or BILLFLOW_RETRY_WINDOW_SECONDS; the first attempt failed "
            "with: "
            "fake: connection lost during COMMIT); an earlier COMMIT of bills.csv got "
            "no answer and the ledger could not be read since: it may be loaded (the next run "
            "reads the ledger and does not load it twice)");
  EXPECT_EQ(server_.commits, 1);
}

TEST_F(RetryingIngestTest, GivesUpAfterMaxAttemptsWithLastError) {
  policy_.max_attempts = 3;
  server_.row_faults = {ErrorCode::kUnavailable, ErrorCode::kUnavailable, ErrorCode::kUnavailable,
                        ErrorCode::kUnavailable};
  MemorySource source(kBody);
  const auto summary = Run(source);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error_code, ErrorCode::kUnavailable);
  EXPECT_EQ(summary.error,
            "fake: row write failed (gave up after 3 attempts over 0.8 s, retry window 60 s: "
            "--retry-window-seconds or BILLFLOW_RETRY_WINDOW_SECONDS)");
  EXPECT_EQ(server_.commits, 0);
  EXPECT_EQ(waits_, (std::vector<long>{250, 500}));
}

TEST_F(RetryingIngestTest, ConnectFailuresAreRetriedWithBackoffUpToTheCap) {
  policy_.max_backoff = std::chrono::milliseconds(600);
  server_.connect_faults = {ErrorCode::kUnavailable, ErrorCode::kUnavailable,
                            ErrorCode::kUnavailable};
  MemorySource source(kBody);
  const auto summary = Run(source);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(waits_, (std::vector<long>{250, 500, 600}));
}

TEST_F(RetryingIngestTest, DatabaseDownForFortySecondsIsRiddenThroughByTheDefaultWindow) {
  // A restart with crash recovery or an Aurora failover: every connect fails for 40 s.
  const auto back_at = now_ + std::chrono::seconds(40);
  connect_ = [this, back_at]() -> Result<std::unique_ptr<Database>> {
    ++server_.connects;
    if (now_ < back_at) return Fail(ErrorCode::kUnavailable, "fake: connection refused");
    return std::unique_ptr<Database>(new FakeDatabase(&server_));
  };
  MemorySource source(kBody);
  const auto summary = Run(source);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(summary.tally.rows_loaded, 2u);
  EXPECT_EQ(server_.commits, 1);
  // 250 ms doubling to the 5 s cap: 0.25+0.5+1+2+4 = 7.75 s, then 5 s steps up to 42.75 s.
  EXPECT_EQ(waits_, (std::vector<long>{250, 500, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000,
                                       5000, 5000}));
}

TEST_F(RetryingIngestTest, NoAttemptStartsAfterTheWindow) {
  policy_.window = std::chrono::seconds(10);
  connect_ = [this]() -> Result<std::unique_ptr<Database>> {
    ++server_.connects;
    return Fail(ErrorCode::kUnavailable, "fake: connection refused");
  };
  MemorySource source(kBody);
  const auto summary = Run(source);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error_code, ErrorCode::kUnavailable);
  // 7.75 s of waits; the next (5 s) would end past 10 s.
  EXPECT_EQ(waits_, (std::vector<long>{250, 500, 1000, 2000, 4000}));
  EXPECT_EQ(server_.connects, 6);
  EXPECT_EQ(summary.error,
            "fake: connection refused (gave up after 6 attempts over 7.8 s, retry window 10 s: "
            "--retry-window-seconds or BILLFLOW_RETRY_WINDOW_SECONDS)");
}

TEST_F(RetryingIngestTest, ZeroWindowMakesOneAttempt) {
  policy_.window = std::chrono::seconds(0);
  server_.row_faults = {ErrorCode::kUnavailable};
  MemorySource source(kBody);
  const auto summary = Run(source);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_TRUE(waits_.empty());
  EXPECT_EQ(summary.error,
            "fake: row write failed (gave up after 1 attempt over 0.0 s, retry window 0 s: "
            "--retry-window-seconds or BILLFLOW_RETRY_WINDOW_SECONDS)");
}

TEST_F(RetryingIngestTest, JitterWaitsHalfToAllOfTheCappedBackoff) {
  policy_.jitter = true;
  policy_.max_backoff = std::chrono::milliseconds(1000);
  server_.connect_faults.assign(6, ErrorCode::kUnavailable);
  MemorySource source(kBody);
  const auto summary = Run(source);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  const std::vector<long> backoff{250, 500, 1000, 1000, 1000, 1000};
  ASSERT_EQ(waits_.size(), backoff.size());
  for (std::size_t i = 0; i < backoff.size(); ++i) {
    EXPECT_GE(waits_[i], backoff[i] / 2) << i;
    EXPECT_LE(waits_[i], backoff[i]) << i;
  }
}

TEST_F(RetryingIngestTest, NonRetryableErrorIsReturnedAtOnce) {
  server_.connect_faults = {ErrorCode::kPermissionDenied};
  MemorySource source(kBody);
  const auto summary = Run(source);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error, "fake: cannot connect");
  EXPECT_TRUE(waits_.empty());
}

TEST_F(RetryingIngestTest, SourceThatCannotRewindIsNotRetried) {
  server_.row_faults = {ErrorCode::kUnavailable};
  MemorySource source(kBody, {.can_rewind = false});
  const auto summary = Run(source);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error,
            "fake: row write failed; not retried: bills.csv cannot be read a second time");
  EXPECT_EQ(server_.commits, 0);
}

}  // namespace
}  // namespace billflow
