// FileLedger::Reconvert and Reconversions: corrected rates applied to loaded rows, audited,
// written once for every backend on the statement hooks.
#include "sinks/file_ledger.h"
#include "sinks/ledger_page.h"
#include "sinks/stored_values.h"

namespace billflow {
namespace {

// The request's row filter over `billing_data d`, and its arguments.
struct RowFilter {
  std::string sql;
  SqlArgs args;
};

// Its placeholders start at $`first`.
RowFilter FilterOf(const ReconvertRequest& request, std::size_t first) {
  RowFilter filter;
  const auto add = [&](const char* condition, SqlArg arg) {
    filter.sql += std::string(condition) + "$" + std::to_string(first + filter.args.size());
    filter.args.push_back(std::move(arg));
  };
  if (request.currency) add(" AND d.currency = ", SqlArg::Text(*request.currency));
  if (request.from) add(" AND d.bill_date >= ", SqlArg::Date(*request.from));
  if (request.to) add(" AND d.bill_date <= ", SqlArg::Date(*request.to));
  return filter;
}

// A nullable DATE column as text ("" for NULL): MySQL's COALESCE reads a DATE as its text,
// PostgreSQL's needs both arguments of one type, and SQLite stores the text already.
std::string DateText(SqlDialect dialect, const char* column) {
  const std::string name(column);
  switch (dialect) {
    case SqlDialect::kPostgres:
      return "COALESCE(CAST(" + name + " AS TEXT), '')";
    case SqlDialect::kMysql:
    case SqlDialect::kSqlite:
      break;
  }
  return "COALESCE(" + name + ", '')";
}

// The SQL that stamps a row with the current UTC time, per dialect.
const char* NowSql(SqlDialect dialect) {
  switch (dialect) {
    case SqlDialect::kSqlite:
      return "strftime('%Y-%m-%dT%H:%M:%fZ','now')";
    case SqlDialect::kMysql:
      return "UTC_TIMESTAMP(6)";
    case SqlDialect::kPostgres:
      return "now()";
  }
  return "now()";
}

// A DATE column as text (NULL stays NULL): PostgreSQL needs the cast to answer text; the
// others answer a DATE as its text already.
std::string TextOf(SqlDialect dialect, const char* column) {
  if (dialect == SqlDialect::kPostgres) return "CAST(" + std::string(column) + " AS TEXT)";
  return column;
}

const std::vector<std::string_view> kRunColumns = {
    "run_id", "run_at",       "currency",      "from_date",    "to_date",
    "files",  "rows_changed", "old_usd_total", "new_usd_total"};

constexpr std::size_t kStoredColumns = 13;  // the nine fields, fx_rate, usd, rate date, source

}  // namespace

Result<ReconvertRun> FileLedger::Reconvert(const FxRateTable& rates,
                                           const ReconvertRequest& request) {
  ValidatorOptions validator_options;
  validator_options.rounding = request.conversion.rounding;
  validator_options.rate_age = request.conversion.rate_age;
  const RowValidator validator(rates, validator_options);
  const RowFilter filter = FilterOf(request, 1);
  auto files =
      LoadedFilesWith("SELECT 1 FROM billing_data d WHERE d.file_id = f.file_id" + filter.sql,
                      filter.args, "list files with rows to reconvert");
  if (!files) return tl::unexpected(files.error());
  ReconvertRun run;
  for (const auto& [file_id, source] : *files) {
    auto one = ReconvertFile(file_id, source, validator, request);
    RollbackTransaction();
    if (!one) return tl::unexpected(one.error());
    if (!*one) continue;
    run.rows_changed += (*one)->rows_changed;
    run.rows_without_rate += (*one)->rows_without_rate;
    std::optional<Decimal> old_usd = run.old_usd.Add((*one)->old_usd);
    std::optional<Decimal> new_usd = run.new_usd.Add((*one)->new_usd);
    if (!old_usd || !new_usd) {
      return Fail(ErrorCode::kLimitExceeded, Label() + ": reconvert: the USD totals overflow");
    }
    run.old_usd = *old_usd;
    run.new_usd = *new_usd;
    if ((*one)->rows_changed > 0) run.files.push_back(std::move(**one));
  }
  if (request.dry_run) return run;
  const std::string sql =
      std::string(
          "INSERT INTO fx_reconversions (run_at, currency, from_date, to_date, dry_run, "
          "files, rows_changed, old_usd_total, new_usd_total) VALUES (") +
      NowSql(dialect()) + ", $1, $2, $3, 0, $4, $5, $6, $7)";
  SqlArgs args;
  args.push_back(request.currency ? SqlArg::Text(*request.currency) : SqlArg::Null());
  args.push_back(request.from ? SqlArg::Date(*request.from) : SqlArg::Null());
  args.push_back(request.to ? SqlArg::Date(*request.to) : SqlArg::Null());
  args.push_back(SqlArg::Int(static_cast<std::int64_t>(run.files.size())));
  args.push_back(SqlArg::Int(static_cast<std::int64_t>(run.rows_changed)));
  args.push_back(SqlArg::Dec(run.old_usd));
  args.push_back(SqlArg::Dec(run.new_usd));
  BILLFLOW_TRY(ExecOne(sql, std::move(args), "record the reconvert run"));
  return run;
}

Result<std::optional<ReconvertedFile>> FileLedger::ReconvertFile(std::int64_t file_id,
                                                                 const std::string& source,
                                                                 const RowValidator& validator,
                                                                 const ReconvertRequest& request) {
  LoadTally counts;
  auto opened = OpenLoadedFile(file_id, source, &counts);
  if (!opened) return tl::unexpected(opened.error());
  if (!*opened) return std::optional<ReconvertedFile>{};
  const std::string label = Label() + ": " + source;
  const RowFilter filter = FilterOf(request, 2);
  const std::string select =
      "SELECT d.id, d.company_name, d.country, d.city, d.product_line, d.item, d.bill_date, "
      "d.currency, d.bill_amount, d.fx_rate, d.bill_amount_usd, " +
      DateText(dialect(), "d.fx_rate_date") +
      ", COALESCE(d.fx_rate_source, '') FROM billing_data d WHERE d.file_id = $1" + filter.sql +
      " AND d.id > $" + std::to_string(filter.args.size() + 2) + " ORDER BY d.id " +
      kLedgerPageLimit;
  ReconvertedFile result;
  result.source = source;
  result.usd_before = counts.usd_total;
  std::string after_id;
  bool first_page = true;
  while (true) {
    SqlArgs args{SqlArg::Int(file_id)};
    args.insert(args.end(), filter.args.begin(), filter.args.end());
    // The first page starts below every id ("" sorts first in every collation).
    args.push_back(SqlArg::Text(first_page ? std::string() : after_id));
    first_page = false;
    auto page = QueryText(select, args, "read the rows of " + source);
    if (!page) return tl::unexpected(page.error());
    const std::size_t page_rows = page->size();
    for (const std::vector<std::string>& row : WithoutNulls(std::move(*page))) {
      if (row.size() != kStoredColumns) {
        return Fail(ErrorCode::kInvalidData, label + ": short billing_data row");
      }
      after_id = row[0];
      RowFields fields;
      for (std::size_t i = 0; i < fields.size(); ++i) fields[i] = row[i];
      BillingRecord record;
      std::string reason;
      if (!validator.Validate(fields, &record, &reason)) {
        ++result.rows_without_rate;  // no usable rate now: the row keeps the one it has
        continue;
      }
      const std::optional<Decimal> stored_rate = Decimal::FromString(row[9]);
      const std::optional<Decimal> stored_usd = StoredDecimal(row[10], 2);
      if (!stored_rate || !stored_usd) {
        return Fail(ErrorCode::kInvalidData,
                    label + ": id \"" + row[0] + "\": billing_data.fx_rate \"" + row[9] +
                        "\" or bill_amount_usd \"" + row[10] + "\" is not a decimal");
      }
      const std::string rate_date = record.fx_rate_date.ToString();
      if (*stored_rate == record.fx_rate && *stored_usd == record.bill_amount_usd &&
          row[11] == rate_date && row[12] == record.fx_rate_source) {
        continue;
      }
      if (!request.dry_run) {
        BILLFLOW_TRY(
            ExecOne("UPDATE billing_data SET fx_rate = $1, fx_rate_date = $2, fx_rate_source = $3, "
                    "bill_amount_usd = $4 WHERE file_id = $5 AND id = $6",
                    {SqlArg::Dec(record.fx_rate), SqlArg::Date(record.fx_rate_date),
                     SqlArg::Text(record.fx_rate_source), SqlArg::Dec(record.bill_amount_usd),
                     SqlArg::Int(file_id), SqlArg::Text(row[0])},
                    "reconvert a row of " + source));
      }
      std::optional<Decimal> old_usd = result.old_usd.Add(*stored_usd);
      std::optional<Decimal> new_usd = result.new_usd.Add(record.bill_amount_usd);
      if (!old_usd || !new_usd) {
        return Fail(ErrorCode::kLimitExceeded, label + ": the reconverted USD totals overflow");
      }
      result.old_usd = *old_usd;
      result.new_usd = *new_usd;
      ++result.rows_changed;
    }
    if (page_rows < kLedgerPageRows) break;
  }
  const std::optional<Decimal> less_old = counts.usd_total.Add(Decimal(-result.old_usd.units(), 2));
  const std::optional<Decimal> after_usd = less_old ? less_old->Add(result.new_usd) : std::nullopt;
  if (!after_usd)
    return Fail(ErrorCode::kLimitExceeded, label + ": the file's USD total overflows");
  result.usd_after = *after_usd;
  if (request.dry_run || result.rows_changed == 0) {
    return std::optional<ReconvertedFile>{std::move(result)};
  }
  BILLFLOW_TRY(ExecOne("UPDATE billing_files SET usd_total = $1 WHERE file_id = $2",
                       {SqlArg::Dec(*after_usd), SqlArg::Int(file_id)},
                       "update the usd_total of " + source));
  BILLFLOW_TRY(CommitTransaction());
  return std::optional<ReconvertedFile>{std::move(result)};
}

Result<std::vector<StoredReconversion>> FileLedger::Reconversions() {
  RollbackTransaction();
  // run_at is read as each backend prints it and shown to the second, "YYYY-MM-DD HH:MM:SS".
  const std::string select =
      "SELECT run_id, " +
      std::string(dialect() == SqlDialect::kPostgres ? "CAST(run_at AS TEXT)" : "run_at") +
      ", currency, " + TextOf(dialect(), "from_date") + ", " + TextOf(dialect(), "to_date") +
      ", files, rows_changed, old_usd_total, new_usd_total FROM "
      "fx_reconversions WHERE run_id > $1 ORDER BY run_id " +
      kLedgerPageLimit;
  std::vector<StoredReconversion> runs;
  std::int64_t after = 0;
  while (true) {
    const SqlArg page_args[] = {SqlArg::Int(after)};
    auto page = QueryText(select, page_args, "read fx_reconversions");
    if (!page) return tl::unexpected(page.error());
    for (const TextRow& row : *page) {
      const StoredRow stored(row, Label(), "fx_reconversions", kRunColumns);
      BILLFLOW_TRY(stored.CheckWidth());
      auto id = stored.Int(0);
      auto run_at = stored.Text(1);
      auto currency = stored.NullableText(2);
      auto from = stored.NullableText(3);
      auto to = stored.NullableText(4);
      auto files = stored.Count(5);
      auto rows = stored.Count(6);
      auto old_usd = stored.Amount(7, 2);
      auto new_usd = stored.Amount(8, 2);
      if (!id) return tl::unexpected(id.error());
      if (!run_at) return tl::unexpected(run_at.error());
      if (!currency) return tl::unexpected(currency.error());
      if (!from) return tl::unexpected(from.error());
      if (!to) return tl::unexpected(to.error());
      if (!files) return tl::unexpected(files.error());
      if (!rows) return tl::unexpected(rows.error());
      if (!old_usd) return tl::unexpected(old_usd.error());
      if (!new_usd) return tl::unexpected(new_usd.error());
      after = *id;
      StoredReconversion r;
      r.run_id = *id;
      r.run_at = run_at->substr(0, 19);
      if (r.run_at.size() > 10 && r.run_at[10] == 'T') r.run_at[10] = ' ';
      r.currency = std::move(*currency);
      r.from_date = std::move(*from);
      r.to_date = std::move(*to);
      r.files = *files;
      r.rows_changed = *rows;
      r.old_usd_total = old_usd->ToString();
      r.new_usd_total = new_usd->ToString();
      runs.push_back(std::move(r));
    }
    if (page->size() < kLedgerPageRows) return runs;
  }
}

Result<std::uint64_t> FileLedger::RowsUsingRate(const std::string& currency, CivilDate valid_from) {
  static const std::vector<std::string_view> kColumns = {"count"};
  RollbackTransaction();
  const SqlArg args[] = {SqlArg::Text(currency), SqlArg::Date(valid_from)};
  auto rows =
      QueryText("SELECT COUNT(*) FROM billing_data WHERE currency = $1 AND fx_rate_date = $2", args,
                "count the rows using a rate");
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::uint64_t{0};
  const StoredRow stored(rows->front(), Label(), "billing_data", kColumns);
  BILLFLOW_TRY(stored.CheckWidth());
  return stored.Count(0);
}

}  // namespace billflow
