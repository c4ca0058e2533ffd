// What FileLedger's jobs over stored rows (rejects retry, reconvert) share: which files to
// visit, and opening one of them as an ingest would.
#include "sinks/file_ledger.h"
#include "sinks/ledger_page.h"
#include "sinks/stored_values.h"

namespace billflow {

Status FileLedger::ExecOne(std::string_view sql, SqlArgs args, std::string_view what) {
  const SqlArgs sets[] = {std::move(args)};
  return ExecText(sql, sets, what);
}

Result<std::vector<std::pair<std::int64_t, std::string>>> FileLedger::LoadedFilesWith(
    std::string_view exists_sql, const SqlArgs& args, std::string_view what) {
  static const std::vector<std::string_view> kColumns = {"file_id", "source"};
  const std::string sql =
      "SELECT f.file_id, f.source FROM billing_files f WHERE f.status = "
      "'loaded' AND EXISTS (" +
      std::string(exists_sql) + ") AND f.file_id > $" + std::to_string(args.size() + 1) +
      " ORDER BY f.file_id " + kLedgerPageLimit;
  std::vector<std::pair<std::int64_t, std::string>> files;
  std::int64_t after = 0;
  while (true) {
    SqlArgs page_args = args;
    page_args.push_back(SqlArg::Int(after));
    auto page = QueryText(sql, page_args, what);
    if (!page) return tl::unexpected(page.error());
    for (const TextRow& row : *page) {
      const StoredRow stored(row, Label(), "billing_files", kColumns);
      BILLFLOW_TRY(stored.CheckWidth());
      auto id = stored.Int(0);
      auto source = stored.Text(1);
      if (!id) return tl::unexpected(id.error());
      if (!source) return tl::unexpected(source.error());
      after = *id;
      files.emplace_back(*id, std::move(*source));
    }
    if (page->size() < kLedgerPageRows) return files;
  }
}

Result<bool> FileLedger::OpenLoadedFile(std::int64_t file_id, const std::string& source,
                                        LoadTally* counts) {
  static const std::vector<std::string_view> kColumns = {"rows_read", "rows_loaded",
                                                         "rows_rejected", "usd_total"};
  RollbackTransaction();
  FileIdentity identity;
  identity.source = source;
  source_ = source;
  existing_.reset();
  duplicate_rows_ = 0;
  duplicate_usd_ = Decimal(0, 2);
  file_id_ = 0;
  BILLFLOW_TRY(OpenFile(identity));
  auto entry = ReadEntry(source, true);
  if (!entry) return tl::unexpected(entry.error());
  // Replaced by a failed load, or gone, since it was listed: nothing of it is to be redone.
  if (!*entry || !(*entry)->IsLoaded() || (*entry)->file_id != file_id) {
    RollbackTransaction();
    return false;
  }
  file_id_ = file_id;
  BILLFLOW_TRY(ResumeFile(file_id));
  const SqlArg id[] = {SqlArg::Int(file_id)};
  auto rows = QueryText(
      "SELECT rows_read, rows_loaded, rows_rejected, usd_total FROM billing_files WHERE "
      "file_id = $1",
      id, "read the counts of " + source);
  if (!rows) return tl::unexpected(rows.error());
  if (rows->size() != 1) {
    return Fail(ErrorCode::kInvalidData, Label() + ": " + source + ": no ledger row to count");
  }
  const StoredRow stored(rows->front(), Label(), "billing_files", kColumns);
  BILLFLOW_TRY(stored.CheckWidth());
  auto read = stored.Count(0);
  auto loaded = stored.Count(1);
  auto rejected = stored.Count(2);
  auto usd = stored.Amount(3, 2);
  if (!read) return tl::unexpected(read.error());
  if (!loaded) return tl::unexpected(loaded.error());
  if (!rejected) return tl::unexpected(rejected.error());
  if (!usd) return tl::unexpected(usd.error());
  counts->rows_read = *read;
  counts->rows_loaded = *loaded;
  counts->rows_rejected = *rejected;
  counts->usd_total = *usd;
  return true;
}

}  // namespace billflow
