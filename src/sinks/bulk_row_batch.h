#ifndef BILLFLOW_SINKS_BULK_ROW_BATCH_H_
#define BILLFLOW_SINKS_BULK_ROW_BATCH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/billing_record.h"
#include "core/decimal.h"

namespace billflow {

// The billing_data columns a batch carries, in order (file_id is set by the statement).
inline constexpr char kBulkBatchColumns[] =
    "id, line_number, company_name, country, city, product_line, item, bill_date, currency, "
    "bill_amount, fx_rate, bill_amount_usd, fx_rate_date, fx_rate_source";

// A bounded buffer of billing rows encoded for one bulk statement (MySQL's LOAD DATA and
// INSERT, PostgreSQL's COPY: one encoding of a row for every server backend), plus what is needed
// to turn a row the server refused as a duplicate key into a reject (id, line, raw bytes, USD).
// Copies everything it is given. Not thread-safe.
class BulkRowBatch {
 public:
  enum class Encoding {
    kTsv,        // LOAD DATA text: fields by '\t', lines by '\n', escapes by '\\'
    kSqlValues,  // "(...),(...)" after "INSERT ... VALUES " (file_id literal first)
    // PostgreSQL's binary COPY (sinks/pg_copy_binary.h), file_id first: data() is always a
    // whole COPY stream, header and trailer included.
    kCopyBinary,
  };
  struct Row {
    std::uint64_t line_number = 0;
    std::uint32_t id_offset = 0, id_size = 0;    // into ids()
    std::uint64_t raw_offset = 0, raw_size = 0;  // into raws()
    Decimal usd;
  };

  explicit BulkRowBatch(Encoding encoding) : encoding_(encoding) {}

  // file_id is used by kSqlValues and kCopyBinary only.
  void Add(const BillingRecord& row, std::int64_t file_id);
  void Clear();

  bool empty() const { return rows_.empty(); }
  std::size_t size() const { return rows_.size(); }
  // Bytes held, for the flush decision.
  std::size_t bytes() const { return data_.size() + raws_.size() + ids_.size(); }
  const std::string& data() const { return data_; }
  const std::vector<Row>& rows() const { return rows_; }
  std::string_view id(const Row& row) const { return {ids_.data() + row.id_offset, row.id_size}; }
  std::string_view raw(const Row& row) const {
    return {raws_.data() + row.raw_offset, static_cast<std::size_t>(row.raw_size)};
  }

 private:
  Encoding encoding_;
  std::string data_;
  std::string ids_;
  std::string raws_;
  std::vector<Row> rows_;

  void AddCopyBinary(const BillingRecord& row, std::int64_t file_id);
};

// Appends `value` as canonical decimal text ("-12.50"): Decimal::ToString without allocating.
void AppendDecimal(const Decimal& value, std::string* out);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_BULK_ROW_BATCH_H_
