#ifndef BILLFLOW_SINKS_MYSQL_BULK_WRITER_H_
#define BILLFLOW_SINKS_MYSQL_BULK_WRITER_H_

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
#include "sinks/mysql_connection.h"
#include "sinks/mysql_options.h"

namespace billflow {

// The bulk path of MysqlSink inside one file's transaction: buffers rows up to `batch_bytes`
// and writes them in one statement (see MysqlBulkMode), buffers rejects and writes them as one
// prepared multi-row INSERT. A row the server did not store because its id is already in the
// file is handed to `on_duplicate(id, first_line, usd)`, which returns the reject reason to
// store for it. `conn` must outlive the writer. Not thread-safe.
class MysqlBulkWriter {
 public:
  using DuplicateFn = std::function<Result<std::string>(
      std::string_view id, std::uint64_t first_line, const Decimal& usd)>;

  MysqlBulkWriter(MysqlConnection* conn, const MysqlOptions& options, DuplicateFn on_duplicate);

  // Prepares the connection for a file (the staging table of kLoadStaged), inside its
  // transaction; `collation` is the schema's.
  [[nodiscard]] Status Start(const std::string& collation);
  [[nodiscard]] Status AddRow(const BillingRecord& row, std::int64_t file_id);
  [[nodiscard]] Status AddReject(std::int64_t file_id, std::uint64_t line_number,
                                 std::string_view reason, std::string_view raw_line,
                                 std::string_view retry_fields = {});
  // Writes everything buffered.
  [[nodiscard]] Status Flush(std::int64_t file_id);
  // Drops everything buffered (after a rollback).
  void Clear();

 private:
  struct QueuedReject {
    std::uint64_t line_number;
    std::string reason;
    std::string raw;
    std::string retry_fields;  // "" = NULL
  };
  [[nodiscard]] Status FlushRows(std::int64_t file_id);
  [[nodiscard]] Status FlushRejects(std::int64_t file_id);
  [[nodiscard]] Status CheckLoad(const MysqlLoadInfo& info);
  [[nodiscard]] Status RejectDuplicates(std::int64_t file_id, std::uint64_t count);
  void QueueReject(std::uint64_t line_number, std::string_view reason, std::string_view raw,
                   std::string_view retry_fields = {});
  const std::string& target() const { return conn_->target(); }

  MysqlConnection* conn_;
  MysqlBulkMode mode_;
  std::size_t batch_bytes_;
  DuplicateFn on_duplicate_;
  BulkRowBatch batch_;
  std::vector<QueuedReject> rejects_;  // for billing_rejects, not yet sent
  std::size_t reject_bytes_ = 0;
  std::string sql_;  // reused statement buffer
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_MYSQL_BULK_WRITER_H_
