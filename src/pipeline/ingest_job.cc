#include "pipeline/ingest_job.h"

#include <chrono>
#include <vector>

#include "core/retry_fields.h"
#include "crypto/sha256.h"
#include "csv/header_map.h"
#include "pipeline/staged_rows.h"

namespace billflow {

std::string_view FileStatusName(FileStatus status) {
  switch (status) {
    case FileStatus::kLoaded:
      return "loaded";
    case FileStatus::kReplaced:
      return "replaced";
    case FileStatus::kUnchanged:
      return "unchanged";
    case FileStatus::kStale:
      return "stale";
    case FileStatus::kChecked:
      return "checked";
    case FileStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

namespace {

std::string_view CsvErrorReason(CsvRecordError error) {
  switch (error) {
    case CsvRecordError::kNone:
      return "";
    case CsvRecordError::kUnterminatedQuote:
      return "quoted field is never closed";
    case CsvRecordError::kCharAfterQuote:
      return "unexpected character after a closing quote";
    case CsvRecordError::kTooLarge:
      return "record is longer than the maximum record size";
  }
  return "unreadable record";
}

}  // namespace

IngestJob::IngestJob(const FxRateTable& rates, IngestOptions options)
    : rates_(rates), options_(std::move(options)), validator_(rates_, options_.validator) {}

Result<std::string> IngestJob::HashWhole(ByteSource& source) {
  Sha256 hasher;
  std::vector<char> buffer(1 << 20);
  while (true) {
    auto got = source.Read(buffer);
    if (!got) return tl::unexpected(got.error());
    if (*got == 0) break;
    hasher.Update(std::string_view(buffer.data(), *got));
  }
  BILLFLOW_TRY(source.Rewind());
  return ToHex(hasher.Finish());
}

IngestSummary FailedSummary(std::string source, std::string display_name, const Error& error) {
  IngestSummary summary;
  summary.source = std::move(source);
  summary.display_name = std::move(display_name);
  summary.status = FileStatus::kFailed;
  summary.error_code = error.code;
  summary.error = error.message;
  return summary;
}

IngestSummary IngestJob::Run(ByteSource& source, RecordSink* sink) {
  const auto started = std::chrono::steady_clock::now();
  const SourceInfo& info = source.Info();
  IngestSummary summary;
  summary.source = info.uri;
  summary.display_name = info.display_name;
  const Status streamed = Stream(source, sink, &summary);
  if (!streamed) {
    summary.status = FileStatus::kFailed;
    summary.error_code = streamed.error().code;
    summary.error = streamed.error().message;
    summary.tally = LoadTally{};
    // Leave a trace in the ledger (never over a loaded version). Retryable and cancelled
    // failures are not the file's fault, so they are not recorded against it.
    if (sink != nullptr && !IsRetryable(summary.error_code) &&
        summary.error_code != ErrorCode::kCancelled) {
      const FileIdentity identity{info.uri,
                                  summary.content_sha256,
                                  info.size_bytes.value_or(0),
                                  info.version_tag,
                                  info.version_order,
                                  "",
                                  ""};
      if (auto recorded = sink->RecordFailure(identity, summary.error); !recorded) {
        summary.warnings.push_back("could not record the failure in the ledger: " +
                                   recorded.error().message);
      }
    }
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

Status IngestJob::Stream(ByteSource& source, RecordSink* sink, IngestSummary* summary) {
  const SourceInfo& info = source.Info();
  const std::string& name = info.display_name;
  FileIdentity identity{
      info.uri, "", info.size_bytes.value_or(0), info.version_tag, info.version_order, "", ""};

  if (sink != nullptr) {
    // Fast path for re-runs: same size as what is loaded -> compare hashes before parsing.
    auto existing = sink->FindFile(info.uri);
    if (!existing) return tl::unexpected(existing.error());
    if (*existing && (*existing)->IsLoaded() && info.size_bytes &&
        (*existing)->size_bytes == *info.size_bytes && source.CanRewind()) {
      auto hash = HashWhole(source);
      if (!hash) return tl::unexpected(hash.error());
      FileIdentity read = identity;
      read.content_sha256 = *hash;
      if ((*existing)->Holds(read)) {
        summary->status = FileStatus::kUnchanged;
        summary->content_sha256 = *hash;
        return Ok();
      }
    }
    auto begun = sink->BeginFile(identity);
    if (!begun) return tl::unexpected(begun.error());
    if (*begun == BeginOutcome::kStale) {
      summary->status = FileStatus::kStale;
      return Ok();
    }
  }
  // From here a transaction may be open: every failure path rolls it back.
  const auto fail = [&](Error error) -> Status {
    if (sink != nullptr) sink->RollbackFile();
    return tl::unexpected(std::move(error));
  };

  Sha256 hasher;
  CsvReader reader(&source, options_.csv);
  // The hash is the file's identity in the ledger; a dry run has no ledger to consult.
  if (sink != nullptr) {
    reader.set_byte_observer([&hasher](std::string_view bytes) { hasher.Update(bytes); });
  }
  CsvRecord first;

  auto has_header = reader.Next(&first);
  if (!has_header) return fail(has_header.error());
  if (!*has_header)
    return fail({ErrorCode::kInvalidData, name + ": file is empty (no header line)"});
  if (first.error != CsvRecordError::kNone) {
    return fail({ErrorCode::kInvalidData, name + ":1: header is not readable CSV: " +
                                              std::string(CsvErrorReason(first.error))});
  }
  auto header = HeaderMap::FromHeader(first.fields);
  if (!header) return fail({ErrorCode::kInvalidData, name + ":1: " + header.error().message});
  if (reader.header_repaired()) {
    summary->warnings.push_back(
        name + ":1: header began with a quote that never closes; the quote was ignored");
  }
  if (!header->extra_columns().empty()) {
    std::string extra;
    for (const auto& column : header->extra_columns())
      extra += (extra.empty() ? "" : ", ") + column;
    if (header->extra_column_count() > header->extra_columns().size()) {
      extra += " and " +
               std::to_string(header->extra_column_count() - header->extra_columns().size()) +
               " more";
    }
    summary->warnings.push_back(name + ":1: extra column(s) ignored: " + extra);
  }

  LoadTally tally;
  std::string reason;
  std::string retry_fields;
  const auto reject = [&](std::uint64_t line, std::string_view why, std::string_view raw,
                          std::string_view retry = {}) -> Status {
    ++tally.rows_rejected;
    if (options_.on_reject) options_.on_reject(RejectedRow{line, why, raw, retry});
    if (options_.max_rejects && tally.rows_rejected > *options_.max_rejects) {
      return Fail(ErrorCode::kLimitExceeded,
                  name + ": more than " + std::to_string(*options_.max_rejects) +
                      " rows rejected (--max-rejects); nothing of the file was loaded");
    }
    if (sink == nullptr) return Ok();
    if (raw.size() > options_.max_reject_raw_bytes)
      raw = raw.substr(0, options_.max_reject_raw_bytes);
    return sink->AddReject(RejectedRow{line, why, raw, retry});
  };

  // Reading and validating run on two threads of their own; this one stores the rows.
  StagedRows staged(reader, *header, validator_);
  const auto stop_and_fail = [&](Error error) -> Status {
    staged.Stop();
    return fail(std::move(error));
  };
  while (auto batch = staged.Next()) {
    for (const StagedRecord& record : batch->records()) {
      ++tally.rows_read;
      if ((tally.rows_read & 4095) == 0 && options_.should_stop && options_.should_stop()) {
        return stop_and_fail(
            {ErrorCode::kCancelled, name + ": stopped before the end; nothing was loaded"});
      }
      if (options_.on_progress && tally.rows_read % options_.progress_every_rows == 0) {
        options_.on_progress({tally.rows_read, record.end_offset, info.size_bytes});
      }
      Status step;
      if (record.csv_error != CsvRecordError::kNone) {
        step = reject(record.line_number, CsvErrorReason(record.csv_error), record.raw);
      } else if (record.field_count != header->field_count()) {
        reason.assign("expected ")
            .append(std::to_string(header->field_count()))
            .append(" fields, found ")
            .append(std::to_string(record.field_count));
        step = reject(record.line_number, reason, record.raw);
      } else if (!record.valid && record.rate_missing) {
        retry_fields.clear();
        AppendRetryFields(record.row, &retry_fields);
        step = reject(record.line_number, record.reason, record.raw, retry_fields);
      } else if (!record.valid) {
        step = reject(record.line_number, record.reason, record.raw);
      } else {
        ++tally.rows_loaded;
        std::optional<Decimal> usd = tally.usd_total.Add(record.row.bill_amount_usd);
        if (!usd) {
          return stop_and_fail({ErrorCode::kLimitExceeded,
                                name + ":" + std::to_string(record.line_number) +
                                    ": the file's USD total overflows; nothing was loaded"});
        }
        tally.usd_total = *usd;
        if (sink != nullptr) step = sink->AddRow(record.row);
      }
      if (!step) return stop_and_fail(step.error());
    }
    if (batch->last && !batch->end) return stop_and_fail(batch->end.error());
    staged.Recycle(std::move(batch));
  }
  staged.Stop();  // both threads are done: the reader and the hash may be read again

  summary->bytes_read = reader.bytes_consumed();
  identity.content_sha256 = sink != nullptr ? ToHex(hasher.Finish()) : "";
  identity.size_bytes = reader.bytes_consumed();
  summary->content_sha256 = identity.content_sha256;
  if (sink == nullptr) {
    summary->status = FileStatus::kChecked;
    summary->tally = tally;
    return Ok();
  }
  auto committed = sink->CommitFile(identity, tally);
  if (!committed) return fail(committed.error());
  summary->tally = committed->tally;
  switch (committed->outcome) {
    case CommitOutcome::kLoaded:
      summary->status = FileStatus::kLoaded;
      break;
    case CommitOutcome::kReplaced:
      summary->status = FileStatus::kReplaced;
      break;
    case CommitOutcome::kUnchanged:
      summary->status = FileStatus::kUnchanged;
      summary->tally = LoadTally{};
      break;
  }
  return Ok();
}

}  // namespace billflow
