#include "sinks/postgres_ledger_sql.h"

#include <cstdint>

#include "crypto/sha256.h"

namespace billflow {

std::string PostgresSourceLockKey(const std::string& source) {
  const Sha256Digest digest = Sha256::Of(source);
  std::uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = key << 8 | digest[static_cast<std::size_t>(i)];
  return std::to_string(static_cast<std::int64_t>(key));
}

std::string PostgresDataApiSql(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      out.push_back(c);
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    const bool digit_follows = i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9';
    if (c == '$' && digit_follows) {
      out += ":p";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace billflow
