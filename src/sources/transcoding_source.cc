#include "sources/transcoding_source.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sources/encoding_detection.h"

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
  const std::size_t limit = std::min(in_bytes / unit_bytes, out_room);
  const std::size_t low = units == TranscodingSource::AsciiUnits::kUtf16Be ? 1 : 0;
  std::size_t n = 0;
  while (n < limit && IsAsciiUnit(units, in + n * unit_bytes)) {
    out[n] = in[n * unit_bytes + low];
    ++n;
  }
  return n;
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
