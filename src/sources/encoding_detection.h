#ifndef BILLFLOW_SOURCES_ENCODING_DETECTION_H_
#define BILLFLOW_SOURCES_ENCODING_DETECTION_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace billflow {

// What the first bytes of a file say about its encoding.
struct EncodingGuess {
  std::string encoding;       // iconv name in lower case: "utf-8", "utf-16le", "utf-16be"
  std::size_t bom_bytes = 0;  // byte-order mark length at the start (0 = none)
  std::string reason;         // for people: "UTF-16LE byte-order mark", "no byte-order mark"
};

// Detection that never guesses what it cannot know: a UTF-8, UTF-16LE or UTF-16BE byte-order
// mark is honoured; otherwise UTF-8. A head with NUL bytes in every other position and no
// mark fails (kInvalidData) with "looks like UTF-16 without a BOM; set encoding ...",
// naming the likely byte order. `head` is the file's first bytes (a few hundred are enough).
[[nodiscard]] Result<EncodingGuess> DetectEncoding(std::string_view head);

// The byte-order mark length of `encoding` at the start of `head` (0 if none), for an
// encoding that was set rather than detected. "utf-16" (no byte order) takes the mark's, and
// is returned as the concrete name in *encoding; without a mark it is little-endian, as
// Windows writes it.
std::size_t ResolveBom(std::string_view head, std::string* encoding);

// Lower-cased, with the spellings people use mapped to iconv's ("latin1" -> "iso-8859-1",
// "cp1252" -> "windows-1252", "utf8" -> "utf-8"). Empty stays empty.
std::string CanonicalEncodingName(std::string_view name);

// True when glibc's iconv can decode `encoding` into UTF-8.
bool IsKnownEncoding(std::string_view encoding);

}  // namespace billflow

#endif  // BILLFLOW_SOURCES_ENCODING_DETECTION_H_
