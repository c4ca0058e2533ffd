#ifndef BILLFLOW_SINKS_FILE_LEDGER_H_
#define BILLFLOW_SINKS_FILE_LEDGER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/decimal.h"
#include "sinks/database.h"
#include "sinks/group_key_sql.h"
#include "sinks/ledger_read_sql.h"
#include "sinks/ledger_sql.h"

namespace billflow {

class StoredRow;

// The billing_files schema version every backend's DDL implements. Version 2 added
// billing_files.profile and billing_files.profile_sha256; version 3 added
// billing_data.fx_rate_date and fx_rate_source, billing_rejects.retry_fields and the
// fx_reconversions table; version 4 (PostgreSQL only: nothing changes elsewhere) dropped the
// foreign keys from billing_data and billing_rejects to billing_files for the guard trigger
// billing_files_in_use (sinks/postgres_schema.h). A database at this version is not
// migrated again: Migrate reads the version and stops.
inline constexpr int kLedgerSchemaVersion = 4;

// The file ledger, decided once for every backend. FileLedger implements the RecordSink
// life cycle of a file — Migrate (schema-version check and upgrade), BeginFile (stale /
// replace / insert `loading`), CommitFile (unchanged at commit, duplicate tally, loaded vs
// replaced), RollbackFile and RecordFailure — and every decision in it. A backend derives from
// it and supplies its dialect only, through the protected hooks below: SQL text, binding, how
// its transactions and locks work, and how it recognises a duplicate key (the server's error
// number). It still implements AddRow/AddReject (buffering and bulk writes are its own).
//
// The read paths of Database (Totals, Files, Rejects, the rate reads) and SaveRates are written
// once too (file_ledger_reads.cc, SQL in sinks/ledger_read_sql.h): a backend only runs SQL
// through QueryText and ExecText. Every read returns all its rows or an error, never a
// partial answer; a stored value that does not decode is kInvalidData (StoredRow).
//
// Adding a backend (e.g. PostgreSQL): derive from FileLedger, implement each hook with the
// contract stated beside it, call NoteDuplicate() for every row refused because its id is
// already stored in the file, and run tests/integration/sink_contract_test.cc against it.
// Nothing in this class changes.
//
// Hooks are called only by FileLedger, in this order for one file:
//   OpenFile → ReadEntry(for_update) → [ClearFile | InsertEntry] → (AddRow/AddReject)* →
//   FlushFile → WriteLoaded → CommitTransaction;   RollbackTransaction on any failure or
//   when the file turns out stale or unchanged.
// A hook returning an error leaves the rest to FileLedger (it rolls back). Not thread-safe.
class FileLedger : public Database {
 public:
  Status Migrate() final;
  Result<std::optional<LedgerEntry>> FindFile(const std::string& source) final;
  Result<BeginOutcome> BeginFile(const FileIdentity& file) final;
  Result<CommitResult> CommitFile(const FileIdentity& file, const LoadTally& tally) final;
  void RollbackFile() noexcept final;
  Status RecordFailure(const FileIdentity& file, const std::string& error) final;

  Result<std::vector<GroupTotal>> Totals(GroupBy by) final;
  Result<std::vector<StoredFile>> Files() final;
  Result<std::vector<StoredReject>> Rejects(const std::optional<std::string>& source) final;
  Result<std::vector<FxRate>> LoadRates() final;
  Result<std::vector<FxRate>> LoadCurrencyRates(const std::string& currency,
                                                const RateWindow& window) final;
  Result<bool> HasRates() final;
  Status SaveRates(const std::vector<FxRate>& rates) final;

  // The jobs over stored rows (reject_retry.cc, reconvert.cc), on the SQL hooks.
  Result<std::vector<RetriedFile>> RetryRejects(const FxRateTable& rates,
                                                const RetryOptions& options) final;
  Result<ReconvertRun> Reconvert(const FxRateTable& rates, const ReconvertRequest& request) final;
  Result<std::vector<StoredReconversion>> Reconversions() final;
  Result<std::uint64_t> RowsUsingRate(const std::string& currency, CivilDate valid_from) final;

 protected:
  FileLedger() = default;

  // The open file's ledger row (valid between a kProceed BeginFile and its commit/rollback).
  std::int64_t file_id() const { return file_id_; }
  // A row with `id` was refused because the open file already stores that id on `first_line`:
  // counts it (its `usd` leaves the file's total) and returns the reject reason to store for
  // it, `duplicate id "7" (first on line 2)`. Fails (kLimitExceeded) only if the duplicates'
  // USD sum overflows.
  [[nodiscard]] Result<std::string> NoteDuplicate(std::string_view id, std::uint64_t first_line,
                                                  const Decimal& usd);

  // Reads every row of `read` in key order — in keyset pages when read_limits() limits
  // answers — calling `each` for each row (a paged row has read.columns and then the page's
  // own columns). Stops at the first error of a query or of `each` and returns it.
  [[nodiscard]] Status ForEachRow(const KeysetRead& read, std::string_view what,
                                  const std::function<Status(const TextRow&)>& each);

  // ---- SQL hooks (the shared reads and writes run on these) ---------------------------------
  // The dialect the shared statements are written in.
  virtual SqlDialect dialect() const = 0;
  // What one answer may hold; the default (no limit) reads each query in one answer.
  virtual ReadLimits read_limits() const { return {}; }
  // Runs a query (placeholders $1…, sinks/ledger_sql.h) and returns all its rows, or an error
  // naming the database and `what` — never a partial answer. Inside the open file's
  // transaction when there is one, otherwise on its own.
  [[nodiscard]] virtual Result<TextRows> QueryText(std::string_view sql,
                                                   std::span<const SqlArg> args,
                                                   std::string_view what) = 0;
  // Runs `sql` once per parameter set of `sets`, in order: inside the open file's transaction
  // when there is one, otherwise all in one transaction of its own (all or nothing). Errors
  // name the database and `what`.
  [[nodiscard]] virtual Status ExecText(std::string_view sql, std::span<const SqlArgs> sets,
                                        std::string_view what) = 0;

  // ---- Dialect hooks -------------------------------------------------------------------------
  // Names the database in messages: "sqlite /data/billflow.db", "mysql app@db:3306/billing".
  virtual std::string Label() const = 0;

  // Schema. BeginSchemaChange serializes concurrent Migrate calls on the same database (a
  // transaction or a named lock); EndSchemaChange(true) makes the change durable,
  // EndSchemaChange(false) undoes what it can and releases the lock.
  [[nodiscard]] virtual Status BeginSchemaChange() = 0;
  // Creates the tables of kLedgerSchemaVersion that are missing (CREATE … IF NOT EXISTS).
  [[nodiscard]] virtual Status CreateTables() = 0;
  // MAX(version) of schema_version; 0 when nothing is recorded (a new database). Migrate calls
  // it first outside BeginSchemaChange (an error there is not reported: a new database has no
  // schema_version yet), then again inside.
  [[nodiscard]] virtual Result<int> StoredSchemaVersion() = 0;
  // Brings tables made by version `from_version` (1 ≤ from_version < kLedgerSchemaVersion) to
  // kLedgerSchemaVersion, keeping every row. Idempotent (sinks/schema_upgrade.h): a second run,
  // or one after an interrupted first, adds only what is missing.
  [[nodiscard]] virtual Status UpgradeTables(int from_version) = 0;
  [[nodiscard]] virtual Status RecordSchemaVersion(int version) = 0;
  virtual Status EndSchemaChange(bool commit) = 0;

  // The ledger row of `source`, or nullopt. `for_update`: inside the file transaction, locking
  // the row so a concurrent loader of the same source waits for this one. A status the dialect
  // cannot parse is kInvalidData.
  [[nodiscard]] virtual Result<std::optional<LedgerEntry>> ReadEntry(const std::string& source,
                                                                     bool for_update) = 0;
  // Opens the file's transaction (and whatever lock serializes loaders of `file.source`).
  [[nodiscard]] virtual Status OpenFile(const FileIdentity& file) = 0;
  // Replacing: deletes the rows and rejects of `file_id` and sets its status to loading.
  [[nodiscard]] virtual Status ClearFile(std::int64_t file_id) = 0;
  // Inserts `file`'s ledger row with status loading and returns its file_id; nullopt when a
  // concurrent first load of the source won the race (the unique key, or a deadlock on it):
  // FileLedger rolls back and begins again, a few times, then waits on that loader's row.
  [[nodiscard]] virtual Result<std::optional<std::int64_t>> InsertEntry(
      const FileIdentity& file) = 0;
  // Writes every buffered row and reject of the open file.
  [[nodiscard]] virtual Status FlushFile() = 0;
  // Sets the ledger row of file_id() to loaded with `file`'s identity and `stored` counts,
  // clearing its error.
  [[nodiscard]] virtual Status WriteLoaded(const FileIdentity& file, const LoadTally& stored) = 0;
  // Commits the file's transaction and releases its lock. When the outcome cannot be known
  // (the connection died during COMMIT) the error is kAmbiguousCommit.
  [[nodiscard]] virtual Status CommitTransaction() = 0;
  // Rolls the file's transaction back if one is open, drops buffered rows and releases the
  // lock. Safe to call at any time.
  virtual void RollbackTransaction() noexcept = 0;
  // In one atomic statement or transaction of its own: inserts `file` with status failed and
  // `error`, or updates an existing failed entry's error, finished_at and content_sha256; a
  // loaded entry keeps every column.
  [[nodiscard]] virtual Status UpsertFailure(const FileIdentity& file,
                                             const std::string& error) = 0;
  // Inside the transaction OpenFile opened for an existing loaded file (the jobs over stored
  // rows): makes AddRow and FlushFile write to `file_id`, as they do after ClearFile or
  // InsertEntry.
  [[nodiscard]] virtual Status ResumeFile(std::int64_t file_id) = 0;

 private:
  [[nodiscard]] Result<BeginOutcome> OpenOnce(const FileIdentity& file, bool* raced);
  // Every row of `read` decoded by `decode` (file_ledger_reads.cc).
  template <typename T>
  [[nodiscard]] Result<std::vector<T>> ReadAll(
      const KeysetRead& read, std::string_view what,
      const std::function<Result<T>(const StoredRow&)>& decode);
  [[nodiscard]] Status MigrateLocked();
  // The rates `read` (a RatesRead) selects.
  [[nodiscard]] Result<std::vector<FxRate>> ReadRates(const KeysetRead& read);

  // ---- Shared by the jobs over stored rows (sinks/ledger_jobs.cc) ----
  // The loaded files (file_id, source) for which `exists_sql` — a subquery on `f.file_id`
  // with `args` bound to its $1… — finds a row, by file_id, read in keyset pages.
  [[nodiscard]] Result<std::vector<std::pair<std::int64_t, std::string>>> LoadedFilesWith(
      std::string_view exists_sql, const SqlArgs& args, std::string_view what);
  // Opens the transaction and lock of `source` as an ingest does, checks that it is still the
  // loaded file `file_id` (false, rolled back, when not) and reads its counts into *counts.
  [[nodiscard]] Result<bool> OpenLoadedFile(std::int64_t file_id, const std::string& source,
                                            LoadTally* counts);
  // Runs one statement (ExecText with one parameter set).
  [[nodiscard]] Status ExecOne(std::string_view sql, SqlArgs args, std::string_view what);
  // One file's part of RetryRejects, in its own transaction; nullopt when the file is no
  // longer a loaded one.
  [[nodiscard]] Result<std::optional<RetriedFile>> RetryFileRejects(std::int64_t file_id,
                                                                    const std::string& source,
                                                                    const RowValidator& validator);
  // One file's part of Reconvert, in its own transaction (rolled back when dry); nullopt when
  // the file is no longer a loaded one.
  [[nodiscard]] Result<std::optional<ReconvertedFile>> ReconvertFile(
      std::int64_t file_id, const std::string& source, const RowValidator& validator,
      const ReconvertRequest& request);

  std::int64_t file_id_ = 0;
  std::string source_;
  std::optional<LedgerEntry> existing_;
  std::uint64_t duplicate_rows_ = 0;
  Decimal duplicate_usd_{0, 2};
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_FILE_LEDGER_H_
