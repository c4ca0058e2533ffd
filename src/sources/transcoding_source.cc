#include "sources/transcoding_source.h"

#include <iconv.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "sources/encoding_detection.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace billflow {

struct TranscodingSource::Converter {
  explicit Converter(iconv_t handle) : cd(handle) {}
  ~Converter() { iconv_close(cd); }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;
  iconv_t cd;
};

namespace {

constexpr std::size_t kInputBytes = 64 << 10;
// Enough to see a byte-order mark and judge NUL patterns.
constexpr std::size_t kHeadBytes = 512;
// The longest UTF-8 sequence, or a passed-through code unit.
constexpr std::size_t kMaxCharBytes = 4;

iconv_t OpenIconv(const std::string& to, const std::string& from) {
  return iconv_open(to.c_str(), from.c_str());
}

bool IsUtf8(const std::string& encoding) { return encoding == "utf-8"; }

// Encodings whose ASCII characters are single code units of known shape. Billing files are
// mostly ASCII, and glibc's iconv converts them one character at a time through its generic
// loop: a run of such units is copied past it instead, and iconv sees only the rest.
TranscodingSource::AsciiUnits AsciiUnitsOf(const std::string& encoding) {
  using Units = TranscodingSource::AsciiUnits;
  if (encoding == "utf-16le") return Units::kUtf16Le;
  if (encoding == "utf-16be") return Units::kUtf16Be;
  for (const char* prefix : {"windows-125", "cp125", "iso-8859-", "latin"}) {
    if (encoding.starts_with(prefix)) return Units::kSingleByte;
  }
  return Units::kNone;
}

bool IsAsciiUnit(TranscodingSource::AsciiUnits units, const char* unit) {
  const auto byte = [unit](std::size_t i) { return static_cast<unsigned char>(unit[i]); };
  switch (units) {
    case TranscodingSource::AsciiUnits::kSingleByte:
      return byte(0) < 0x80;
    case TranscodingSource::AsciiUnits::kUtf16Le:
      return byte(1) == 0 && byte(0) < 0x80;
    case TranscodingSource::AsciiUnits::kUtf16Be:
      return byte(0) == 0 && byte(1) < 0x80;
    case TranscodingSource::AsciiUnits::kNone:
      return false;
  }
  return false;
}

// Copies the ASCII units at the start of `in` (at most `out_room` of them) as bytes; returns
// how many.
std::size_t CopyAsciiUnits(TranscodingSource::AsciiUnits units, std::size_t unit_bytes,
                           const char* in, std::size_t in_bytes, char* out, std::size_t out_room) {
  using Units = TranscodingSource::AsciiUnits;
  const std::size_t limit = std::min(in_bytes / unit_bytes, out_room);
  const std::size_t low = units == Units::kUtf16Be ? 1 : 0;
  std::size_t n = 0;
#if defined(__SSE2__)
  // Sixteen units at a time while they are all ASCII (SSE2 is part of x86-64): one test and one
  // pack per sixteen, where the eight-byte loop below spends a shift per unit.
  if (units == Units::kSingleByte) {
    for (; n + 16 <= limit; n += 16) {
      const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + n));
      if (_mm_movemask_epi8(chunk) != 0) break;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), chunk);
    }
  } else if (units == Units::kUtf16Le || units == Units::kUtf16Be) {
    // Read as little-endian 16-bit lanes, an ASCII unit is 0x00XX (LE) or 0xXX00 (BE).
    const bool big_endian = units == Units::kUtf16Be;
    const __m128i not_ascii =
        _mm_set1_epi16(static_cast<std::int16_t>(big_endian ? 0x80FF : 0xFF80));
    const __m128i zero = _mm_setzero_si128();
    for (; n + 16 <= limit; n += 16) {
      __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 2 * n));
      __m128i second = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 2 * n + 16));
      const __m128i high = _mm_and_si128(_mm_or_si128(first, second), not_ascii);
      if (_mm_movemask_epi8(_mm_cmpeq_epi8(high, zero)) != 0xFFFF) break;
      if (big_endian) {
        first = _mm_srli_epi16(first, 8);
        second = _mm_srli_epi16(second, 8);
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), _mm_packus_epi16(first, second));
    }
  }
#endif
  // Eight input bytes at a time while they are all ASCII units; the loop below does the rest.
  if constexpr (std::endian::native == std::endian::little) {
    std::uint64_t word = 0;
    if (units == Units::kSingleByte) {
      for (; n + 8 <= limit; n += 8) {
        std::memcpy(&word, in + n, 8);
        if ((word & 0x8080808080808080ULL) != 0) break;
        std::memcpy(out + n, &word, 8);
      }
    } else if (units == Units::kUtf16Le || units == Units::kUtf16Be) {
      const std::uint64_t not_ascii =
          units == Units::kUtf16Le ? 0xFF80FF80FF80FF80ULL : 0x80FF80FF80FF80FFULL;
      const int shift = units == Units::kUtf16Le ? 0 : 8;
      for (; n + 4 <= limit; n += 4) {
        std::memcpy(&word, in + 2 * n, 8);
        if ((word & not_ascii) != 0) break;
        for (int i = 0; i < 4; ++i) {
          out[n + static_cast<std::size_t>(i)] =
              static_cast<char>((word >> (16 * i + shift)) & 0xFF);
        }
      }
    }
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(in);
  switch (units) {
    case Units::kSingleByte:
      while (n < limit && bytes[n] < 0x80) {
        out[n] = in[n];
        ++n;
      }
      break;
    case Units::kUtf16Le:
    case Units::kUtf16Be:
      while (n < limit && bytes[2 * n + low] < 0x80 && bytes[2 * n + 1 - low] == 0) {
        out[n] = in[2 * n + low];
        ++n;
      }
      break;
    case Units::kNone:
      break;
  }
  return n;
}

// UTF-8 of a code point below U+10000 that is not a surrogate, into `out` (room for 3).
std::size_t EncodeBmp(std::uint32_t code, char* out) {
  if (code < 0x80) {
    out[0] = static_cast<char>(code);
    return 1;
  }
  if (code < 0x800) {
    out[0] = static_cast<char>(0xC0 | (code >> 6));
    out[1] = static_cast<char>(0x80 | (code & 0x3F));
    return 2;
  }
  out[0] = static_cast<char>(0xE0 | (code >> 12));
  out[1] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
  out[2] = static_cast<char>(0x80 | (code & 0x3F));
  return 3;
}

// Bytes of the run of non-ASCII units at the start of `in` (at least one unit, or what is
// left of a cut one): what iconv is given, so it stops where the next ASCII run begins.
std::size_t NonAsciiRunBytes(TranscodingSource::AsciiUnits units, std::size_t unit_bytes,
                             const char* in, std::size_t in_bytes) {
  std::size_t bytes = std::min(unit_bytes, in_bytes);
  while (bytes + unit_bytes <= in_bytes && !IsAsciiUnit(units, in + bytes)) bytes += unit_bytes;
  return bytes;
}

}  // namespace

TranscodingSource::TranscodingSource(ByteSource* inner, std::string encoding, std::string reason)
    : inner_(inner), encoding_(std::move(encoding)), reason_(std::move(reason)) {}

TranscodingSource::~TranscodingSource() = default;

Result<std::unique_ptr<TranscodingSource>> TranscodingSource::Open(ByteSource* inner,
                                                                   std::string encoding) {
  std::unique_ptr<TranscodingSource> source(
      new TranscodingSource(inner, CanonicalEncodingName(encoding), ""));
  BILLFLOW_TRY(source->Start());
  return source;
}

Status TranscodingSource::Start() {
  input_.resize(kInputBytes);
  input_pos_ = input_end_ = 0;
  pending_.clear();
  inner_eof_ = false;
  while (input_end_ < kHeadBytes && !inner_eof_) {
    auto got = Refill();
    if (!got) return tl::unexpected(got.error());
  }
  const std::string_view head(input_.data(), input_end_);
  const std::string& name = inner_->Info().display_name;
  if (encoding_.empty() || reason_.starts_with("detected")) {
    auto guess = DetectEncoding(head);
    if (!guess) return Fail(guess.error().code, name + ": " + guess.error().message);
    encoding_ = guess->encoding;
    reason_ = "detected: " + guess->reason;
    input_pos_ = guess->bom_bytes;
  } else {
    if (reason_.empty()) reason_ = "set";
    input_pos_ = ResolveBom(head, &encoding_);
  }
  if (IsUtf8(encoding_)) return Ok();
  if (!IsKnownEncoding(encoding_)) {
    return Fail(ErrorCode::kInvalidArgument,
                name + ": unknown encoding \"" + encoding_ +
                    "\" (use utf-8, utf-16, utf-16le, utf-16be, windows-1252, iso-8859-1, "
                    "iso-8859-15 or another iconv name)");
  }
  if (decoder_ == nullptr) {
    const iconv_t cd = OpenIconv("UTF-8", encoding_);
    if (cd == reinterpret_cast<iconv_t>(-1)) {
      return Fail(ErrorCode::kInvalidArgument, name + ": cannot decode " + encoding_);
    }
    decoder_ = std::make_unique<Converter>(cd);
  } else {
    iconv(decoder_->cd, nullptr, nullptr, nullptr, nullptr);
  }
  unit_bytes_ = encoding_.starts_with("utf-16") ? 2 : encoding_.starts_with("utf-32") ? 4 : 1;
  ascii_units_ = AsciiUnitsOf(encoding_);
  if (ascii_units_ == AsciiUnits::kSingleByte) BuildHighByteTable();
  return Ok();
}

void TranscodingSource::set_raw_observer(std::function<void(std::string_view)> observer) {
  raw_observer_ = std::move(observer);
  // Nothing has been dropped from the buffer before the first Read(): it holds every byte
  // read so far.
  if (raw_observer_ && input_end_ > 0) raw_observer_(std::string_view(input_.data(), input_end_));
}

Result<bool> TranscodingSource::Refill() {
  if (input_pos_ > 0) {
    std::memmove(input_.data(), input_.data() + input_pos_, input_end_ - input_pos_);
    input_end_ -= input_pos_;
    input_pos_ = 0;
  }
  if (inner_eof_ || input_end_ == input_.size()) return false;
  auto got = inner_->Read(std::span<char>(input_.data() + input_end_, input_.size() - input_end_));
  if (!got) return tl::unexpected(got.error());
  if (*got == 0) {
    inner_eof_ = true;
    return false;
  }
  if (raw_observer_) raw_observer_(std::string_view(input_.data() + input_end_, *got));
  input_end_ += *got;
  return true;
}

Result<std::size_t> TranscodingSource::Read(std::span<char> buffer) {
  if (buffer.empty()) return 0;
  if (decoder_ == nullptr || IsUtf8(encoding_)) {
    // What Start() read ahead first, then straight from the inner source.
    if (input_pos_ < input_end_) {
      const std::size_t n = std::min(buffer.size(), input_end_ - input_pos_);
      std::memcpy(buffer.data(), input_.data() + input_pos_, n);
      input_pos_ += n;
      return n;
    }
    if (inner_eof_) return 0;
    auto got = inner_->Read(buffer);
    if (!got) return tl::unexpected(got.error());
    if (*got == 0) inner_eof_ = true;
    if (raw_observer_ && *got > 0) raw_observer_(std::string_view(buffer.data(), *got));
    return got;
  }
  if (!pending_.empty()) {
    const std::size_t n = std::min(buffer.size(), pending_.size());
    std::memcpy(buffer.data(), pending_.data(), n);
    pending_.erase(0, n);
    return n;
  }
  // A buffer too small for one character: decode into room of our own and serve from it.
  if (buffer.size() < kMaxCharBytes) {
    char room[kMaxCharBytes];
    auto got = Read(std::span<char>(room, kMaxCharBytes));
    if (!got || *got == 0) return got;
    pending_.assign(room, *got);
    return Read(buffer);
  }
  char* out = buffer.data();
  std::size_t out_left = buffer.size();
  while (out_left >= kMaxCharBytes) {
    if (input_end_ - input_pos_ < kMaxCharBytes && !inner_eof_) {
      auto more = Refill();
      if (!more) return tl::unexpected(more.error());
    }
    if (input_pos_ == input_end_) break;  // the end of the file
    char* in = input_.data() + input_pos_;
    std::size_t in_left = input_end_ - input_pos_;
    if (ascii_units_ != AsciiUnits::kNone) {
      const std::size_t copied =
          CopyAsciiUnits(ascii_units_, unit_bytes_, in, in_left, out, out_left);
      if (copied > 0) {
        input_pos_ += copied * unit_bytes_;
        out += copied;
        out_left -= copied;
        continue;
      }
      // One character without iconv, whose per-call cost is what a mostly-ASCII file pays.
      if (const std::size_t made = DecodeOne(in, in_left, out); made > 0) {
        input_pos_ += unit_bytes_;
        out += made;
        out_left -= made;
        continue;
      }
      in_left = NonAsciiRunBytes(ascii_units_, unit_bytes_, in, in_left);
    }
    const std::size_t run_end = input_pos_ + in_left;
    const std::size_t done = iconv(decoder_->cd, &in, &in_left, &out, &out_left);
    input_pos_ = static_cast<std::size_t>(in - input_.data());
    if (done != static_cast<std::size_t>(-1)) continue;
    if (errno == E2BIG) break;
    if (errno == EINVAL && run_end == input_end_ && !inner_eof_) {
      auto more = Refill();  // a character cut at the buffer's end
      if (!more) return tl::unexpected(more.error());
      if (*more) continue;
    }
    // Undecodable (EILSEQ), or cut by the end of the file: pass one code unit through.
    const std::size_t unit = std::min(unit_bytes_, input_end_ - input_pos_);
    if (out_left < unit) break;
    std::memcpy(out, input_.data() + input_pos_, unit);
    out += unit;
    out_left -= unit;
    input_pos_ += unit;
  }
  return buffer.size() - out_left;
}

void TranscodingSource::BuildHighByteTable() {
  for (std::size_t i = 0; i < high_bytes_.size(); ++i) {
    HighByte& entry = high_bytes_[i];
    entry.length = 0;  // undecodable: iconv's path passes the byte through
    char byte = static_cast<char>(0x80 + i);
    char* in = &byte;
    std::size_t in_left = 1;
    char* out = entry.utf8.data();
    std::size_t out_left = entry.utf8.size();
    iconv(decoder_->cd, nullptr, nullptr, nullptr, nullptr);
    if (iconv(decoder_->cd, &in, &in_left, &out, &out_left) != static_cast<std::size_t>(-1) &&
        in_left == 0) {
      entry.length = static_cast<std::uint8_t>(entry.utf8.size() - out_left);
    }
  }
  iconv(decoder_->cd, nullptr, nullptr, nullptr, nullptr);
}

std::size_t TranscodingSource::DecodeOne(const char* in, std::size_t in_bytes, char* out) const {
  const auto* bytes = reinterpret_cast<const unsigned char*>(in);
  switch (ascii_units_) {
    case AsciiUnits::kSingleByte: {
      if (in_bytes < 1 || bytes[0] < 0x80) return 0;
      const HighByte& entry = high_bytes_[bytes[0] - 0x80];
      std::memcpy(out, entry.utf8.data(), entry.length);
      return entry.length;
    }
    case AsciiUnits::kUtf16Le:
    case AsciiUnits::kUtf16Be: {
      if (in_bytes < 2) return 0;
      const std::uint32_t unit = ascii_units_ == AsciiUnits::kUtf16Le
                                     ? (std::uint32_t{bytes[1]} << 8) | bytes[0]
                                     : (std::uint32_t{bytes[0]} << 8) | bytes[1];
      if (unit >= 0xD800 && unit <= 0xDFFF) return 0;  // a surrogate: iconv pairs them
      return EncodeBmp(unit, out);
    }
    case AsciiUnits::kNone:
      return 0;
  }
  return 0;
}

Status TranscodingSource::Rewind() {
  BILLFLOW_TRY(inner_->Rewind());
  return Start();
}

std::string TranscodingSource::OriginalBytes(std::string_view utf8) const {
  if (decoder_ == nullptr || IsUtf8(encoding_)) return std::string(utf8);
  if (encoder_ == nullptr) {
    const iconv_t cd = OpenIconv(encoding_, "UTF-8");
    if (cd == reinterpret_cast<iconv_t>(-1)) return std::string(utf8);
    encoder_ = std::make_unique<Converter>(cd);
  }
  iconv(encoder_->cd, nullptr, nullptr, nullptr, nullptr);
  std::string original(utf8.size() * unit_bytes_ * 2 + 8, '\0');
  std::string input(utf8);
  char* in = input.data();
  std::size_t in_left = input.size();
  char* out = original.data();
  std::size_t out_left = original.size();
  while (in_left > 0) {
    if (iconv(encoder_->cd, &in, &in_left, &out, &out_left) != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) break;
    // A byte that was passed through undecoded goes back as it was.
    if (out_left == 0) break;
    *out++ = *in++;
    --out_left;
    --in_left;
  }
  original.resize(original.size() - out_left);
  return original;
}

}  // namespace billflow
