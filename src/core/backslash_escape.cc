#include "core/backslash_escape.h"

namespace billflow {

void AppendBackslashEscaped(std::string_view text, const BackslashEscapes& escapes,
                            std::string* out) {
  const char* run = text.data();
  const char* const end = run + text.size();
  for (const char* p = run; p != end; ++p) {
    const char letter = escapes.letter[static_cast<unsigned char>(*p)];
    if (letter == 0) continue;
    out->append(run, p);
    out->push_back('\\');
    out->push_back(letter);
    run = p + 1;
  }
  out->append(run, end);
}

}  // namespace billflow
