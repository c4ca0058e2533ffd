#include "pipeline/staged_rows.h"

#include <pthread.h>

#include <cstdint>

namespace billflow {
namespace {

// True when `inner` lies inside `outer` (same buffer), compared as addresses.
bool Inside(std::string_view inner, std::string_view outer) {
  const auto begin = reinterpret_cast<std::uintptr_t>(outer.data());
  const auto at = reinterpret_cast<std::uintptr_t>(inner.data());
  return at >= begin && at + inner.size() <= begin + outer.size();
}

}  // namespace

StagedRows::StagedRows(CsvReader& reader, const HeaderMap& header, const RowValidator& validator,
                       StagedRowsOptions options)
    : reader_(reader), header_(header), validator_(validator) {
  for (std::size_t i = 0; i < options.batches; ++i) {
    free_.Push(std::make_unique<RecordBatch>(options.batch_bytes, options.batch_records));
  }
  reader_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "billflow-read");
    ReadLoop();
  });
  validator_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "billflow-check");
    ValidateLoop();
  });
}

StagedRows::~StagedRows() { Stop(); }

void StagedRows::Stop() {
  stop_.store(true);
  free_.Close();
  read_.Close();
  validated_.Close();
  if (reader_thread_.joinable()) reader_thread_.join();
  if (validator_thread_.joinable()) validator_thread_.join();
  finished_ = true;
}

std::unique_ptr<RecordBatch> StagedRows::Next() {
  std::unique_ptr<RecordBatch> batch;
  if (finished_ || !validated_.Pop(&batch)) return nullptr;
  if (batch->last) finished_ = true;
  return batch;
}

void StagedRows::Recycle(std::unique_ptr<RecordBatch> batch) {
  batch->Clear();
  free_.Push(std::move(batch));
}

void StagedRows::ReadLoop() {
  CsvRecord record;
  std::unique_ptr<RecordBatch> batch;
  while (!stop_.load(std::memory_order_relaxed)) {
    if (!batch && !free_.Pop(&batch)) return;
    auto more = reader_.Next(&record);
    if (!more || !*more) {
      batch->last = true;
      if (!more) batch->end = tl::unexpected(more.error());
      read_.Push(std::move(batch));
      return;
    }
    const bool selectable =
        record.error == CsvRecordError::kNone && record.fields.size() == header_.field_count();
    RowFields fields{};
    std::size_t bytes = record.raw.size();
    if (selectable) {
      fields = header_.Select(record.fields);
      // Fields inside the raw bytes are re-pointed into its copy; the others (unescaped
      // quotes) need bytes of their own.
      for (const std::string_view field : fields) {
        if (!Inside(field, record.raw)) bytes += field.size();
      }
    }
    if (!batch->Fits(bytes)) {
      read_.Push(std::move(batch));
      if (!free_.Pop(&batch)) return;
      batch->Fits(bytes);  // an empty batch always makes room
    }
    StagedRecord& staged = batch->Add();
    staged.line_number = record.line_number;
    staged.end_offset = reader_.bytes_consumed();
    staged.csv_error = record.error;
    staged.field_count = record.fields.size();
    staged.raw = batch->Keep(record.raw);
    if (selectable) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string_view field = fields[i];
        staged.fields[i] =
            Inside(field, record.raw)
                ? staged.raw.substr(static_cast<std::size_t>(field.data() - record.raw.data()),
                                    field.size())
                : batch->Keep(field);
      }
    }
    if (batch->full()) {
      if (!read_.Push(std::move(batch))) return;
    }
  }
}

void StagedRows::ValidateLoop() {
  std::unique_ptr<RecordBatch> batch;
  while (read_.Pop(&batch)) {
    for (StagedRecord& record : batch->records()) {
      if (stop_.load(std::memory_order_relaxed)) return;
      if (record.csv_error != CsvRecordError::kNone ||
          record.field_count != header_.field_count()) {
        continue;  // the consumer words these rejects
      }
      record.valid =
          validator_.Validate(record.fields, &record.row, &record.reason, &record.rate_missing);
      if (record.valid) {
        record.row.line_number = record.line_number;
        record.row.raw_line = record.raw;
      }
    }
    if (Status loaded = validator_.TakeRateLoadError(); !loaded) {
      // The batch was judged without the rates that failed to load: none of it goes on, and
      // the file ends with the error.
      batch->Clear();
      batch->last = true;
      batch->end = std::move(loaded);
      validated_.Push(std::move(batch));
      return;
    }
    const bool last = batch->last;
    if (!validated_.Push(std::move(batch)) || last) return;
  }
}

}  // namespace billflow
