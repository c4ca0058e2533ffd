// FileLedger::RetryRejects: rate-missing rejects settle once their rate exists, written once
// for every backend on the statement hooks.
#include <map>

#include "core/retry_fields.h"
#include "sinks/file_ledger.h"
#include "sinks/ledger_page.h"
#include "sinks/stored_values.h"

namespace billflow {
namespace {

constexpr auto kIdColumn = static_cast<std::size_t>(Column::kId);
const std::vector<std::string_view> kRejectColumns = {"line_number", "retry_fields"};
const std::vector<std::string_view> kIdColumns = {"id", "line_number"};

}  // namespace

Result<std::vector<RetriedFile>> FileLedger::RetryRejects(const FxRateTable& rates,
                                                          const RetryOptions& options) {
  ValidatorOptions validator_options;
  validator_options.rounding = options.rounding;
  validator_options.rate_age = options.rate_age;
  const RowValidator validator(rates, validator_options);
  // The files to visit are listed outside any transaction; each is then read again under its
  // lock, so a file replaced in between is retried as it is now.
  auto files = LoadedFilesWith(
      "SELECT 1 FROM billing_rejects r WHERE r.file_id = f.file_id AND r.retry_fields IS NOT "
      "NULL",
      {}, "list files with rate-missing rejects");
  if (!files) return tl::unexpected(files.error());
  std::vector<RetriedFile> retried;
  for (const auto& [file_id, source] : *files) {
    auto one = RetryFileRejects(file_id, source, validator);
    RollbackTransaction();
    if (!one) return tl::unexpected(one.error());
    if (*one) retried.push_back(std::move(**one));
  }
  return retried;
}

Result<std::optional<RetriedFile>> FileLedger::RetryFileRejects(std::int64_t file_id,
                                                                const std::string& source,
                                                                const RowValidator& validator) {
  LoadTally counts;
  auto opened = OpenLoadedFile(file_id, source, &counts);
  if (!opened) return tl::unexpected(opened.error());
  if (!*opened) return std::optional<RetriedFile>{};
  const std::string label = Label() + ": " + source;
  RetriedFile result;
  result.source = source;
  result.usd_before = counts.usd_total;
  Decimal settled_usd(0, 2);
  std::map<std::string, std::string> settled_lines;  // id -> line, settled in this run
  std::int64_t after_line = 0;
  while (true) {
    const SqlArg page_args[] = {SqlArg::Int(file_id), SqlArg::Int(after_line)};
    auto page = QueryText(
        "SELECT line_number, retry_fields FROM billing_rejects WHERE file_id = $1 AND "
        "retry_fields IS NOT NULL AND line_number > $2 ORDER BY line_number " +
            std::string(kLedgerPageLimit),
        page_args, "read the rate-missing rejects of " + source);
    if (!page) return tl::unexpected(page.error());
    // The page's rows that validate now, and which of their ids the file already stores.
    struct Candidate {
      std::int64_t line_number;
      std::array<std::string, kColumnCount> fields;
    };
    std::vector<Candidate> candidates;
    for (const TextRow& row : *page) {
      const StoredRow stored(row, label, "billing_rejects", kRejectColumns);
      BILLFLOW_TRY(stored.CheckWidth());
      auto line = stored.Int(0);
      auto fields = stored.Text(1);
      if (!line) return tl::unexpected(line.error());
      if (!fields) return tl::unexpected(fields.error());
      after_line = *line;
      Candidate candidate{*line, {}};
      if (!DecodeRetryFields(*fields, &candidate.fields)) {
        return Fail(ErrorCode::kInvalidData, label + ": line " + std::to_string(*line) +
                                                 ": billing_rejects.retry_fields is not nine "
                                                 "tab-separated fields");
      }
      candidates.push_back(std::move(candidate));
    }
    std::map<std::string, std::string> stored_lines;  // id -> first line, of this page's ids
    if (!candidates.empty()) {
      std::string sql = "SELECT id, line_number FROM billing_data WHERE file_id = $1 AND id IN (";
      SqlArgs args{SqlArg::Int(file_id)};
      for (const Candidate& c : candidates) {
        sql += (args.size() == 1 ? "$" : ",$") + std::to_string(args.size() + 1);
        args.push_back(SqlArg::Text(c.fields[kIdColumn]));
      }
      sql += ")";
      auto ids = QueryText(sql, args, "read the stored ids of " + source);
      if (!ids) return tl::unexpected(ids.error());
      for (const TextRow& row : *ids) {
        const StoredRow stored(row, label, "billing_data", kIdColumns);
        BILLFLOW_TRY(stored.CheckWidth());
        auto id = stored.Text(0);
        auto line = stored.Int(1);
        if (!id) return tl::unexpected(id.error());
        if (!line) return tl::unexpected(line.error());
        stored_lines.emplace(std::move(*id), std::to_string(*line));
      }
    }
    for (const Candidate& c : candidates) {
      RowFields views;
      for (std::size_t i = 0; i < views.size(); ++i) views[i] = c.fields[i];
      BillingRecord record;
      std::string reason;
      bool rate_missing = false;
      if (!validator.Validate(views, &record, &reason, &rate_missing)) {
        // Still without a usable rate (its reason may now name a newer rate date), or a rule
        // this billflow applies that the row's first load did not: it stays as it is.
        ++result.still_missing;
        continue;
      }
      record.line_number = static_cast<std::uint64_t>(c.line_number);
      const std::string& id = c.fields[kIdColumn];
      const std::string* first_line = nullptr;
      if (auto stored = stored_lines.find(id); stored != stored_lines.end()) {
        first_line = &stored->second;
      } else if (auto settled = settled_lines.find(id); settled != settled_lines.end()) {
        first_line = &settled->second;
      }
      if (first_line != nullptr) {
        // Another row of the file holds the id: the row stays rejected, as what it now is.
        std::string duplicate = "duplicate id ";
        AppendQuoted(id, &duplicate);
        duplicate += " (first on line " + *first_line + ")";
        BILLFLOW_TRY(ExecOne(
            "UPDATE billing_rejects SET reason = $1, retry_fields = NULL WHERE file_id = $2 AND "
            "line_number = $3",
            {SqlArg::Text(duplicate), SqlArg::Int(file_id), SqlArg::Int(c.line_number)},
            "mark a duplicate id in " + source));
        ++result.duplicates;
        continue;
      }
      BILLFLOW_TRY(ExecOne("DELETE FROM billing_rejects WHERE file_id = $1 AND line_number = $2",
                           {SqlArg::Int(file_id), SqlArg::Int(c.line_number)},
                           "settle a reject of " + source));
      BILLFLOW_TRY(AddRow(record));
      settled_lines.emplace(id, std::to_string(c.line_number));
      std::optional<Decimal> sum = settled_usd.Add(record.bill_amount_usd);
      if (!sum) return Fail(ErrorCode::kLimitExceeded, label + ": the settled USD total overflows");
      settled_usd = *sum;
      ++result.settled;
    }
    if (page->size() < kLedgerPageRows) break;
  }
  if (result.settled == 0 && result.duplicates == 0) {
    result.usd_after = result.usd_before;
    return std::optional<RetriedFile>{std::move(result)};
  }
  BILLFLOW_TRY(FlushFile());
  if (duplicate_rows_ != 0) {
    // The ids were checked above under the file's lock; a backend that still found one is
    // not in the state this job was written for.
    return Fail(ErrorCode::kDatabase, label + ": a settled row's id was stored meanwhile");
  }
  std::optional<Decimal> after_usd = counts.usd_total.Add(settled_usd);
  if (!after_usd)
    return Fail(ErrorCode::kLimitExceeded, label + ": the file's USD total overflows");
  const auto settled = static_cast<std::int64_t>(result.settled);
  BILLFLOW_TRY(
      ExecOne("UPDATE billing_files SET rows_loaded = $1, rows_rejected = $2, usd_total = $3 WHERE "
              "file_id = $4",
              {SqlArg::Int(static_cast<std::int64_t>(counts.rows_loaded) + settled),
               SqlArg::Int(static_cast<std::int64_t>(counts.rows_rejected) - settled),
               SqlArg::Dec(*after_usd), SqlArg::Int(file_id)},
              "update the counts of " + source));
  BILLFLOW_TRY(CommitTransaction());
  result.usd_after = *after_usd;
  return std::optional<RetriedFile>{std::move(result)};
}

}  // namespace billflow
