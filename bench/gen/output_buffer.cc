#include "gen/output_buffer.h"

#include <array>

namespace billflow_gen {
namespace {

// Windows-1252's bytes 0x80..0x9F (0 = unassigned); 0xA0..0xFF are Latin-1.
constexpr std::array<char32_t, 32> kWindows1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// The code point starting at utf8[*i]; advances *i past it.
char32_t DecodeUtf8(std::string_view utf8, size_t* i) {
  const auto lead = static_cast<unsigned char>(utf8[*i]);
  const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  char32_t code = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    code = (code << 6) | (static_cast<unsigned char>(utf8[*i + k]) & 0x3F);
  }
  *i += length;
  return code;
}

char ToWindows1252(char32_t code) {
  if (code < 0x80 || (code >= 0xA0 && code <= 0xFF)) {
    return static_cast<char>(code);
  }
  for (size_t k = 0; k < kWindows1252High.size(); ++k) {
    if (kWindows1252High[k] == code) {
      return static_cast<char>(0x80 + k);
    }
  }
  return '?';
}

void AppendUtf16Le(char32_t unit, std::string* out) {
  out->push_back(static_cast<char>(unit & 0xFF));
  out->push_back(static_cast<char>(unit >> 8));
}

}  // namespace

void Encode(std::string_view utf8, Encoding encoding, std::string* out) {
  if (encoding == Encoding::kUtf8) {
    out->append(utf8);
    return;
  }
  for (size_t i = 0; i < utf8.size();) {
    const char32_t code = DecodeUtf8(utf8, &i);
    if (encoding == Encoding::kWindows1252) {
      out->push_back(ToWindows1252(code));
    } else if (code < 0x10000) {
      AppendUtf16Le(code, out);
    } else {
      AppendUtf16Le(0xD800 + ((code - 0x10000) >> 10), out);
      AppendUtf16Le(0xDC00 + ((code - 0x10000) & 0x3FF), out);
    }
  }
}

OutputBuffer::OutputBuffer(std::FILE* file, Encoding encoding)
    : file_(file), encoding_(encoding), data_(kCapacity) {}

void OutputBuffer::AppendGrouped(uint64_t value, char separator) {
  std::array<char, 20> digits{};
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  const auto count = static_cast<size_t>(result.ptr - digits.data());
  for (size_t k = 0; k < count; ++k) {
    if (k > 0 && (count - k) % 3 == 0) {
      Append(separator);
    }
    Append(digits[k]);
  }
}

bool OutputBuffer::Flush() {
  std::string_view bytes(data_.data(), used_);
  if (encoding_ != Encoding::kUtf8) {
    encoded_.clear();
    if (encoding_ == Encoding::kUtf16Le && !wrote_bom_) {
      encoded_ = "\xFF\xFE";
      wrote_bom_ = true;
    }
    Encode(bytes, encoding_, &encoded_);
    bytes = encoded_;
  }
  const size_t written = std::fwrite(bytes.data(), 1, bytes.size(), file_);
  const bool ok = written == bytes.size();
  used_ = 0;
  return ok;
}

}  // namespace billflow_gen
