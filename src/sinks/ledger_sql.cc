#include "sinks/ledger_sql.h"

namespace billflow {

std::vector<std::vector<std::string>> WithoutNulls(TextRows rows) {
  std::vector<std::vector<std::string>> out;
  out.reserve(rows.size());
  for (TextRow& row : rows) {
    std::vector<std::string>& plain = out.emplace_back();
    plain.reserve(row.size());
    for (TextCell& cell : row) plain.push_back(cell ? std::move(*cell) : std::string());
  }
  return out;
}

std::string RewritePlaceholders(std::string_view sql, PlaceholderStyle style,
                                std::vector<std::size_t>* order) {
  std::string out;
  out.reserve(sql.size() + 16);
  if (order != nullptr) order->clear();
  char quote = 0;  // the quote character of the literal or identifier being copied
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      // A doubled quote inside a literal is the quote itself and never ends it.
      if (c == quote) quote = 0;
      out.push_back(c);
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
      out.push_back(c);
      continue;
    }
    std::size_t end = i + 1;
    while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
    if (c != '$' || end == i + 1) {
      out.push_back(c);
      continue;
    }
    const std::string_view digits = sql.substr(i + 1, end - i - 1);
    switch (style) {
      case PlaceholderStyle::kQuestion: {
        out.push_back('?');
        std::size_t number = 0;
        for (char d : digits) number = number * 10 + static_cast<std::size_t>(d - '0');
        if (order != nullptr) order->push_back(number - 1);
        break;
      }
      case PlaceholderStyle::kQuestionNumbered:
        out.push_back('?');
        out.append(digits);
        break;
      case PlaceholderStyle::kColonNamed:
        out.append(":p");
        out.append(digits);
        break;
    }
    i = end - 1;
  }
  return out;
}

}  // namespace billflow
