#include "cli/inbox_watcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "sinks/sqlite_sink.h"

namespace billflow {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// Whether the database is reachable, shared by every connection the factory makes.
struct Outage {
  std::atomic<bool> down{false};
  std::atomic<int> fail_next_begins{0};  // BeginFile calls to fail even while up
  std::atomic<int> connects{0};
  std::atomic<int> begins{0};
  std::atomic<int> lose_next_commits{0};  // commits that happen but whose answer is lost
};

// A real SqliteSink whose connection "drops" while the outage lasts.
class FlakyDatabase : public Database {
 public:
  FlakyDatabase(std::unique_ptr<Database> inner, Outage* outage)
      : inner_(std::move(inner)), outage_(outage) {}
  Status Migrate() override { return inner_->Migrate(); }
  Result<std::optional<LedgerEntry>> FindFile(const std::string& source) override {
    if (outage_->down) return Fail(ErrorCode::kUnavailable, "db: connection lost");
    return inner_->FindFile(source);
  }
  Result<BeginOutcome> BeginFile(const FileIdentity& file) override {
    ++outage_->begins;
    if (outage_->down) return Fail(ErrorCode::kUnavailable, "db: connection lost");
    if (outage_->fail_next_begins > 0) {
      --outage_->fail_next_begins;
      return Fail(ErrorCode::kUnavailable, "db: server has gone away");
    }
    return inner_->BeginFile(file);
  }
  Status AddRow(const BillingRecord& row) override { return inner_->AddRow(row); }
  Status AddReject(const RejectedRow& reject) override { return inner_->AddReject(reject); }
  Result<CommitResult> CommitFile(const FileIdentity& file, const LoadTally& tally) override {
    auto committed = inner_->CommitFile(file, tally);
    if (committed && outage_->lose_next_commits > 0) {
      --outage_->lose_next_commits;
      return Fail(ErrorCode::kAmbiguousCommit, "db: connection lost during COMMIT");
    }
    return committed;
  }
  void RollbackFile() noexcept override { inner_->RollbackFile(); }
  Status RecordFailure(const FileIdentity& file, const std::string& error) override {
    return inner_->RecordFailure(file, error);
  }
  Result<std::vector<GroupTotal>> Totals(GroupBy by) override { return inner_->Totals(by); }
  Result<std::vector<StoredFile>> Files() override { return inner_->Files(); }
  Result<std::vector<StoredReject>> Rejects(const std::optional<std::string>& source) override {
    return inner_->Rejects(source);
  }
  Result<std::vector<FxRate>> LoadRates() override {
    if (outage_->down) return Fail(ErrorCode::kUnavailable, "db: connection lost");
    return inner_->LoadRates();
  }
  Result<std::vector<FxRate>> LoadCurrencyRates(const std::string& currency,
                                                const RateWindow& window) override {
    if (outage_->down) return Fail(ErrorCode::kUnavailable, "db: connection lost");
    return inner_->LoadCurrencyRates(currency, window);
  }
  Result<bool> HasRates() override {
    if (outage_->down) return Fail(ErrorCode::kUnavailable, "db: connection lost");
    return inner_->HasRates();
  }
  Status SaveRates(const std::vector<FxRate>& rates) override { return inner_->SaveRates(rates); }
  Result<std::vector<RetriedFile>> RetryRejects(const FxRateTable& rates,
                                                const RetryOptions& options) override {
    return inner_->RetryRejects(rates, options);
  }
  Result<ReconvertRun> Reconvert(const FxRateTable& rates,
                                 const ReconvertRequest& request) override {
    return inner_->Reconvert(rates, request);
  }
  Result<std::vector<StoredReconversion>> Reconversions() override {
    return inner_->Reconversions();
  }
  Result<std::uint64_t> RowsUsingRate(const std::string& currency, CivilDate valid_from) override {
    return inner_->RowsUsingRate(currency, valid_from);
  }

 private:
  std::unique_ptr<Database> inner_;
  Outage* outage_;
};

class InboxWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/billflow_watcher_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    inbox_ = root_ / "inbox";
    fs::create_directories(inbox_);
    config_.paths = {inbox_.string()};
    config_.settle_ms = 20;
    config_.quiet = true;
  }
  void TearDown() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    fs::remove_all(root_);
  }

  DatabaseFactory Factory() {
    return [this]() -> Result<std::unique_ptr<Database>> {
      ++outage_.connects;
      if (outage_.down) return Fail(ErrorCode::kUnavailable, "db: connection refused");
      auto sink = SqliteSink::Open({(root_ / "t.db").string()});
      if (!sink) return tl::unexpected(sink.error());
      BILLFLOW_TRY((*sink)->Migrate());
      return std::unique_ptr<Database>(std::make_unique<FlakyDatabase>(std::move(*sink), &outage_));
    };
  }

  void Start() {
    watcher_ = std::make_unique<InboxWatcher>(config_, log_, stop_, Factory(), Settings());
    thread_ = std::thread([this] { exit_code_ = watcher_->Run(); });
  }

  // Short retries: a window of 100 ms, backoff 20 ms doubling to 80 ms.
  IngestSettings Settings() {
    IngestSettings settings = *MakeIngestSettings(config_);
    settings.retry.window = milliseconds(100);
    settings.retry.first_backoff = milliseconds(20);
    settings.retry.max_backoff = milliseconds(80);
    return settings;
  }

  int Stop() {
    stop_ = true;
    thread_.join();
    return exit_code_;
  }

  void Drop(const std::string& name) {
    std::ofstream out(inbox_ / name);
    out << "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n"
           "1,Acme,US,Austin,Bakery,Bread,2024-05-01,USD,10.50\n"
           "2,Acme,CA,Toronto,Bakery,Bread,2024-05-02,CAD,100\n";
  }

  static bool WaitFor(const fs::path& path, milliseconds timeout = milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (fs::exists(path)) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }

  std::vector<StoredFile> StoredFiles() {
    auto sink = SqliteSink::Open({(root_ / "t.db").string()});
    EXPECT_TRUE(sink.has_value());
    auto files = (*sink)->Files();
    EXPECT_TRUE(files.has_value());
    return *files;
  }

  fs::path root_, inbox_;
  Config config_;
  Logger log_{LogFormat::kText, LogLevel::kError};
  std::atomic<bool> stop_{false};
  Outage outage_;
  std::unique_ptr<InboxWatcher> watcher_;
  std::thread thread_;
  int exit_code_ = -1;
};

TEST_F(InboxWatcherTest, DatabaseOutageKeepsTheFileInTheInboxUntilTheDatabaseIsBack) {
  outage_.down = true;
  Start();
  Drop("a.csv");
  std::this_thread::sleep_for(milliseconds(600));
  EXPECT_TRUE(fs::exists(inbox_ / "a.csv"));
  EXPECT_FALSE(fs::exists(inbox_ / "processed" / "a.csv"));
  EXPECT_FALSE(fs::exists(inbox_ / "failed" / "a.csv"));
  EXPECT_GE(outage_.connects.load(), 4);  // retried with backoff, capped at 80 ms here
  outage_.down = false;
  ASSERT_TRUE(WaitFor(inbox_ / "processed" / "a.csv"));
  EXPECT_EQ(Stop(), kExitOk);
  const auto files = StoredFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].status, "loaded");
  EXPECT_EQ(files[0].rows_loaded, 2u);
  EXPECT_EQ(files[0].usd_total, "89.50");  // 10.50 + 100 CAD x 0.79
}

TEST_F(InboxWatcherTest, ConnectionLostMidFileIsRetriedOnAFreshConnection) {
  outage_.fail_next_begins = 2;
  Start();
  Drop("b.csv");
  ASSERT_TRUE(WaitFor(inbox_ / "processed" / "b.csv"));
  EXPECT_EQ(Stop(), kExitOk);
  EXPECT_EQ(outage_.connects.load(), 3);  // the first, then one per lost connection
  EXPECT_FALSE(fs::exists(inbox_ / "failed" / "b.csv.error.txt"));
  const auto files = StoredFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].status, "loaded");
}

TEST_F(InboxWatcherTest, LostCommitIsSettledThroughTheLedgerNotLoadedAgain) {
  outage_.lose_next_commits = 1;
  Start();
  Drop("c.csv");
  ASSERT_TRUE(WaitFor(inbox_ / "processed" / "c.csv"));
  EXPECT_EQ(Stop(), kExitOk);
  // The ledger showed the commit happened: no second BeginFile, no second load.
  EXPECT_EQ(outage_.begins.load(), 1);
  EXPECT_EQ(outage_.connects.load(), 2);  // the first, then a fresh one to read the ledger
  const auto files = StoredFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].status, "loaded");
  EXPECT_EQ(files[0].rows_loaded, 2u);
  EXPECT_EQ(files[0].usd_total, "89.50");
}

TEST_F(InboxWatcherTest, NonRetryableDatabaseErrorAtStartIsFatal) {
  watcher_ = std::make_unique<InboxWatcher>(
      config_, log_, stop_,
      []() -> Result<std::unique_ptr<Database>> {
        return Fail(ErrorCode::kInvalidArgument, "unknown database URL");
      },
      Settings());
  EXPECT_EQ(watcher_->Run(), kExitUsage);
}

TEST_F(InboxWatcherTest, StopWhileIdleReturnsPromptly) {
  Start();
  std::this_thread::sleep_for(milliseconds(50));
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(Stop(), kExitOk);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, milliseconds(1000));
}

TEST(InboxInputSuffixTest, OnlyFinishedCsvNamesAreInputs) {
  EXPECT_EQ(InboxInputSuffix("bills.csv"), ".csv");
  EXPECT_EQ(InboxInputSuffix("BILLS.CSV"), ".CSV");
  EXPECT_EQ(InboxInputSuffix("bills.csv.gz"), ".csv.gz");
  for (const char* name : {".bills.csv", "bills.csv.tmp", "bills.csv.part", "bills.csv.partial",
                           "bills.csv.crdownload", "bills.csv.filepart", "bills.csv~",
                           ".bills.csv.swp", "bills.txt", "bills.gz", ""}) {
    EXPECT_EQ(InboxInputSuffix(name), "") << name;
  }
}

}  // namespace
}  // namespace billflow
