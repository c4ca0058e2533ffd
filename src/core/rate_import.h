#ifndef BILLFLOW_CORE_RATE_IMPORT_H_
#define BILLFLOW_CORE_RATE_IMPORT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "core/civil_date.h"
#include "core/decimal.h"
#include "core/fx_rate_table.h"

namespace billflow {

// A stored rate that an import gives another value.
struct RateChange {
  std::string currency;
  CivilDate valid_from;
  Decimal old_rate;
  std::string old_source;
  Decimal new_rate;
  std::string new_source;
};

// What importing rates over the stored fx_rates changes. Rates are keyed by
// (currency, valid_from), as in fx_rates; two values are the same when numerically equal.
struct RateImportPlan {
  // Rates to write: the added, changed and relabelled ones, in import order. Empty when the
  // import changes nothing, so importing the same rates twice writes nothing the second time.
  std::vector<FxRate> to_save;
  std::size_t rates_added = 0;       // no stored rate for (currency, valid_from)
  std::size_t rates_changed = 0;     // stored with another value (listed in `changes`)
  std::size_t rates_relabelled = 0;  // same value, another source
  std::size_t rates_unchanged = 0;   // same value and source: not written
  // valid_from dates of the import on which no rate at all (any currency) was stored.
  std::size_t dates_added = 0;
  std::vector<RateChange> changes;  // ordered by currency, then valid_from
};

// Compares `incoming` with `stored`. When `incoming` names a (currency, valid_from) twice,
// the later one counts, as a later line of a rates file does.
RateImportPlan PlanRateImport(const std::vector<FxRate>& stored,
                              const std::vector<FxRate>& incoming);

// Gaps in the ECB rates after an import: TARGET working days (see target_calendar.h) without
// any ECB rate, stored or imported, from the newest stored ECB date before the first imported
// one (or the first imported date when none is stored before it) to the last imported date.
// Weekends and TARGET holidays are never gaps, nor is anything outside that span (the ECB
// history simply starts on 1999-01-04). A date counts as an ECB date when some rate on it has
// source "ecb". Oldest first.
std::vector<CivilDate> EcbGapsAfterImport(const std::vector<FxRate>& stored,
                                          const std::vector<FxRate>& incoming);

}  // namespace billflow

#endif  // BILLFLOW_CORE_RATE_IMPORT_H_
