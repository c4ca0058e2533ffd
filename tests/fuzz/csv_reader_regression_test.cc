// Regression tests for what fuzzing found in CsvReader. Each is named after what broke.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <string>
#include <string_view>

#include "csv/csv_reader.h"

namespace billflow {
namespace {

// Delivers the given pieces, one per Read() (cut further if the buffer is smaller).
class PiecewiseSource : public ByteSource {
 public:
  explicit PiecewiseSource(std::deque<std::string> pieces) : pieces_(std::move(pieces)) {}
  const SourceInfo& Info() const override { return info_; }
  Result<std::size_t> Read(std::span<char> buffer) override {
    if (pieces_.empty()) return 0;
    std::string& piece = pieces_.front();
    const std::size_t n = std::min(piece.size(), buffer.size());
    std::copy_n(piece.data(), n, buffer.data());
    piece.erase(0, n);
    if (piece.empty()) pieces_.pop_front();
    return n;
  }
  Status Rewind() override { return Fail(ErrorCode::kInvalidData, "no rewind"); }
  bool CanRewind() const override { return false; }

 private:
  SourceInfo info_;
  std::deque<std::string> pieces_;
};

// Found by fuzz_csv_reader: CsvReader::Next declared a record too large as soon as
// max_record_bytes bytes were buffered without a complete record, even when the record was
// exactly max_record_bytes long and only its CRLF had not been read yet, so the outcome
// depended on where the source's reads ended. Fixed: the CR of a pending CRLF is allowed for.
TEST(CsvReaderRegressionTest, RecordOfExactlyMaxBytesIsKeptWhenTheReadEndsBeforeItsLineBreak) {
  PiecewiseSource source({"a\nabcdefgh\r", "\nx\n"});
  CsvOptions options;
  options.max_record_bytes = 8;
  options.read_chunk_bytes = 8;
  CsvReader reader(&source, options);
  CsvRecord record;
  ASSERT_TRUE(*reader.Next(&record));
  EXPECT_EQ(record.raw, "a");
  ASSERT_TRUE(*reader.Next(&record));
  EXPECT_EQ(record.error, CsvRecordError::kNone);
  EXPECT_EQ(record.raw, "abcdefgh");
  ASSERT_TRUE(*reader.Next(&record));
  EXPECT_EQ(record.raw, "x");
}

// The same document delivered in one read is read as intended (the control for the above).
TEST(CsvReaderRegressionTest, RecordOfExactlyMaxBytesIsKeptWhenReadWhole) {
  PiecewiseSource source({"a\nabcdefgh\r\nx\n"});
  CsvOptions options;
  options.max_record_bytes = 8;
  options.read_chunk_bytes = 8;
  CsvReader reader(&source, options);
  CsvRecord record;
  ASSERT_TRUE(*reader.Next(&record));
  ASSERT_TRUE(*reader.Next(&record));
  EXPECT_EQ(record.error, CsvRecordError::kNone);
  EXPECT_EQ(record.raw, "abcdefgh");
}

// Found by the differential test against Python's csv: at the end of an input without a
// final line break, a quoted field followed by a comma (`"x",`) gave two empty trailing
// fields instead of one (ScanQuotedRecord added the empty field after the comma, then looped
// and added another as an empty unquoted field). Fixed: the record ends there.
TEST(CsvReaderRegressionTest, QuotedFieldThenCommaAtEndOfInputGivesOneTrailingEmptyField) {
  PiecewiseSource source({"a,b\n\"x\","});
  CsvReader reader(&source, CsvOptions{});
  CsvRecord record;
  ASSERT_TRUE(*reader.Next(&record));
  ASSERT_TRUE(*reader.Next(&record));
  ASSERT_EQ(record.error, CsvRecordError::kNone);
  ASSERT_EQ(record.fields.size(), 2u);
  EXPECT_EQ(record.fields[0], "x");
  EXPECT_EQ(record.fields[1], "");
}

// The control: the same with an unquoted field, or with the final line break, is right.
TEST(CsvReaderRegressionTest, UnquotedFieldThenCommaAtEndOfInputGivesOneTrailingEmptyField) {
  for (const char* text : {"a,b\nx,", "a,b\n\"x\",\n"}) {
    PiecewiseSource source({text});
    CsvReader reader(&source, CsvOptions{});
    CsvRecord record;
    ASSERT_TRUE(*reader.Next(&record));
    ASSERT_TRUE(*reader.Next(&record));
    ASSERT_EQ(record.fields.size(), 2u) << text;
    EXPECT_EQ(record.fields[0], "x");
    EXPECT_EQ(record.fields[1], "");
  }
}

}  // namespace
}  // namespace billflow
