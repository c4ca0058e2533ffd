#ifndef BILLFLOW_SINKS_DATA_API_ROW_WRITER_H_
#define BILLFLOW_SINKS_DATA_API_ROW_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "aws/data_api_client.h"
#include "core/billing_record.h"
#include "core/decimal.h"
#include "core/result.h"

namespace billflow {

// Request budget of the Data API writes.
struct DataApiBatchLimits {
  // A BatchExecuteStatement is sent before its parameter sets' JSON — measured as encoded,
  // escapes included — would pass this size, or once it holds this many rows. The statement,
  // ARNs and headers add a few KiB; the service refuses requests over 4 MiB.
  std::size_t max_request_bytes = 2 * 1024 * 1024;
  std::size_t max_rows_per_request = 5000;
};

// Writes one file's rows and rejects into billing_data / billing_rejects inside the file's
// Data API transaction, in BatchExecuteStatement requests within `limits`.
//
// No statement it sends is expected to fail. An id already stored in the file is found before
// the request is sent: the request's ids are looked up against billing_data's PRIMARY KEY
// (file_id, id) in the same transaction, which holds the file's ledger row lock, so no other
// loader adds rows of the file meanwhile. A repeat inside the pending request is set aside
// before sending. Either way the row is not sent; `on_duplicate(id, first_line, usd)` counts it
// and returns its reject reason, and the reject is stored with the row's raw line. Ids compare
// byte for byte, as the schema's binary no-pad collation does. Memory holds one request's rows,
// never the file's ids.
//
// `client` must outlive the writer. Not thread-safe.
class DataApiRowWriter {
 public:
  using DuplicateFn = std::function<Result<std::string>(
      std::string_view id, std::uint64_t first_line, const Decimal& usd)>;
  DataApiRowWriter(DataApiClient* client, DataApiBatchLimits limits, DuplicateFn on_duplicate);

  // Starts a file: rows go to `file_id` inside `transaction_id`. Drops anything pending.
  void Start(std::string transaction_id, std::int64_t file_id);
  [[nodiscard]] Status AddRow(const BillingRecord& row);
  [[nodiscard]] Status AddReject(std::uint64_t line_number, std::string_view reason,
                                 std::string_view raw_line, std::string_view retry_fields = {});
  // Sends everything pending.
  [[nodiscard]] Status Flush();
  // Drops everything pending (the transaction is being rolled back).
  void Clear();

  // BatchExecuteStatement requests sent so far (tests check the chunking).
  std::size_t batch_requests() const { return batch_requests_; }

 private:
  struct Pending {
    std::vector<SqlParameterSet> sets;
    std::size_t bytes = 0;  // encoded JSON of `sets`, separators included
  };
  // A row of the pending request, kept to reject it if its id is already stored.
  struct PendingRow {
    std::string id;
    std::uint64_t line_number = 0;
    Decimal usd{0, 2};
    std::string raw_line;
    std::uint64_t stored_line = 0;  // line its id is stored under, if any; 0: none
  };
  // A row whose id an earlier row of the same pending request has (never sent).
  struct Repeat {
    std::size_t first = 0;  // index of that earlier row in pending_rows_
    std::uint64_t line_number = 0;
    Decimal usd{0, 2};
    std::string raw_line;
  };
  [[nodiscard]] Status Send(const char* sql, const std::vector<SqlParameterSet>& sets);
  [[nodiscard]] Status FlushRejects();
  [[nodiscard]] Status FlushRows();
  // Sets stored_line of every pending row whose id billing_data already holds for the file.
  [[nodiscard]] Status LookUpStoredIds();
  [[nodiscard]] Status Reject(std::string_view id, std::uint64_t line_number,
                              std::uint64_t first_line, const Decimal& usd,
                              std::string_view raw_line);
  bool Full(std::size_t bytes, std::size_t rows) const;

  DataApiClient* client_;
  DataApiBatchLimits limits_;
  DuplicateFn on_duplicate_;
  std::string transaction_id_;
  std::int64_t file_id_ = 0;
  Pending rows_;  // parameter sets of pending_rows_, in the same order
  std::vector<PendingRow> pending_rows_;
  std::unordered_map<std::string, std::size_t> pending_index_;  // id → index in pending_rows_
  std::vector<Repeat> repeats_;
  std::size_t repeat_bytes_ = 0;
  Pending rejects_;
  std::size_t batch_requests_ = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_DATA_API_ROW_WRITER_H_
