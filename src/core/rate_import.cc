#include "core/rate_import.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/ecb_rates.h"
#include "core/target_calendar.h"

namespace billflow {
namespace {

// (currency, valid_from) packed into one integer: 24 bits of code, 40 bits of day number.
std::uint64_t RateKey(const FxRate& rate) {
  std::uint64_t code = 0;
  for (char c : rate.currency) code = code << 8 | static_cast<unsigned char>(c);
  const auto day = static_cast<std::uint64_t>(rate.valid_from.DaysSinceEpoch() + (1LL << 39));
  return code << 40 | (day & ((std::uint64_t{1} << 40) - 1));
}

}  // namespace

RateImportPlan PlanRateImport(const std::vector<FxRate>& stored,
                              const std::vector<FxRate>& incoming) {
  std::unordered_map<std::uint64_t, const FxRate*> by_key;
  std::unordered_set<std::int64_t> stored_days;
  by_key.reserve(stored.size());
  for (const FxRate& rate : stored) {
    by_key[RateKey(rate)] = &rate;
    stored_days.insert(rate.valid_from.DaysSinceEpoch());
  }
  // The last definition of each key in the import wins.
  std::unordered_map<std::uint64_t, std::size_t> last_index;
  last_index.reserve(incoming.size());
  for (std::size_t i = 0; i < incoming.size(); ++i) last_index[RateKey(incoming[i])] = i;

  RateImportPlan plan;
  std::set<std::int64_t> added_days;
  for (std::size_t i = 0; i < incoming.size(); ++i) {
    const FxRate& rate = incoming[i];
    const std::uint64_t key = RateKey(rate);
    if (last_index[key] != i) continue;
    const std::int64_t day = rate.valid_from.DaysSinceEpoch();
    if (!stored_days.contains(day)) added_days.insert(day);
    const auto found = by_key.find(key);
    if (found == by_key.end()) {
      ++plan.rates_added;
    } else if (!(found->second->rate_to_usd == rate.rate_to_usd)) {
      ++plan.rates_changed;
      plan.changes.push_back({rate.currency, rate.valid_from, found->second->rate_to_usd,
                              found->second->source, rate.rate_to_usd, rate.source});
    } else if (found->second->source != rate.source) {
      ++plan.rates_relabelled;
    } else {
      ++plan.rates_unchanged;
      continue;
    }
    plan.to_save.push_back(rate);
  }
  plan.dates_added = added_days.size();
  std::sort(plan.changes.begin(), plan.changes.end(), [](const RateChange& a, const RateChange& b) {
    return a.currency != b.currency ? a.currency < b.currency : a.valid_from < b.valid_from;
  });
  return plan;
}

std::vector<CivilDate> EcbGapsAfterImport(const std::vector<FxRate>& stored,
                                          const std::vector<FxRate>& incoming) {
  std::set<std::int64_t> imported_days;
  for (const FxRate& rate : incoming) {
    if (rate.source == kEcbSource) imported_days.insert(rate.valid_from.DaysSinceEpoch());
  }
  if (imported_days.empty()) return {};
  std::set<std::int64_t> ecb_days = imported_days;
  for (const FxRate& rate : stored) {
    if (rate.source == kEcbSource) ecb_days.insert(rate.valid_from.DaysSinceEpoch());
  }
  std::int64_t from = *imported_days.begin();
  if (auto before = ecb_days.lower_bound(from); before != ecb_days.begin()) {
    from = *std::prev(before);
  }
  return MissingTargetWorkingDays(ecb_days, CivilDate::FromDaysSinceEpoch(from),
                                  CivilDate::FromDaysSinceEpoch(*imported_days.rbegin()));
}

}  // namespace billflow
