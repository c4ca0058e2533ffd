#include "core/retry_fields.h"

#include "core/backslash_escape.h"

namespace billflow {

void AppendRetryFields(const BillingRecord& row, std::string* out) {
  char date[10];
  row.bill_date.Format(date);
  const std::string amount = row.bill_amount.ToString();
  const std::array<std::string_view, kColumnCount> fields = {
      row.id,   row.company_name,           row.country,         row.city, row.product_line,
      row.item, std::string_view(date, 10), row.currency_code(), amount};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back('\t');
    AppendBackslashEscaped(fields[i], kTsvEscapes, out);
  }
}

bool DecodeRetryFields(std::string_view encoded, std::array<std::string, kColumnCount>* fields) {
  std::size_t column = 0;
  for (std::string& f : *fields) f.clear();
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '\t') {
      if (++column == kColumnCount) return false;
      continue;
    }
    if (c != '\\') {
      (*fields)[column].push_back(c);
      continue;
    }
    if (++i == encoded.size()) return false;
    switch (encoded[i]) {
      case '\\':
        (*fields)[column].push_back('\\');
        break;
      case 't':
        (*fields)[column].push_back('\t');
        break;
      case 'n':
        (*fields)[column].push_back('\n');
        break;
      case 'r':
        (*fields)[column].push_back('\r');
        break;
      case '0':
        (*fields)[column].push_back('\0');
        break;
      default:
        return false;
    }
  }
  return column + 1 == kColumnCount;
}

}  // namespace billflow
