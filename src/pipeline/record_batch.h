#ifndef BILLFLOW_PIPELINE_RECORD_BATCH_H_
#define BILLFLOW_PIPELINE_RECORD_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/billing_record.h"
#include "core/result.h"
#include "core/row_validator.h"
#include "csv/csv_reader.h"

namespace billflow {

// One CSV record copied out of the reader's buffer, then judged by the validator.
struct StagedRecord {
  std::uint64_t line_number = 0;
  std::uint64_t end_offset = 0;  // stream offset just past the record (for progress)
  std::string_view raw;          // the record's bytes, in the batch's arena
  CsvRecordError csv_error = CsvRecordError::kNone;
  std::size_t field_count = 0;  // fields as read
  RowFields fields{};           // contract columns (in the arena) when field_count matches
  // Filled by the validation stage.
  bool valid = false;
  BillingRecord row;          // views into the arena
  std::string reason;         // why the record is rejected, when !valid
  bool rate_missing = false;  // !valid only for want of a rate: `row` holds all but the rate
};

// A run of consecutive records with the bytes they point to. Views handed out by Keep() stay
// valid until Clear(): the arena never moves while it holds records. Memory is reused across
// Clear(), so a warmed-up batch allocates only for a record larger than any before it.
// Used by one thread at a time (batches are handed between threads through a queue).
class RecordBatch {
 public:
  // Room for about `arena_bytes` of record text and at most `max_records` records.
  RecordBatch(std::size_t arena_bytes, std::size_t max_records);

  void Clear();
  std::size_t size() const { return count_; }
  bool full() const { return count_ == records_.size() || used_ >= target_bytes_; }
  // True when `bytes` more fit without moving the arena. An empty batch always makes room.
  bool Fits(std::size_t bytes);
  // Copies `bytes` into the arena. Precondition: Fits(bytes.size()) returned true.
  std::string_view Keep(std::string_view bytes);
  // Appends a record (fields reset) and returns it.
  StagedRecord& Add();
  std::span<StagedRecord> records() { return {records_.data(), count_}; }

  // Set on the last batch of a stream: the reader's end (Ok) or its I/O error.
  bool last = false;
  Status end;

 private:
  std::unique_ptr<char[]> arena_;
  std::size_t capacity_ = 0;
  std::size_t target_bytes_ = 0;
  std::size_t used_ = 0;
  std::vector<StagedRecord> records_;
  std::size_t count_ = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_PIPELINE_RECORD_BATCH_H_
