#include "pipeline/record_batch.h"

#include <cstring>

namespace billflow {

RecordBatch::RecordBatch(std::size_t arena_bytes, std::size_t max_records)
    : arena_(new char[arena_bytes]),
      capacity_(arena_bytes),
      target_bytes_(arena_bytes),
      records_(max_records) {}

void RecordBatch::Clear() {
  used_ = 0;
  count_ = 0;
  last = false;
  end = Ok();
}

bool RecordBatch::Fits(std::size_t bytes) {
  if (used_ + bytes <= capacity_) return true;
  if (count_ != 0) return false;
  // Nothing points into the arena yet: grow it for this one large record.
  arena_.reset(new char[bytes]);
  capacity_ = bytes;
  used_ = 0;
  return true;
}

std::string_view RecordBatch::Keep(std::string_view bytes) {
  char* at = arena_.get() + used_;
  if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
  used_ += bytes.size();
  return {at, bytes.size()};
}

StagedRecord& RecordBatch::Add() {
  StagedRecord& record = records_[count_++];
  record.csv_error = CsvRecordError::kNone;
  record.field_count = 0;  // `fields` are set only when the count matches; stale otherwise
  record.valid = false;
  record.raw = {};
  return record;
}

}  // namespace billflow
