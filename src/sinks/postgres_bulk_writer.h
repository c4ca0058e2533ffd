#ifndef BILLFLOW_SINKS_POSTGRES_BULK_WRITER_H_
#define BILLFLOW_SINKS_POSTGRES_BULK_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/billing_record.h"
#include "core/decimal.h"
#include "core/result.h"
#include "sinks/bulk_row_batch.h"
#include "sinks/postgres_connection.h"

namespace billflow {

// The bulk path of PostgresSink inside one file's transaction: rows are buffered up to
// `batch_bytes` and sent with one `COPY billing_data FROM STDIN` each, in the binary format
// (the server parses no text: a third less of its CPU than the text format, bench/RESULTS.md);
// rejects likewise into billing_rejects, in the text format. A batch's COPY opens once 64 KiB
// of it are ready and is streamed as the batch grows (the server copies while billflow reads
// on), so between AddRow calls the connection may be inside a COPY and can run nothing else
// until EndCopy, Flush or Clear ends it. A COPY stops at the first duplicate key, so a Bloom filter
// of the file's ids (16 MiB) sends every row whose id may have been seen before to a second batch
// of suspects, written through a temporary staging table with ON CONFLICT DO NOTHING after the rows
// before it; every row that was not stored goes to `on_duplicate(id, first_line, usd)`, whose
// reason is stored as its reject. The filter never misses a repeated id; should a COPY meet a
// duplicate anyway, it runs under a savepoint and its batch takes the staged path. `conn` must
// outlive the writer. Not thread-safe.
class PostgresBulkWriter {
 public:
  using DuplicateFn = std::function<Result<std::string>(
      std::string_view id, std::uint64_t first_line, const Decimal& usd)>;

  PostgresBulkWriter(PgConnection* conn, std::size_t batch_bytes, DuplicateFn on_duplicate);

  // Forgets the ids of the previous file (call when a file's transaction opens).
  void Start();
  [[nodiscard]] Status AddRow(const BillingRecord& row, std::int64_t file_id);
  [[nodiscard]] Status AddReject(std::int64_t file_id, std::uint64_t line_number,
                                 std::string_view reason, std::string_view raw_line,
                                 std::string_view retry_fields = {});
  // Ends the rows' COPY if one is open (the batch is written as it stands), so that the
  // connection may run another statement.
  [[nodiscard]] Status EndCopy(std::int64_t file_id);
  // Writes everything buffered.
  [[nodiscard]] Status Flush(std::int64_t file_id);
  // Drops everything buffered, ending an open COPY without storing it (before a rollback).
  void Clear();

 private:
  [[nodiscard]] Status FlushRows(std::int64_t file_id);
  // Opens the batch's COPY if need be and sends what is ready of it (all: trailer included).
  [[nodiscard]] Status StreamRows(bool all);
  [[nodiscard]] Status FlushRejects(std::int64_t file_id);
  [[nodiscard]] Status FlushSuspects(std::int64_t file_id);
  [[nodiscard]] Status FlushRowsSkippingDuplicates(std::int64_t file_id, const BulkRowBatch& b);
  // Bloom filter of the open file's ids: false means `id` was never added.
  bool MaybeSeen(std::string_view id) const;
  void AddSeen(std::string_view id);
  // An empty `retry_fields` is stored as NULL.
  void QueueReject(std::int64_t file_id, std::uint64_t line_number, std::string_view reason,
                   std::string_view raw, std::string_view retry_fields = {});

  PgConnection* conn_;
  std::size_t batch_bytes_;
  DuplicateFn on_duplicate_;
  BulkRowBatch batch_{BulkRowBatch::Encoding::kCopyBinary};
  BulkRowBatch suspects_{BulkRowBatch::Encoding::kCopyBinary};  // ids the filter may have seen
  std::size_t sent_ = 0;             // bytes of batch_.data() sent to the open COPY
  std::vector<std::uint64_t> seen_;  // the filter's bits; allocated on first use
  std::string rejects_;              // COPY text lines for billing_rejects, not yet sent
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_POSTGRES_BULK_WRITER_H_
