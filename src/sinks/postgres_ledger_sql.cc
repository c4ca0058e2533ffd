#include "sinks/postgres_ledger_sql.h"

#include <cstdint>

#include "crypto/sha256.h"

namespace billflow {

std::string PostgresSourceLockWaitingAtMost(int seconds) {
  return "WITH waits AS MATERIALIZED (SELECT set_config('lock_timeout', '" +
         std::to_string(seconds) + "s', true)) SELECT pg_advisory_xact_lock($1::bigint) FROM waits";
}

std::string PostgresSourceLockKey(const std::string& source) {
  const Sha256Digest digest = Sha256::Of(source);
  std::uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = key << 8 | digest[static_cast<std::size_t>(i)];
  return std::to_string(static_cast<std::int64_t>(key));
}

}  // namespace billflow
