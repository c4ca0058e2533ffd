#include "core/group_total.h"

#include <array>
#include <utility>

namespace billflow {
namespace {

constexpr std::array<std::pair<GroupBy, std::string_view>, 6> kNames = {{
    {GroupBy::kMonth, "month"},
    {GroupBy::kCurrency, "currency"},
    {GroupBy::kCountry, "country"},
    {GroupBy::kProductLine, "product_line"},
    {GroupBy::kCompany, "company"},
    {GroupBy::kFile, "file"},
}};

}  // namespace

std::string_view GroupByName(GroupBy by) {
  for (const auto& [value, name] : kNames) {
    if (value == by) return name;
  }
  return "?";
}

bool ParseGroupBy(std::string_view name, GroupBy* out) {
  for (const auto& [value, known] : kNames) {
    if (known == name) {
      *out = value;
      return true;
    }
  }
  return false;
}

}  // namespace billflow
