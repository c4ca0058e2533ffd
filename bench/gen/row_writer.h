// billflow_gen's rows: seeded, realistic, with about --bad-rate of them broken in one of seven
// ways, and the answer a correct loader reaches on them.
#ifndef BILLFLOW_BENCH_GEN_ROW_WRITER_H_
#define BILLFLOW_BENCH_GEN_ROW_WRITER_H_

#include <cstdint>
#include <string_view>

#include "gen/date_table.h"
#include "gen/file_dialect.h"
#include "gen/output_buffer.h"
#include "gen/split_mix64.h"
#include "gen/vocabulary.h"

namespace billflow_gen {

enum class Defect {
  kNone,
  kUnknownCurrency,   // ABC
  kImpossibleDate,    // 2023-02-30
  kAmbiguousDate,     // 03/04/2024 (day 00 under a --date-format)
  kTooManyDecimals,   // 12.34567
  kNonNumericAmount,  // 12a
  kEmptyId,           // ,Acme...
  kWrongFieldCount,   // 8 or 10 fields
};
constexpr uint64_t kDefectKinds = 7;

struct Tally {
  uint64_t valid = 0;
  uint64_t rejected = 0;
  int64_t usd_cents = 0;
};

// Row k depends only on (seed, bad rate) and the dialect's spelling, never on the number of
// rows: every random choice is drawn in a fixed order whatever the dialect, so each dialect
// holds the same logical rows.
class RowWriter {
 public:
  // `dialect.date_format` passed CheckDateFormat.
  RowWriter(uint64_t seed, uint64_t bad_parts_per_billion, const FileDialect& dialect);

  // The header line, in the dialect's delimiter.
  void WriteHeader(OutputBuffer& out) const;
  // Writes data row `id` (1-based) and records its outcome in `tally`.
  void Write(uint64_t id, OutputBuffer& out, Tally& tally);

 private:
  std::string_view PickCity(Country country);
  // Writes bill_amount and returns it in ten-thousandths (meaningless for the
  // two amount defects, whose rows are rejected anyway).
  int64_t WriteAmount(Defect defect, OutputBuffer& out);

  SplitMix64 rng_;
  uint64_t bad_parts_per_billion_;
  FileDialect dialect_;
  bool quote_amount_;  // the amount holds the delimiter (a decimal comma in a ',' file)
  DateTable dates_;
};

}  // namespace billflow_gen

#endif  // BILLFLOW_BENCH_GEN_ROW_WRITER_H_
