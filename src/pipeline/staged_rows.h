#ifndef BILLFLOW_PIPELINE_STAGED_ROWS_H_
#define BILLFLOW_PIPELINE_STAGED_ROWS_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>

#include "core/row_validator.h"
#include "csv/csv_reader.h"
#include "csv/header_map.h"
#include "pipeline/batch_queue.h"
#include "pipeline/record_batch.h"

namespace billflow {

struct StagedRowsOptions {
  std::size_t batches = 4;              // in circulation: bounds memory
  std::size_t batch_bytes = 256 << 10;  // record text per batch
  std::size_t batch_records = 2048;
};

// Reads and validates a file's records on two threads of their own, so the caller's thread
// only has to store them: one thread runs the CsvReader (and its byte observer, e.g. the
// content hash) and copies each record into a batch, a second one validates and converts
// every record of a batch, and Next() hands the batches back in file order. On two cores a
// dry run takes about half the time of doing it all on one thread, and a load spends its own
// thread on the database only.
//
// `reader` (already past the header), `header` and `validator` must outlive this object and
// must not be used by anyone else until Finish() or destruction. Next() and Recycle() are
// for one consumer thread.
class StagedRows {
 public:
  StagedRows(CsvReader& reader, const HeaderMap& header, const RowValidator& validator,
             StagedRowsOptions options = {});
  // Stops both threads (if still running) and waits for them.
  ~StagedRows();
  StagedRows(const StagedRows&) = delete;
  StagedRows& operator=(const StagedRows&) = delete;

  // The next batch of validated records in file order; null once the last batch has been
  // handed out (or after Stop()). The batch with `last` set carries the reader's end status,
  // or, empty, the error of a rate load (RowValidator::TakeRateLoadError).
  // Hand every batch back with Recycle() before asking for more than `batches` of them.
  std::unique_ptr<RecordBatch> Next();
  void Recycle(std::unique_ptr<RecordBatch> batch);
  // Asks both threads to stop early and waits for them; Next() then returns null.
  void Stop();

 private:
  void ReadLoop();
  void ValidateLoop();

  CsvReader& reader_;
  const HeaderMap& header_;
  const RowValidator& validator_;
  BatchQueue<std::unique_ptr<RecordBatch>> free_;
  BatchQueue<std::unique_ptr<RecordBatch>> read_;
  BatchQueue<std::unique_ptr<RecordBatch>> validated_;
  std::atomic<bool> stop_{false};
  bool finished_ = false;
  std::thread reader_thread_;
  std::thread validator_thread_;
};

}  // namespace billflow

#endif  // BILLFLOW_PIPELINE_STAGED_ROWS_H_
