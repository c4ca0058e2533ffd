#ifndef BILLFLOW_SINKS_DATA_API_READER_H_
#define BILLFLOW_SINKS_DATA_API_READER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "aws/data_api_client.h"
#include "core/fx_rate_table.h"
#include "core/group_total.h"
#include "sinks/database.h"

namespace billflow {

// DataApiSink's reads and its rates upsert, within the Data API's limits (FIELD-NOTES
// "Real-service facts"). Every read pages by key: each answer holds at most `page_rows` rows
// and, by the rows' encoded size computed in SQL (JSON_QUOTE of text, base64 of blobs), stays
// under `page_bytes` plus one row, well inside the service's 1 MiB; a reject's raw line over
// 32 KiB is read in 32 KiB pieces so that no answer row nears the 64 KB row limit. A row that
// cannot be decoded (missing column, unparsable number or date) is kInvalidData naming the
// table: never skipped, never read as zero. The SQL is MySQL 8 / MariaDB 10.2+ (window
// functions). `client` must outlive the reader. Not thread-safe.
class DataApiReader {
 public:
  struct Limits {
    std::size_t page_rows = 5000;
    std::size_t page_bytes = 640 * 1024;
    std::size_t max_request_bytes = 2 * 1024 * 1024;  // SaveRates' BatchExecute budget
  };
  explicit DataApiReader(DataApiClient* client) : DataApiReader(client, Limits{}) {}
  DataApiReader(DataApiClient* client, Limits limits) : client_(client), limits_(limits) {}

  // Sums of loaded rows by `group_key_sql` and currency, ordered by both as bytes.
  [[nodiscard]] Result<std::vector<GroupTotal>> Totals(std::string_view group_key_sql);
  // billing_files ordered by source as bytes.
  [[nodiscard]] Result<std::vector<StoredFile>> Files();
  // Rejects with their raw lines, of the source whose SHA-256 (hex) is `source_key` or of
  // all, ordered by source as bytes then line.
  [[nodiscard]] Result<std::vector<StoredReject>> Rejects(
      const std::optional<std::string>& source, const std::optional<std::string>& source_key);
  // fx_rates ordered by currency and date.
  [[nodiscard]] Result<std::vector<FxRate>> Rates();
  // Upserts by (currency, valid_from) in BatchExecute requests within
  // limits.max_request_bytes (measured as encoded): one request on its own, several in one
  // transaction (all or nothing). Holds the requests' parameter sets in memory.
  [[nodiscard]] Status SaveRates(const std::vector<FxRate>& rates);

  // Requests sent so far (tests check the paging).
  std::size_t requests() const { return requests_; }

 private:
  struct PageResult {
    std::vector<std::vector<SqlValue>> rows;  // each with the page's own columns at the end
    bool last = false;                        // no row follows the page
  };
  // One page of `inner_sql` (a SELECT ordered by `order` whose columns include row_bytes, the
  // row's encoded size; LIMIT is appended).
  [[nodiscard]] Result<PageResult> Page(const std::string& inner_sql, std::string_view order,
                                        const SqlParameterSet& parameters, const std::string& what);
  [[nodiscard]] Result<std::string> LongRawLine(std::int64_t file_id, std::int64_t line_number,
                                                std::int64_t bytes);

  DataApiClient* client_;
  Limits limits_;
  std::size_t requests_ = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_DATA_API_READER_H_
