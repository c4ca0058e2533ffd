// SqliteSink's read paths (Database): each query steps to SQLITE_DONE or fails; a step error
// is never mistaken for the end of the rows.
#include "core/row_validator.h"
#include "sinks/group_key_sql.h"
#include "sinks/sqlite_sink_impl.h"
#include "sinks/stored_values.h"

namespace billflow {

Result<std::vector<GroupTotal>> SqliteSink::Totals(GroupBy by) {
  const std::string key(GroupKeySql(by, SqlDialect::kSqlite));
  // billflow_sum adds the canonical decimal text in 128 bits (sqlite_decimal_sum.h): exact,
  // and an error rather than a wrap where SQLite's 64-bit integer SUM would overflow.
  auto stmt = impl_->Prepare("SELECT " + key +
                             " AS k, d.currency, COUNT(*), billflow_sum(d.bill_amount), "
                             "billflow_sum(d.bill_amount_usd) "
                             "FROM billing_data d JOIN billing_files f ON f.file_id = d.file_id "
                             "WHERE f.status = 'loaded' GROUP BY k, d.currency "
                             "ORDER BY k, d.currency");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<GroupTotal> out;
  while (true) {
    auto row = impl_->Next(stmt->get(), "report");
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    GroupTotal total;
    total.key = ColumnText(stmt->get(), 0);
    total.currency = ColumnText(stmt->get(), 1);
    total.rows = ColumnU64(stmt->get(), 2);
    auto amount = StoredDecimal(ColumnText(stmt->get(), 3), 4);
    auto usd = StoredDecimal(ColumnText(stmt->get(), 4), 2);
    if (!amount || !usd) {
      return Fail(ErrorCode::kInvalidData, "sqlite " + impl_->path + ": total of " + total.key +
                                               " " + total.currency + " is not a decimal");
    }
    total.amount_total = *amount;
    total.usd_total = *usd;
    out.push_back(std::move(total));
  }
  return out;
}

Result<std::vector<StoredFile>> SqliteSink::Files() {
  auto stmt = impl_->Prepare(
      "SELECT file_id, source, status, rows_read, rows_loaded, rows_rejected, usd_total, "
      "COALESCE(finished_at,''), COALESCE(error,'') FROM billing_files ORDER BY source");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<StoredFile> out;
  while (true) {
    auto row = impl_->Next(stmt->get(), "list files");
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    sqlite3_stmt* r = stmt->get();
    out.push_back({sqlite3_column_int64(r, 0), ColumnText(r, 1), ColumnText(r, 2), ColumnU64(r, 3),
                   ColumnU64(r, 4), ColumnU64(r, 5), ColumnText(r, 6), ColumnText(r, 7),
                   ColumnText(r, 8)});
  }
  return out;
}

Result<std::vector<StoredReject>> SqliteSink::Rejects(const std::optional<std::string>& source) {
  auto stmt = impl_->Prepare(
      "SELECT f.source, r.line_number, r.reason, r.raw_line FROM billing_rejects r "
      "JOIN billing_files f ON f.file_id = r.file_id WHERE (?1 IS NULL OR f.source = ?1) "
      "ORDER BY f.source, r.line_number");
  if (!stmt) return tl::unexpected(stmt.error());
  if (source) BindText(stmt->get(), 1, *source);
  std::vector<StoredReject> out;
  while (true) {
    auto row = impl_->Next(stmt->get(), "list rejects");
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    sqlite3_stmt* r = stmt->get();
    const auto* raw = static_cast<const char*>(sqlite3_column_blob(r, 3));
    out.push_back({ColumnText(r, 0), ColumnU64(r, 1), ColumnText(r, 2),
                   raw == nullptr
                       ? std::string()
                       : std::string(raw, static_cast<std::size_t>(sqlite3_column_bytes(r, 3)))});
  }
  return out;
}

Result<std::vector<FxRate>> SqliteSink::LoadRates() {
  auto stmt = impl_->Prepare(
      "SELECT currency, valid_from, rate_to_usd, COALESCE(source,'') FROM fx_rates "
      "ORDER BY currency, valid_from");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<FxRate> out;
  while (true) {
    auto row = impl_->Next(stmt->get(), "read rates");
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    sqlite3_stmt* r = stmt->get();
    auto rate = ParseStoredRate(ColumnText(r, 0), ColumnText(r, 1), ColumnText(r, 2),
                                ColumnText(r, 3), Label());
    if (!rate) return tl::unexpected(rate.error());
    out.push_back(std::move(*rate));
  }
  return out;
}

Status SqliteSink::SaveRates(const std::vector<FxRate>& rates) {
  Impl& s = *impl_;
  BILLFLOW_TRY(s.Exec("BEGIN IMMEDIATE"));
  s.in_transaction = true;
  auto stmt = s.Prepare(
      "INSERT INTO fx_rates(currency, valid_from, rate_to_usd, source) VALUES (?,?,?,?) "
      "ON CONFLICT(currency, valid_from) DO UPDATE SET rate_to_usd=excluded.rate_to_usd, "
      "source=excluded.source");
  if (!stmt) {
    s.Rollback();
    return tl::unexpected(stmt.error());
  }
  for (const FxRate& rate : rates) {
    BindText(stmt->get(), 1, rate.currency);
    BindText(stmt->get(), 2, rate.valid_from.ToString());
    BindText(stmt->get(), 3, rate.rate_to_usd.ToString());
    BindText(stmt->get(), 4, rate.source);
    if (auto ok = s.StepDone(stmt->get(), "save rate"); !ok) {
      s.Rollback();
      return ok;
    }
  }
  s.in_transaction = false;
  return s.Exec("COMMIT");
}

}  // namespace billflow
