#ifndef BILLFLOW_SINKS_SQLITE_SINK_H_
#define BILLFLOW_SINKS_SQLITE_SINK_H_

#include <memory>
#include <string>

#include "sinks/database.h"

namespace billflow {

struct SqliteOptions {
  std::string path;               // database file; created when missing
  int busy_timeout_ms = 600'000;  // how long to wait for another writer's file
};

// The embedded default backend. One write transaction (BEGIN IMMEDIATE) per file: a second
// process loading into the same database waits for the first, then sees its ledger. WAL
// journal, synchronous=FULL. Decimals are stored as canonical text ("975.30"). Not
// thread-safe; the sqlite3 handle never leaves the .cc.
class SqliteSink : public Database {
 public:
  [[nodiscard]] static Result<std::unique_ptr<SqliteSink>> Open(const SqliteOptions& options);
  ~SqliteSink() override;

  Status Migrate() override;
  Result<std::optional<LedgerEntry>> FindFile(const std::string& source) override;
  Result<BeginOutcome> BeginFile(const FileIdentity& file) override;
  Status AddRow(const BillingRecord& row) override;
  Status AddReject(const RejectedRow& reject) override;
  Result<CommitResult> CommitFile(const FileIdentity& file, const LoadTally& tally) override;
  void RollbackFile() noexcept override;
  Status RecordFailure(const FileIdentity& file, const std::string& error) override;

  Result<std::vector<GroupTotal>> Totals(GroupBy by) override;
  Result<std::vector<StoredFile>> Files() override;
  Result<std::vector<StoredReject>> Rejects(const std::optional<std::string>& source) override;
  Result<std::vector<FxRate>> LoadRates() override;
  Status SaveRates(const std::vector<FxRate>& rates) override;

 private:
  struct Impl;
  explicit SqliteSink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_SQLITE_SINK_H_
