#include "core/rate_import.h"

#include <gtest/gtest.h>

#include "core/ecb_rates.h"

namespace billflow {
namespace {

FxRate Rate(const char* currency, CivilDate date, const char* value,
            const char* source = kEcbSource) {
  return {currency, date, *Decimal::FromString(value), source};
}

std::vector<std::string> Texts(const std::vector<CivilDate>& dates) {
  std::vector<std::string> out;
  for (const CivilDate& d : dates) out.push_back(d.ToString());
  return out;
}

TEST(RateImportTest, SameRatesAgainChangeNothing) {
  const std::vector<FxRate> rates = {Rate("EUR", {2024, 6, 14}, "1.0687"),
                                     Rate("GBP", {2024, 6, 14}, "1.2669828097")};
  const RateImportPlan first = PlanRateImport({}, rates);
  EXPECT_EQ(first.to_save.size(), 2u);
  EXPECT_EQ(first.rates_added, 2u);
  EXPECT_EQ(first.dates_added, 1u);
  // Stored values come back in their canonical form; 1.06870 is the same number.
  const std::vector<FxRate> stored = {Rate("EUR", {2024, 6, 14}, "1.06870"),
                                      Rate("GBP", {2024, 6, 14}, "1.2669828097")};
  const RateImportPlan again = PlanRateImport(stored, rates);
  EXPECT_TRUE(again.to_save.empty());
  EXPECT_EQ(again.rates_unchanged, 2u);
  EXPECT_EQ(again.rates_added + again.rates_changed + again.rates_relabelled + again.dates_added,
            0u);
}

TEST(RateImportTest, ChangedValuesAreListedWithOldAndNew) {
  const std::vector<FxRate> stored = {Rate("EUR", {2024, 6, 14}, "1.0687"),
                                      Rate("EUR", {2024, 6, 13}, "1.0781"),
                                      Rate("CAD", {1970, 1, 1}, "0.79", "default")};
  const std::vector<FxRate> incoming = {Rate("EUR", {2024, 6, 14}, "1.0700", "fix.csv"),
                                        Rate("CAD", {1970, 1, 1}, "0.79", "fix.csv"),
                                        Rate("EUR", {2024, 6, 17}, "1.0713", "fix.csv")};
  const RateImportPlan plan = PlanRateImport(stored, incoming);
  EXPECT_EQ(plan.rates_added, 1u);
  EXPECT_EQ(plan.rates_changed, 1u);
  EXPECT_EQ(plan.rates_relabelled, 1u);
  EXPECT_EQ(plan.rates_unchanged, 0u);
  EXPECT_EQ(plan.dates_added, 1u);  // 2024-06-17
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].currency, "EUR");
  EXPECT_EQ(plan.changes[0].valid_from.ToString(), "2024-06-14");
  EXPECT_EQ(plan.changes[0].old_rate.ToString(), "1.0687");
  EXPECT_EQ(plan.changes[0].old_source, "ecb");
  EXPECT_EQ(plan.changes[0].new_rate.ToString(), "1.0700");
  EXPECT_EQ(plan.to_save.size(), 3u);
}

TEST(RateImportTest, LaterDefinitionOfTheSameKeyWins) {
  const RateImportPlan plan =
      PlanRateImport({}, {Rate("EUR", {2024, 1, 1}, "1.1"), Rate("EUR", {2024, 1, 1}, "1.2")});
  ASSERT_EQ(plan.to_save.size(), 1u);
  EXPECT_EQ(plan.to_save[0].rate_to_usd.ToString(), "1.2");
  EXPECT_EQ(plan.rates_added, 1u);
}

TEST(RateImportTest, GapsAreMissingTargetWorkingDaysOnly) {
  // Thursday 2024-03-28, then Wednesday 2024-04-03: Good Friday, the weekend and Easter Monday
  // are no gaps; Tuesday 2024-04-02 is.
  const std::vector<FxRate> incoming = {Rate("EUR", {2024, 3, 28}, "1.08"),
                                        Rate("EUR", {2024, 4, 3}, "1.08")};
  EXPECT_EQ(Texts(EcbGapsAfterImport({}, incoming)), std::vector<std::string>{"2024-04-02"});
  EXPECT_TRUE(EcbGapsAfterImport({Rate("EUR", {2024, 4, 2}, "1.08")}, incoming).empty());
}

TEST(RateImportTest, GapBetweenStoredHistoryAndImportIsReported) {
  const std::vector<FxRate> stored = {Rate("EUR", {2024, 6, 10}, "1.07"),
                                      Rate("EUR", {2024, 6, 11}, "1.07"),
                                      Rate("CAD", {2024, 6, 12}, "0.7", "fix.csv")};
  const std::vector<FxRate> daily = {Rate("EUR", {2024, 6, 14}, "1.0687")};
  // 06-12 holds only a correction (not an ECB date); 06-13 is missing as well.
  EXPECT_EQ(Texts(EcbGapsAfterImport(stored, daily)),
            (std::vector<std::string>{"2024-06-12", "2024-06-13"}));
  // Nothing before the import's span counts, nor non-ECB imports.
  EXPECT_TRUE(EcbGapsAfterImport({}, daily).empty());
  EXPECT_TRUE(EcbGapsAfterImport(stored, {Rate("EUR", {2024, 6, 20}, "1.1", "fix.csv")}).empty());
}

}  // namespace
}  // namespace billflow
