#include "csv/csv_reader.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace billflow {
namespace {

constexpr std::size_t kMaxRejectRawBytes = 1024;
constexpr std::size_t kFieldsPerCompletenessCheck = 1024;

const char* FindByte(const char* begin, const char* end, char c) {
  return static_cast<const char*>(std::memchr(begin, c, static_cast<std::size_t>(end - begin)));
}

// The first byte in [p, end) that is `a`, `b` or `c`; `end` if none. Sixteen bytes at a time
// (SSE2 is part of x86-64): one pass over a line instead of a memchr per delimiter kind.
const char* FindAny(const char* p, const char* end, char a, char b, char c) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  const __m128i vc = _mm_set1_epi8(c);
  for (; end - p >= 16; p += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, va), _mm_cmpeq_epi8(chunk, vb)),
                     _mm_cmpeq_epi8(chunk, vc));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (mask != 0) return p + __builtin_ctz(mask);
  }
#endif
  for (; p < end; ++p) {
    if (*p == a || *p == b || *p == c) return p;
  }
  return end;
}

std::uint64_t CountLineFeeds(const char* p, const char* end) {
  std::uint64_t count = 0;
  // A record holds one line feed or a few: memchr over it beats comparing every byte.
  while ((p = FindByte(p, end, '\n')) != nullptr) {
    ++count;
    ++p;
  }
  return count;
}

}  // namespace

CsvReader::CsvReader(ByteSource* source, CsvOptions options) : source_(source), options_(options) {
  // Room for a whole record, its CRLF and one more read: a record of exactly the maximum
  // size is always seen complete before it could be called too large.
  buffer_.resize(options_.max_record_bytes + options_.read_chunk_bytes + 2);
  // Views into scratch_ must survive appends within one record: reserve the worst case.
  scratch_.reserve(buffer_.size());
  fields_.reserve(16);
}

Result<bool> CsvReader::Fill() {
  if (pos_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    stream_offset_ += pos_;
    end_ -= pos_;
    pos_ = 0;
  }
  while (!eof_ && end_ < buffer_.size()) {
    auto got = source_->Read(std::span<char>(buffer_.data() + end_, buffer_.size() - end_));
    if (!got) return tl::unexpected(got.error());
    if (*got == 0) {
      eof_ = true;
      break;
    }
    if (observer_) observer_(std::string_view(buffer_.data() + end_, *got));
    end_ += *got;
    return true;
  }
  return false;
}

void CsvReader::RepairHeaderIfNeeded() {
  if (!options_.repair_header_quote || pos_ >= end_ || buffer_[pos_] != options_.quote) return;
  const char* begin = buffer_.data() + pos_;
  const char* end = buffer_.data() + end_;
  const char* newline = FindByte(begin, end, '\n');
  const char* line_end = newline != nullptr ? newline : end;
  if (FindByte(begin + 1, line_end, options_.quote) == nullptr) {
    ++pos_;
    header_repaired_ = true;
  }
}

Status CsvReader::Start() {
  if (started_) return Ok();
  // Enough bytes to see the BOM and the whole first line (or the buffer's worth).
  while (!eof_ && end_ < buffer_.size()) {
    auto filled = Fill();
    if (!filled) return tl::unexpected(filled.error());
    if (FindByte(buffer_.data(), buffer_.data() + end_, '\n') != nullptr) break;
  }
  if (end_ - pos_ >= 3 && std::memcmp(buffer_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
  BILLFLOW_TRY(SkipTitleLines());
  RepairHeaderIfNeeded();
  started_ = true;
  return Ok();
}

Status CsvReader::SkipTitleLines() {
  for (std::uint32_t skipped = 0; skipped < options_.skip_lines;) {
    const char* newline = FindByte(buffer_.data() + pos_, buffer_.data() + end_, '\n');
    if (newline != nullptr) {
      pos_ = static_cast<std::size_t>(newline - buffer_.data()) + 1;
      ++line_number_;
      ++skipped;
      continue;
    }
    pos_ = end_;
    if (eof_) return Ok();
    auto filled = Fill();
    if (!filled) return tl::unexpected(filled.error());
  }
  // The header's first line whole, for the repair and for PeekFirstLine().
  while (!eof_ && FindByte(buffer_.data() + pos_, buffer_.data() + end_, '\n') == nullptr &&
         end_ - pos_ < buffer_.size() - options_.read_chunk_bytes) {
    auto filled = Fill();
    if (!filled) return tl::unexpected(filled.error());
  }
  return Ok();
}

Result<std::string_view> CsvReader::PeekFirstLine() {
  BILLFLOW_TRY(Start());
  std::size_t begin = pos_;
  // Empty lines carry no record: the header is the first line with something on it.
  while (begin < end_ && (buffer_[begin] == '\n' || (buffer_[begin] == '\r' && begin + 1 < end_ &&
                                                     buffer_[begin + 1] == '\n'))) {
    begin += buffer_[begin] == '\n' ? std::size_t{1} : std::size_t{2};
  }
  const std::string_view rest(buffer_.data() + begin, end_ - begin);
  std::string_view line = rest.substr(0, rest.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Result<bool> CsvReader::Next(CsvRecord* record) {
  if (!started_) BILLFLOW_TRY(Start());
  while (true) {
    if (pos_ == end_ || (buffer_[pos_] == '\r' && pos_ + 1 == end_ && !eof_)) {
      if (eof_ && pos_ == end_) return false;
      auto filled = Fill();
      if (!filled) return tl::unexpected(filled.error());
      continue;
    }
    // Empty lines carry no record.
    if (buffer_[pos_] == '\n') {
      ++pos_;
      ++line_number_;
      continue;
    }
    if (buffer_[pos_] == '\r' && pos_ + 1 < end_ && buffer_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_number_;
      continue;
    }
    const Scan scan = ScanRecord(record);
    if (scan == Scan::kComplete) return true;
    // Incomplete and already longer than the maximum plus a CR of a pending CRLF: too large.
    if (scan == Scan::kTooLarge || end_ - pos_ > options_.max_record_bytes + 1) {
      return SkipOversized(record);
    }
    auto filled = Fill();
    if (!filled) return tl::unexpected(filled.error());
  }
}

CsvReader::Scan CsvReader::ScanRecord(CsvRecord* record) {
  const char* base = buffer_.data();
  const char* begin = base + pos_;
  const char* end = base + end_;
  const char delimiter = options_.delimiter;
  // Fast path: a line without quotes is split on the delimiter in one pass that stops at the
  // line break or hands the record to the quote-aware scan at its first quote. Each sixteen
  // bytes are compared once and every delimiter among them taken from the one mask, so a
  // field costs a bit scan rather than a search of its own.
  fields_.clear();
  const char* field = begin;
  const char* p = begin;
  const char* stop = nullptr;  // the first quote or line feed
  std::size_t fields_before_check = kFieldsPerCompletenessCheck;
#if defined(__SSE2__)
  const __m128i delimiters = _mm_set1_epi8(delimiter);
  const __m128i quotes = _mm_set1_epi8(options_.quote);
  const __m128i line_feeds = _mm_set1_epi8('\n');
  for (; stop == nullptr && end - p >= 16; p += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, delimiters), _mm_cmpeq_epi8(chunk, quotes)),
                     _mm_cmpeq_epi8(chunk, line_feeds));
    for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits)); mask != 0; mask &= mask - 1) {
      const char* hit = p + __builtin_ctz(mask);
      if (*hit != delimiter) {
        stop = hit;
        break;
      }
      fields_.emplace_back(field, static_cast<std::size_t>(hit - field));
      field = hit + 1;
    }
    // A line of countless fields may not be complete yet: do not collect them all to learn it.
    if (stop == nullptr && fields_.size() >= fields_before_check) {
      fields_before_check = fields_.size() + kFieldsPerCompletenessCheck;
      if (!eof_ && FindByte(p + 16, end, '\n') == nullptr) return Scan::kNeedMore;
    }
  }
#endif
  for (; stop == nullptr && p < end; ++p) {
    if (*p == delimiter) {
      fields_.emplace_back(field, static_cast<std::size_t>(p - field));
      field = p + 1;
    } else if (*p == options_.quote || *p == '\n') {
      stop = p;
    }
  }
  if (stop == nullptr) stop = end;
  if (stop != end && *stop == options_.quote) return ScanQuotedRecord(pos_, record);
  const char* newline = stop != end ? stop : nullptr;
  if (newline == nullptr && !eof_) return Scan::kNeedMore;
  const char* line_end = newline != nullptr ? newline : end;
  const char* content_end = line_end;
  if (content_end > field && content_end[-1] == '\r') --content_end;
  fields_.emplace_back(field, static_cast<std::size_t>(content_end - field));
  const auto raw_size = static_cast<std::size_t>(content_end - begin);
  if (raw_size > options_.max_record_bytes) return Scan::kTooLarge;
  record->line_number = line_number_;
  record->byte_offset = stream_offset_ + pos_;
  record->fields = fields_;
  record->raw = std::string_view(begin, raw_size);
  record->error = CsvRecordError::kNone;
  if (expected_fields_ == 0) expected_fields_ = fields_.size();
  pos_ = static_cast<std::size_t>(line_end - base) + (newline != nullptr ? 1 : 0);
  ++line_number_;
  return Scan::kComplete;
}

CsvReader::Scan CsvReader::ScanQuotedRecord(std::size_t start, CsvRecord* record) {
  const Scan scan = ScanQuoted(start, buffer_.data() + end_, eof_, record);
  if (scan != Scan::kComplete) return scan;
  const char* begin = buffer_.data() + start;
  const bool malformed = record->error == CsvRecordError::kCharAfterQuote ||
                         (record->error == CsvRecordError::kNone && expected_fields_ != 0 &&
                          record->fields.size() != expected_fields_);
  if (!malformed || record->raw.find('\n') == std::string_view::npos) {
    if (expected_fields_ == 0 && record->error == CsvRecordError::kNone) {
      expected_fields_ = record->fields.size();
    }
    return scan;
  }
  // Exports rarely hold line breaks inside fields: a malformed span over several lines is a
  // stray quote, so its first line is read alone and the next ones get their own turn.
  pos_ = start;
  line_number_ = record->line_number;
  const char* newline = FindByte(begin, buffer_.data() + end_, '\n');
  const Scan line_scan = ScanQuoted(start, newline, true, record);
  if (line_scan == Scan::kComplete && pos_ == static_cast<std::size_t>(newline - buffer_.data())) {
    pos_ += 1;  // the line break the line-only scan stopped in front of
    ++line_number_;
  }
  return line_scan;
}

CsvReader::Scan CsvReader::ScanQuoted(std::size_t start, const char* end, bool at_eof,
                                      CsvRecord* record) {
  const char* base = buffer_.data();
  const char* p = base + start;
  const char delimiter = options_.delimiter;
  const char quote_char = options_.quote;
  fields_.clear();
  scratch_.clear();
  CsvRecordError error = CsvRecordError::kNone;
  const char* record_end = nullptr;  // one past the last content byte
  const char* next = nullptr;        // where the following record starts

  while (record_end == nullptr) {
    if (p < end && *p == quote_char) {
      const char* segment = ++p;
      bool escaped = false;
      const std::size_t scratch_start = scratch_.size();
      while (true) {
        const char* quote = FindByte(p, end, quote_char);
        if (quote == nullptr) {
          if (!at_eof) return Scan::kNeedMore;
          // Unterminated: report the first line alone and resume on the next one, so the
          // lines a stray quote would swallow are read as records of their own.
          const char* first_newline = FindByte(base + start, end, '\n');
          record_end = first_newline != nullptr ? first_newline : end;
          next = first_newline != nullptr ? first_newline + 1 : end;
          if (record_end > base + start && record_end[-1] == '\r') --record_end;
          error = CsvRecordError::kUnterminatedQuote;
          break;
        }
        if (quote + 1 == end && !at_eof) return Scan::kNeedMore;
        if (quote + 1 < end && quote[1] == quote_char) {
          scratch_.append(segment, static_cast<std::size_t>(quote + 1 - segment));
          escaped = true;
          p = quote + 2;
          segment = p;
          continue;
        }
        if (escaped) {
          scratch_.append(segment, static_cast<std::size_t>(quote - segment));
          fields_.emplace_back(scratch_.data() + scratch_start, scratch_.size() - scratch_start);
        } else {
          fields_.emplace_back(segment, static_cast<std::size_t>(quote - segment));
        }
        p = quote + 1;
        break;
      }
      if (record_end != nullptr) break;
      if (p == end) {
        if (!at_eof) return Scan::kNeedMore;
        record_end = next = end;
      } else if (*p == delimiter) {
        ++p;
        if (p == end && at_eof) {  // a trailing delimiter at the end of the input: one empty field
          fields_.emplace_back();
          record_end = next = end;
        }
      } else if (*p == '\n') {
        record_end = p;
        next = p + 1;
      } else if (*p == '\r' && (p + 1 < end || at_eof)) {
        if (p + 1 < end && p[1] == '\n') {
          record_end = p;
          next = p + 2;
        } else if (p + 1 == end) {
          record_end = p;
          next = end;
        } else {
          error = CsvRecordError::kCharAfterQuote;
        }
      } else if (*p == '\r') {
        return Scan::kNeedMore;
      } else {
        error = CsvRecordError::kCharAfterQuote;
      }
      if (error == CsvRecordError::kCharAfterQuote) {
        const char* newline = FindByte(p, end, '\n');
        if (newline == nullptr && !at_eof) return Scan::kNeedMore;
        record_end = newline != nullptr ? newline : end;
        next = newline != nullptr ? newline + 1 : end;
        if (record_end > p && record_end[-1] == '\r') --record_end;
      }
    } else {
      const char* field = p;
      p = FindAny(p, end, delimiter, '\n', '\n');
      if (p == end && !at_eof) return Scan::kNeedMore;
      if (p < end && *p == delimiter) {
        fields_.emplace_back(field, static_cast<std::size_t>(p - field));
        ++p;
        if (p == end && at_eof) {
          fields_.emplace_back();
          record_end = next = end;
        }
        continue;
      }
      const char* content_end = p;
      if (content_end > field && content_end[-1] == '\r') --content_end;
      fields_.emplace_back(field, static_cast<std::size_t>(content_end - field));
      record_end = content_end;
      next = p < end ? p + 1 : end;
    }
  }

  const auto raw_size = static_cast<std::size_t>(record_end - (base + start));
  if (raw_size > options_.max_record_bytes) return Scan::kTooLarge;
  record->line_number = line_number_;
  record->byte_offset = stream_offset_ + start;
  record->raw = std::string_view(base + start, raw_size);
  record->error = error;
  if (error != CsvRecordError::kNone) fields_.clear();
  record->fields = fields_;
  line_number_ += CountLineFeeds(base + start, next);
  pos_ = static_cast<std::size_t>(next - base);
  return Scan::kComplete;
}

Result<bool> CsvReader::SkipOversized(CsvRecord* record) {
  record->line_number = line_number_;
  record->byte_offset = stream_offset_ + pos_;
  oversized_raw_.assign(buffer_.data() + pos_, std::min(kMaxRejectRawBytes, end_ - pos_));
  // Resume after the first line break of the record: if a stray quote made it run long, the
  // lines it swallowed are read again as records; if one line is huge, it is skipped whole.
  while (true) {
    const char* newline = FindByte(buffer_.data() + pos_, buffer_.data() + end_, '\n');
    if (newline != nullptr) {
      pos_ = static_cast<std::size_t>(newline - buffer_.data()) + 1;
      break;
    }
    pos_ = end_;
    if (eof_) break;
    auto filled = Fill();
    if (!filled) return tl::unexpected(filled.error());
  }
  ++line_number_;
  fields_.clear();
  record->fields = fields_;
  record->raw = oversized_raw_;
  record->error = CsvRecordError::kTooLarge;
  return true;
}

}  // namespace billflow
