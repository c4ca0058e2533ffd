// csv_dump: reads many CSV documents from stdin and prints, per document, what CsvReader makes
// of it, for the differential test against Python's csv module (csv_differential_test.py).
//
// Input: repeated frames "<byte length>\n<document bytes>". Output: one line per document,
// its records separated by '\x1e', each record "<line>:<error>:" followed by its fields as
// lower-case hex separated by ','. error: 0 none, 1 unterminated quote, 2 char after quote,
// 3 too large. Each document is fed in chunks whose sizes cycle with the document's index,
// so read boundaries fall everywhere. Exit 1 on a malformed frame.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <span>
#include <string>
#include <string_view>

#include "csv/csv_reader.h"
#include "sources/memory_source.h"

namespace billflow {
namespace {

void AppendHex(std::string_view bytes, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out->push_back(kDigits[b >> 4]);
    out->push_back(kDigits[b & 15]);
  }
}

}  // namespace
}  // namespace billflow

int main() {
  using billflow::CsvReader;
  static constexpr std::size_t kChunks[] = {1, 2, 3, 7, 64, 4096, 1 << 20};
  std::ios::sync_with_stdio(false);
  std::string header;
  std::string doc;
  std::string out;
  std::size_t index = 0;
  while (std::getline(std::cin, header)) {
    std::size_t size = 0;
    try {
      size = std::stoul(header);
    } catch (...) {
      std::fprintf(stderr, "csv_dump: bad frame header \"%s\"\n", header.c_str());
      return 1;
    }
    doc.resize(size);
    if (!std::cin.read(doc.data(), static_cast<std::streamsize>(size))) {
      std::fprintf(stderr, "csv_dump: truncated frame\n");
      return 1;
    }
    billflow::MemorySource::Options chunked;
    chunked.chunk_bytes = kChunks[index++ % std::size(kChunks)];
    chunked.can_rewind = false;
    billflow::MemorySource source(doc, chunked);
    billflow::CsvOptions options;  // the CLI's defaults: 1 MiB records, header repair on
    CsvReader reader(&source, options);
    billflow::CsvRecord record;
    out.clear();
    bool first = true;
    while (true) {
      auto more = reader.Next(&record);
      if (!more || !*more) break;
      if (!first) out.push_back('\x1e');
      first = false;
      out += std::to_string(record.line_number);
      out.push_back(':');
      out += std::to_string(static_cast<int>(record.error));
      out.push_back(':');
      for (std::size_t i = 0; i < record.fields.size(); ++i) {
        if (i > 0) out.push_back(',');
        billflow::AppendHex(record.fields[i], &out);
      }
    }
    out.push_back('\n');
    std::cout << out;
  }
  std::cout.flush();
  return 0;
}
