#include "sinks/sqlite_decimal_sum.h"

#include <sqlite3.h>

#include <cstring>
#include <string>
#include <string_view>

#include "core/decimal.h"

namespace billflow {
namespace {

// Lives in memory SQLite zero-fills per group, so it must be valid when all zero. That memory
// is only 8-byte aligned, so the 128-bit units are kept as bytes and copied in and out.
struct SumState {
  unsigned char units[sizeof(__int128)];
  int scale;
  int seen;  // 0: no value yet; 1: summing; 2: not a decimal; 3: overflow
};

Decimal Load(const SumState& state) {
  __int128 units = 0;
  std::memcpy(&units, state.units, sizeof units);
  return Decimal(units, state.scale);
}

void Store(const Decimal& value, SumState* state) {
  const __int128 units = value.units();
  std::memcpy(state->units, &units, sizeof units);
  state->scale = value.scale();
}

void Step(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
  auto* state = static_cast<SumState*>(sqlite3_aggregate_context(context, sizeof(SumState)));
  if (state == nullptr) {
    sqlite3_result_error_nomem(context);
    return;
  }
  if (state->seen >= 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
  std::optional<Decimal> value = Decimal::FromString(std::string_view(text, size));
  if (!value) {
    state->seen = 2;
    return;
  }
  std::optional<Decimal> sum = Load(*state).Add(*value);
  if (!sum) {
    state->seen = 3;
    return;
  }
  Store(*sum, state);
  state->seen = 1;
}

void Final(sqlite3_context* context) {
  auto* state = static_cast<SumState*>(sqlite3_aggregate_context(context, 0));
  if (state == nullptr || state->seen == 0) {
    sqlite3_result_null(context);
  } else if (state->seen == 2) {
    sqlite3_result_error(context, "billflow_sum: a stored amount is not a decimal", -1);
  } else if (state->seen == 3) {
    sqlite3_result_error(context, "billflow_sum: the sum exceeds 128-bit decimal range", -1);
  } else {
    const std::string text = Load(*state).ToString();
    sqlite3_result_text(context, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
}

}  // namespace

int RegisterSqliteDecimalSum(sqlite3* db) {
  return sqlite3_create_function_v2(db, "billflow_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                    nullptr, nullptr, Step, Final, nullptr);
}

}  // namespace billflow
