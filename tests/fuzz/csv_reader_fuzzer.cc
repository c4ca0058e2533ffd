// Fuzz target: CsvReader over a ByteSource that hands out the input in chunk sizes derived
// from the input itself. The same document is read twice, once delivered whole and once in
// those chunks (with a small read buffer), and the two record sequences must be identical.
// Every record is checked against the input: raw equals the input bytes at byte_offset,
// line_number is 1 + the line breaks before it, both strictly increase, fields lie inside
// raw (or come from the unescaping scratch when raw holds a doubled quote), and a quote-free
// record's fields joined by ',' give back raw. The byte observer sees every byte once.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "csv/csv_reader.h"
#include "fuzz_check.h"

namespace billflow {
namespace {

// Hands out `data` in chunks whose sizes come from a tiny PRNG (0 = whole reads).
class ChunkedSource : public ByteSource {
 public:
  ChunkedSource(std::string_view data, std::uint64_t seed) : data_(data), state_(seed) {}
  const SourceInfo& Info() const override { return info_; }
  Result<std::size_t> Read(std::span<char> buffer) override {
    std::size_t want = buffer.size();
    if (state_ != 0) {
      state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
      const std::uint64_t r = state_ >> 33;
      // Mostly tiny chunks (1..8 bytes), sometimes up to 300, to hit every boundary.
      want = std::min<std::size_t>(want, (r & 3) != 0 ? 1 + (r >> 2) % 8 : 1 + (r >> 2) % 300);
    }
    const std::size_t n = std::min(want, data_.size() - pos_);
    std::copy_n(data_.data() + pos_, n, buffer.data());
    pos_ += n;
    return n;
  }
  Status Rewind() override { return Fail(ErrorCode::kInvalidData, "no rewind"); }
  bool CanRewind() const override { return false; }

 private:
  SourceInfo info_;
  std::string_view data_;
  std::size_t pos_ = 0;
  std::uint64_t state_;
};

struct Seen {
  std::uint64_t line_number;
  std::uint64_t byte_offset;
  CsvRecordError error;
  std::string raw;
  std::vector<std::string> fields;
  friend bool operator==(const Seen&, const Seen&) = default;
};

bool Inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

std::vector<Seen> ReadAll(std::string_view data, CsvOptions options, std::uint64_t chunk_seed) {
  ChunkedSource source(data, chunk_seed);
  CsvReader reader(&source, options);
  std::string observed;
  reader.set_byte_observer([&observed](std::string_view bytes) { observed.append(bytes); });
  std::vector<Seen> out;
  std::uint64_t newlines_before = 0;  // line breaks in data[0, counted_to)
  std::size_t counted_to = 0;
  CsvRecord record;
  while (true) {
    Result<bool> more = reader.Next(&record);
    FUZZ_CHECK(more.has_value());  // the source never fails
    if (!*more) break;
    FUZZ_CHECK(out.size() <= data.size());  // every record consumes at least one byte
    FUZZ_CHECK(record.byte_offset < data.size());
    FUZZ_CHECK(record.raw.size() <= data.size() - record.byte_offset);
    FUZZ_CHECK(data.substr(record.byte_offset, record.raw.size()) == record.raw);
    if (!out.empty()) {
      FUZZ_CHECK(record.line_number > out.back().line_number);
      FUZZ_CHECK(record.byte_offset > out.back().byte_offset);
    }
    newlines_before += static_cast<std::uint64_t>(
        std::count(data.begin() + static_cast<std::ptrdiff_t>(counted_to),
                   data.begin() + static_cast<std::ptrdiff_t>(record.byte_offset), '\n'));
    counted_to = record.byte_offset;
    FUZZ_CHECK(record.line_number == 1 + newlines_before);
    Seen seen{record.line_number, record.byte_offset, record.error, std::string(record.raw), {}};
    if (record.error == CsvRecordError::kNone) {
      FUZZ_CHECK(!record.fields.empty());
      FUZZ_CHECK(record.raw.size() <= options.max_record_bytes);
      const bool has_quote = record.raw.find('"') != std::string_view::npos;
      const bool has_escape = record.raw.find("\"\"") != std::string_view::npos;
      std::string joined;
      for (std::size_t i = 0; i < record.fields.size(); ++i) {
        const std::string_view field = record.fields[i];
        FUZZ_CHECK(field.empty() || Inside(field, record.raw) ||
                   (has_escape && field.find('"') != std::string_view::npos));
        seen.fields.emplace_back(field);  // reads every byte: ASan sees a dangling view
        if (i > 0) joined.push_back(',');
        joined.append(field);
      }
      if (!has_quote) FUZZ_CHECK(joined == record.raw);
    } else {
      FUZZ_CHECK(record.fields.empty());
    }
    if (record.error == CsvRecordError::kTooLarge) {
      // The kept prefix is whatever was buffered (up to 1 KiB), so its length follows the read
      // boundaries and may run past the line break; at least min(limit, 1 KiB) bytes are kept.
      const std::size_t kept = std::min<std::size_t>(options.max_record_bytes, 1024);
      FUZZ_CHECK(record.raw.size() >= kept);
      seen.raw.resize(kept);
    }
    out.push_back(std::move(seen));
  }
  FUZZ_CHECK(observed == data);
  FUZZ_CHECK(reader.bytes_consumed() == data.size());
  // The end is sticky.
  Result<bool> again = reader.Next(&record);
  FUZZ_CHECK(again.has_value() && !*again);
  return out;
}

// On a mismatch, what each reading saw, for the crash report.
void Dump(const char* title, const std::vector<Seen>& records) {
  std::fprintf(stderr, "%s: %zu records\n", title, records.size());
  for (const Seen& r : records) {
    std::fprintf(stderr, "  line %llu offset %llu error %d raw[%zu] fields %zu:",
                 static_cast<unsigned long long>(r.line_number),
                 static_cast<unsigned long long>(r.byte_offset), static_cast<int>(r.error),
                 r.raw.size(), r.fields.size());
    for (const std::string& f : r.fields) std::fprintf(stderr, " [%s]", f.c_str());
    std::fprintf(stderr, "\n");
  }
}

}  // namespace
}  // namespace billflow

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a: chunking and limits follow the input
  for (std::size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ULL;
  static constexpr std::size_t kLimits[] = {8, 64, 300, 1 << 16};
  // Both readings use the same options (the buffer size decides what the header repair can
  // see of a first line longer than the buffer); only the source's read sizes differ.
  billflow::CsvOptions whole;
  whole.max_record_bytes = kLimits[hash % 4];
  whole.read_chunk_bytes = ((hash >> 3) & 7) == 0 ? 1 << 16 : 1 + (hash >> 6) % 64;
  whole.repair_header_quote = ((hash >> 2) & 1) == 0;
  const billflow::CsvOptions& chunked = whole;
  const auto reference = billflow::ReadAll(text, whole, 0);
  const auto pieces = billflow::ReadAll(text, chunked, (hash >> 12) | 1);
  if (reference != pieces) {
    std::fprintf(stderr, "max_record_bytes %zu, read_chunk_bytes %zu, repair %d\n",
                 whole.max_record_bytes, whole.read_chunk_bytes,
                 static_cast<int>(whole.repair_header_quote));
    billflow::Dump("delivered whole", reference);
    billflow::Dump("delivered in chunks", pieces);
  }
  FUZZ_CHECK(reference == pieces);
  return 0;
}
