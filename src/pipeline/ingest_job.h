#ifndef BILLFLOW_PIPELINE_INGEST_JOB_H_
#define BILLFLOW_PIPELINE_INGEST_JOB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "core/dialect.h"
#include "core/fx_rate_table.h"
#include "core/row_validator.h"
#include "csv/csv_reader.h"
#include "csv/header_map.h"
#include "pipeline/ingest_summary.h"
#include "sinks/record_sink.h"
#include "sources/byte_source.h"
#include "sources/transcoding_source.h"

namespace billflow {

struct IngestProgress {
  std::uint64_t rows_read = 0;
  std::uint64_t bytes_read = 0;
  std::optional<std::uint64_t> bytes_total;
};

// The dialect one file is read with, and the profile it came from (empty = none).
struct FileDialect {
  Dialect dialect;
  std::string profile;
};

struct IngestOptions {
  CsvOptions csv;
  ValidatorOptions validator;
  // How the file is written (encoding, delimiter, numbers, dates, title lines, columns). Its
  // settings override the matching ones of `csv` and `validator`; '\0' delimiter and empty
  // encoding are detected per file.
  Dialect dialect;
  // The profile the dialect came from, for the summary; empty = none.
  std::string profile;
  // When set, chooses each file's dialect and profile from what is known of its source
  // before it is read (replacing `dialect` and `profile`); an error fails that file alone.
  std::function<Result<FileDialect>(const SourceInfo&)> dialect_for;
  // More rejected rows than this fails the file (rolled back). nullopt = no limit.
  std::optional<std::uint64_t> max_rejects;
  // Raw bytes kept per reject; longer lines are cut (the reason says the line's length).
  std::size_t max_reject_raw_bytes = 4096;
  // Called about every `progress_every_rows` rows, from the calling thread.
  std::function<void(const IngestProgress&)> on_progress;
  std::uint64_t progress_every_rows = 1 << 16;
  // Polled about every 4,096 rows; returning true rolls the file back (kCancelled).
  std::function<bool()> should_stop;
  // Told about every row the job rejects (duplicate ids are found by the sink and not
  // reported here). For showing the first few to a person.
  std::function<void(const RejectedRow&)> on_reject;
};

// Drives one file end to end: source -> CsvReader -> RowValidator -> sink, as one
// transaction. Never throws; every outcome, failures included, is in the IngestSummary.
// Holds references to `rates`, which must outlive the job. Not thread-safe. Run() reads and
// validates on two threads of its own (StagedRows) while the calling thread feeds the sink;
// the sink and every callback in IngestOptions are used from the calling thread only.
// A `rates` table that loads a currency's year on its first lookup in it
// (FxRateTable::LoadingEach) loads on the validating thread, while the sink may be writing:
// its loader must not use the sink. A failed load fails the file with the load's error
// (retryable or not), rejecting nothing.
class IngestJob {
 public:
  IngestJob(const FxRateTable& rates, IngestOptions options);

  // `sink` may be null: a dry run that validates and converts without writing. A failed
  // file is rolled back, then recorded with sink->RecordFailure unless the error is
  // retryable or a stop request.
  IngestSummary Run(ByteSource& source, RecordSink* sink);

 private:
  // Content hash of a rewindable source (then rewound), for the unchanged-file fast path.
  Result<std::string> HashWhole(ByteSource& source);
  // The file's text as UTF-8 and a reader on it, with the effective dialect: the encoding
  // and delimiter detection chose (from the first bytes and the header line) filled in.
  // `raw_observer` (may be empty) sees the file's bytes as read. Errors name the file.
  struct OpenedText {
    std::unique_ptr<TranscodingSource> text;
    std::unique_ptr<CsvReader> reader;
    Dialect effective;
  };
  [[nodiscard]] static Result<OpenedText> OpenText(
      ByteSource& source, const FileDialect& dialect, const CsvOptions& csv_options,
      const HeaderOptions& header_options, std::function<void(std::string_view)> raw_observer);
  [[nodiscard]] Status Stream(ByteSource& source, RecordSink* sink, const FileDialect& dialect,
                              IngestSummary* summary);

  const FxRateTable& rates_;
  IngestOptions options_;
};

}  // namespace billflow

#endif  // BILLFLOW_PIPELINE_INGEST_JOB_H_
