// The words billflow_gen's rows are made of. Strings are stored exactly as they appear in a
// CSV, i.e. already quoted where RFC 4180 requires it (none holds ';', '|' or a tab, so the
// same spelling serves every delimiter).
#ifndef BILLFLOW_BENCH_GEN_VOCABULARY_H_
#define BILLFLOW_BENCH_GEN_VOCABULARY_H_

#include <array>
#include <cstdint>
#include <string_view>

namespace billflow_gen {

enum class Country { kUs, kCa, kMx };
constexpr std::array<std::string_view, 3> kCountryCode = {"US", "CA", "MX"};
constexpr std::array<std::string_view, 3> kCurrencyCode = {"USD", "CAD", "MXN"};
// Rate to USD in hundredths: USD 1, CAD 0.79, MXN 0.05 (the contract's
// default table).
constexpr int64_t kRateScale = 100;
constexpr std::array<int64_t, 3> kRateHundredths = {100, 79, 5};

constexpr std::array<std::string_view, 24> kCompanies = {
    "Panadería La Espiga",
    "Crème de la Crème Pâtisserie",
    "Zürich Fine Foods",
    R"("Smith, Jones & Co")",
    R"("The ""Best"" Bakery")",
    "Acme Dairy Inc.",
    "Café Olé",
    "Größe Delikatessen",
    "Søren's Smørrebrød",
    R"("Müller, Schmidt & Söhne")",
    "Northwind Traders",
    "Contoso Foods",
    "Lácteos del Norte",
    "Tortillería Doña María",
    "Maple Leaf Provisions",
    "Boulangerie Saint-Honoré",
    R"("Johnson ""Big J"" Farms")",
    "Fresh & Co",
    "Sushi 東京",
    "Happy Cow 🐄 Creamery",
    R"("Barnes, Noble Grocers")",
    "Fromagerie Bélanger",
    "Great Lakes Wholesale",
    "El Mesón de Jalapeño",
};

constexpr std::array<std::string_view, 6> kUsCities = {"New York", "Chicago", "Austin",
                                                       "San José", "Seattle", "Miami"};
constexpr std::array<std::string_view, 6> kCaCities = {"Montréal",  "Québec",  "Toronto",
                                                       "Vancouver", "Calgary", "Trois-Rivières"};
constexpr std::array<std::string_view, 6> kMxCities = {"Ciudad de México", "Guadalajara", "Mérida",
                                                       "Monterrey",        "Querétaro",   "Cancún"};

struct ProductLine {
  std::string_view name;
  std::array<std::string_view, 5> items;
};

constexpr std::array<ProductLine, 6> kProductLines = {{
    {"Bakery", {"Sourdough Loaf", "Croissant", R"("Bagel, everything")", "Baguette", "Pan dulce"}},
    {"Dairy",
     {"Whole Milk 1L", "Crème fraîche", R"("Cheese, aged cheddar")", "Greek Yogurt",
      "Butter 250g"}},
    {"Produce", {"Avocados", "Jalapeños", R"("Apples, Honeycrisp")", "Limes", "Plátanos"}},
    {"Beverages",
     {"Café de olla", "Cold Brew Keg", R"("Juice, orange 2L")", "Horchata", "Sparkling Water"}},
    {"Frozen", {"Ice Cream Tub", R"("Peas, frozen")", "Pierogi", "Tamales (dozen)", "Gelato"}},
    {"Deli",
     {R"("Pizza 12"" Margherita")", "Jamón serrano", "Smoked Salmon", R"("Sandwich ""Club""")",
      "Pastrami"}},
}};

}  // namespace billflow_gen

#endif  // BILLFLOW_BENCH_GEN_VOCABULARY_H_
