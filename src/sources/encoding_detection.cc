#include "sources/encoding_detection.h"

#include <iconv.h>

namespace billflow {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

Result<EncodingGuess> DetectEncoding(std::string_view head) {
  if (StartsWith(head, "\xEF\xBB\xBF")) return EncodingGuess{"utf-8", 3, "UTF-8 byte-order mark"};
  if (StartsWith(head, "\xFF\xFE")) {
    return EncodingGuess{"utf-16le", 2, "UTF-16LE byte-order mark"};
  }
  if (StartsWith(head, "\xFE\xFF")) {
    return EncodingGuess{"utf-16be", 2, "UTF-16BE byte-order mark"};
  }
  // Text in UTF-16 has a zero high byte for every ASCII character: one NUL per pair.
  const std::size_t pairs = std::min<std::size_t>(head.size(), 512) / 2;
  std::size_t even_nuls = 0;
  std::size_t odd_nuls = 0;
  for (std::size_t i = 0; i < pairs; ++i) {
    const bool even_nul = head[2 * i] == '\0';
    const bool odd_nul = head[2 * i + 1] == '\0';
    if (even_nul && !odd_nul) ++even_nuls;
    if (odd_nul && !even_nul) ++odd_nuls;
  }
  if (pairs >= 2 && (even_nuls + odd_nuls) * 10 >= pairs * 9) {
    const char* order = odd_nuls >= even_nuls ? "utf-16le" : "utf-16be";
    return Fail(ErrorCode::kInvalidData,
                std::string("looks like UTF-16 without a BOM; set encoding (\"") + order +
                    "\", --encoding " + order + ")");
  }
  return EncodingGuess{"utf-8", 0, "no byte-order mark"};
}

std::size_t ResolveBom(std::string_view head, std::string* encoding) {
  const bool le = StartsWith(head, "\xFF\xFE");
  const bool be = StartsWith(head, "\xFE\xFF");
  if (*encoding == "utf-16") {
    *encoding = be ? "utf-16be" : "utf-16le";
    return le || be ? 2 : 0;
  }
  if (*encoding == "utf-16le") return le ? 2 : 0;
  if (*encoding == "utf-16be") return be ? 2 : 0;
  if (*encoding == "utf-8") return StartsWith(head, "\xEF\xBB\xBF") ? 3 : 0;
  return 0;
}

std::string CanonicalEncodingName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '_') c = '-';
  }
  if (out == "utf8") return "utf-8";
  if (out == "utf16") return "utf-16";
  if (out == "utf16le") return "utf-16le";
  if (out == "utf16be") return "utf-16be";
  if (out == "latin1" || out == "latin-1" || out == "iso8859-1") return "iso-8859-1";
  if (out == "latin9" || out == "iso8859-15") return "iso-8859-15";
  if (out == "cp1252" || out == "win1252") return "windows-1252";
  return out;
}

bool IsKnownEncoding(std::string_view encoding) {
  if (encoding.empty()) return false;
  const std::string from = encoding == "utf-16" ? "utf-16le" : std::string(encoding);
  iconv_t cd = iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  iconv_close(cd);
  return true;
}

}  // namespace billflow
