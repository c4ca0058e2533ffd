#ifndef BILLFLOW_CSV_CSV_READER_H_
#define BILLFLOW_CSV_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sources/byte_source.h"  // interface only (header, no link dependency)

namespace billflow {

struct CsvOptions {
  // A record longer than this is reported as kTooLarge and skipped; memory stays bounded by
  // about 2 x max(read_chunk_bytes, max_record_bytes).
  std::size_t max_record_bytes = 1 << 20;
  std::size_t read_chunk_bytes = 1 << 20;
  // Repair a first line that opens a quote it never closes (see CONTRACT.md).
  bool repair_header_quote = true;
  char delimiter = ',';  // between fields; never the quote, CR or LF
  char quote = '"';
  // Physical lines dropped before the header (the title rows of an export). They are
  // counted in line numbers but never returned as records.
  std::uint32_t skip_lines = 0;
};

// Why a record could not be split into fields. The reader always resynchronises and goes on.
enum class CsvRecordError {
  kNone,
  kUnterminatedQuote,  // a quoted field still open at the end of the input
  kCharAfterQuote,     // a closing quote followed by something other than the delimiter or EOL
  kTooLarge,           // longer than max_record_bytes; skipped to the next line
};

// One record. Views are valid until the next call to Next().
struct CsvRecord {
  std::uint64_t line_number = 0;  // 1-based physical line where the record starts
  std::uint64_t byte_offset = 0;  // offset of its first byte in the stream
  std::span<const std::string_view> fields;
  std::string_view raw;  // record bytes without the line break (cut for kTooLarge)
  CsvRecordError error = CsvRecordError::kNone;
};

// Streaming RFC 4180 reader: quoted fields with delimiters, doubled quotes and line breaks; LF
// or CRLF; a UTF-8 BOM skipped; the last line may lack a newline; empty lines skipped. A quote
// inside an unquoted field is kept as a literal character. Allocates nothing per field once
// warmed up. `source` must outlive the reader. Not thread-safe.
//
// A stray quote costs at most its own line: when a quoted span crosses line breaks and the
// record it yields is malformed (kCharAfterQuote, or a field count other than the header's,
// i.e. the first record's), the span is read again line by line, so the lines it swallowed
// come back as records of their own. A well-formed multi-line quoted field is one field.
class CsvReader {
 public:
  CsvReader(ByteSource* source, CsvOptions options);

  // Reads the next record into *record. Returns false at the end of the input.
  // An I/O error from the source is returned as an error (the file fails).
  [[nodiscard]] Result<bool> Next(CsvRecord* record);

  // The header line's bytes (after the BOM, skip_lines and empty lines), without consuming
  // them, for detection before the first Next(): valid until the next call. Empty when the
  // input has no line with something on it.
  [[nodiscard]] Result<std::string_view> PeekFirstLine();
  // Changes the delimiter; only before the first Next().
  void set_delimiter(char delimiter) { options_.delimiter = delimiter; }

  // True when the first line's unclosed leading quote was dropped.
  bool header_repaired() const { return header_repaired_; }
  std::uint64_t bytes_consumed() const { return stream_offset_ + pos_; }
  // Observer of every byte read from the source (e.g. a content hash). Set before Next().
  void set_byte_observer(std::function<void(std::string_view)> observer) {
    observer_ = std::move(observer);
  }

 private:
  enum class Scan { kComplete, kNeedMore, kTooLarge };
  [[nodiscard]] Result<bool> Fill();
  Scan ScanRecord(CsvRecord* record);
  [[nodiscard]] Status Start();
  [[nodiscard]] Status SkipTitleLines();
  Scan ScanQuotedRecord(std::size_t start, CsvRecord* record);
  // The quote-aware scan of the bytes [start, end); `at_eof` says nothing follows them.
  Scan ScanQuoted(std::size_t start, const char* end, bool at_eof, CsvRecord* record);
  [[nodiscard]] Result<bool> SkipOversized(CsvRecord* record);
  void RepairHeaderIfNeeded();

  ByteSource* source_;
  CsvOptions options_;
  std::function<void(std::string_view)> observer_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;              // first unconsumed byte in buffer_
  std::size_t end_ = 0;              // one past the last valid byte in buffer_
  std::uint64_t stream_offset_ = 0;  // stream offset of buffer_[0]
  std::uint64_t line_number_ = 1;    // physical line at pos_
  bool eof_ = false;
  bool started_ = false;
  bool header_repaired_ = false;
  std::size_t expected_fields_ = 0;  // the first record's field count; 0 until known
  std::vector<std::string_view> fields_;
  std::string scratch_;  // unescaped text of fields with doubled quotes
  std::string oversized_raw_;
};

}  // namespace billflow

#endif  // BILLFLOW_CSV_CSV_READER_H_
