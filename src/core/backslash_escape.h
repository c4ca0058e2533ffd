#ifndef BILLFLOW_CORE_BACKSLASH_ESCAPE_H_
#define BILLFLOW_CORE_BACKSLASH_ESCAPE_H_

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace billflow {

// Which bytes a text format escapes, and how: byte b becomes '\\' followed by letter[b]; a
// byte whose letter is 0 is copied as it is.
struct BackslashEscapes {
  std::array<char, 256> letter{};

  constexpr BackslashEscapes(std::initializer_list<std::pair<char, char>> escapes) {
    for (const auto& [byte, escaped] : escapes) letter[static_cast<unsigned char>(byte)] = escaped;
  }
};

// Tab-separated text as MySQL's LOAD DATA (FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES
// TERMINATED BY '\n') and PostgreSQL's COPY text format read it, and as
// billing_rejects.retry_fields stores a row: backslash, tab, LF, CR and NUL.
inline constexpr BackslashEscapes kTsvEscapes = {
    {'\\', '\\'}, {'\t', 't'}, {'\n', 'n'}, {'\r', 'r'}, {'\0', '0'}};

// A MySQL string literal's body in a session whose sql_mode lacks NO_BACKSLASH_ESCAPES.
inline constexpr BackslashEscapes kMysqlLiteralEscapes = {
    {'\0', '0'}, {'\n', 'n'}, {'\r', 'r'}, {'\\', '\\'}, {'\'', '\''}, {'"', '"'}, {'\x1a', 'Z'}};

// Appends `text` to *out with the bytes `escapes` names escaped. Runs of other bytes are
// appended whole: this is on the bulk write path of every row.
void AppendBackslashEscaped(std::string_view text, const BackslashEscapes& escapes,
                            std::string* out);

}  // namespace billflow

#endif  // BILLFLOW_CORE_BACKSLASH_ESCAPE_H_
