// billflow_gen: writes a seeded, realistic billing CSV and, optionally, the
// answer a correct loader must reach on it.
//
// This program is the independent oracle for the ingest benchmark and the
// end-to-end checks, so it deliberately uses nothing from src/: it has its own
// PRNG, its own date table and its own integer money arithmetic. If it shared
// code with the loader, a bug there would agree with itself.
//
//   billflow_gen --rows N --seed S [--bad-rate 0.01] [--out FILE|-]
//                [--answer FILE]
//
// Output depends only on (seed, bad-rate): row k is the same for any N >= k,
// on any platform, because every random choice comes from SplitMix64 below and
// never from <random> distributions (whose output differs between standard
// libraries). No floating point touches money; bad-rate is the only double.
//
// Exit status: 0 on success, 1 on an I/O error, 2 on a usage error.

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kUsage =
    "usage: billflow_gen --rows N --seed S [--bad-rate 0.01] [--out FILE|-] "
    "[--answer FILE]\n";

// ---------------------------------------------------------------------------
// Randomness

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fully specified, so
// the same seed yields the same bytes everywhere.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // A value in [0, bound), bound > 0. Multiply-high instead of modulo; the
  // bias (< bound / 2^64) is irrelevant for test data.
  uint64_t Below(uint64_t bound) {
    const unsigned __int128 wide = static_cast<unsigned __int128>(Next()) * bound;
    return static_cast<uint64_t>(wide >> 64);
  }

  // True with probability parts_per_billion / 10^9.
  bool Chance(uint64_t parts_per_billion) { return Below(1'000'000'000) < parts_per_billion; }

  template <typename T, size_t kSize>
  const T& Pick(const std::array<T, kSize>& items) {
    return items[Below(kSize)];
  }

 private:
  uint64_t state_;
};

// ---------------------------------------------------------------------------
// Vocabulary. Strings are stored exactly as they appear in the CSV, i.e.
// already quoted where RFC 4180 requires it.

enum class Country { kUs, kCa, kMx };
constexpr std::array<std::string_view, 3> kCountryCode = {"US", "CA", "MX"};
constexpr std::array<std::string_view, 3> kCurrencyCode = {"USD", "CAD", "MXN"};
// Rate to USD in hundredths: USD 1, CAD 0.79, MXN 0.05 (the contract's
// default table).
constexpr int64_t kRateScale = 100;
constexpr std::array<int64_t, 3> kRateHundredths = {100, 79, 5};
constexpr int64_t kCentsPerDollar = 100;

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

// ---------------------------------------------------------------------------
// Dates: every day of 2023-01-01..2025-12-31, precomputed in both accepted
// spellings.

constexpr int kFirstYear = 2023;
constexpr int kLastYear = 2025;

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) {
    return 29;
  }
  return kDays[static_cast<size_t>(month - 1)];
}

// "2024-03-09" for separator '-'.
std::string FormatDate(int year, int month, int day, char separator) {
  std::string text = std::to_string(year);
  text.push_back(separator);
  text.push_back(static_cast<char>('0' + month / 10));
  text.push_back(static_cast<char>('0' + month % 10));
  text.push_back(separator);
  text.push_back(static_cast<char>('0' + day / 10));
  text.push_back(static_cast<char>('0' + day % 10));
  return text;
}

struct DateTable {
  std::vector<std::string> dashed;   // 2024-03-09
  std::vector<std::string> slashed;  // 2024/03/09
};

DateTable BuildDateTable() {
  DateTable table;
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= DaysInMonth(year, month); ++day) {
        table.dashed.push_back(FormatDate(year, month, day, '-'));
        table.slashed.push_back(FormatDate(year, month, day, '/'));
      }
    }
  }
  return table;
}

// Not calendar dates, in the accepted spelling.
constexpr std::array<std::string_view, 5> kImpossibleDates = {
    "2023-02-30", "2023-02-29", "2024-04-31", "2025-06-31", "2025-13-01"};
// Day/month order cannot be told apart.
constexpr std::array<std::string_view, 4> kAmbiguousDates = {"03/04/2024", "11/12/2023",
                                                             "01/02/2025", "07/08/2024"};

// ---------------------------------------------------------------------------
// Money. Amounts are integers in ten-thousandths (the CSV allows 4 decimals).

constexpr int64_t kAmountScale = 10'000;
constexpr std::array<int64_t, 5> kPow10 = {1, 10, 100, 1'000, 10'000};

// value / divisor rounded to nearest, ties to even; divisor > 0.
int64_t DivideRoundHalfEven(int64_t value, int64_t divisor) {
  int64_t quotient = value / divisor;
  const int64_t remainder = value % divisor;
  const int64_t twice_remainder = 2 * (remainder < 0 ? -remainder : remainder);
  if (twice_remainder > divisor || (twice_remainder == divisor && quotient % 2 != 0)) {
    quotient += value < 0 ? -1 : 1;
  }
  return quotient;
}

// amount (ten-thousandths) × rate (hundredths) is exact in millionths; one
// rounding step to cents. |amount| < 10^10 and rate <= 100, so the product
// stays below 10^12 and int64 cannot overflow.
int64_t UsdCents(int64_t amount_minor_units, int64_t rate_hundredths) {
  const int64_t usd_millionths = amount_minor_units * rate_hundredths;
  return DivideRoundHalfEven(usd_millionths, kAmountScale * kRateScale / kCentsPerDollar);
}

std::string FormatCents(int64_t cents) {
  std::string text;
  if (cents < 0) {
    text.push_back('-');
  }
  const uint64_t magnitude =
      cents < 0 ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  text += std::to_string(magnitude / 100);
  text.push_back('.');
  text.push_back(static_cast<char>('0' + magnitude / 10 % 10));
  text.push_back(static_cast<char>('0' + magnitude % 10));
  return text;
}

// ---------------------------------------------------------------------------
// Output

// Appends into one large buffer and hands full chunks to stdio; rows are
// far shorter than kFlushMargin, so checking once per row is enough.
class OutputBuffer {
 public:
  static constexpr size_t kCapacity = size_t{8} << 20;
  static constexpr size_t kFlushMargin = 4096;

  explicit OutputBuffer(std::FILE* file) : file_(file), data_(kCapacity) {}

  void Append(std::string_view text) {
    std::memcpy(data_.data() + used_, text.data(), text.size());
    used_ += text.size();
  }
  void Append(char c) { data_[used_++] = c; }
  void AppendUnsigned(uint64_t value) {
    const auto result = std::to_chars(data_.data() + used_, data_.data() + data_.size(), value);
    used_ = static_cast<size_t>(result.ptr - data_.data());
  }
  // Zero-padded to exactly `width` digits; value < 10^width.
  void AppendPadded(uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      data_[used_ + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    used_ += static_cast<size_t>(width);
  }

  // Returns false on a write error.
  [[nodiscard]] bool FlushIfNearlyFull() { return used_ + kFlushMargin < kCapacity || Flush(); }
  [[nodiscard]] bool Flush() {
    const size_t written = std::fwrite(data_.data(), 1, used_, file_);
    const bool ok = written == used_;
    used_ = 0;
    return ok;
  }

 private:
  std::FILE* file_;
  std::vector<char> data_;
  size_t used_ = 0;
};

// ---------------------------------------------------------------------------
// Rows

enum class Defect {
  kNone,
  kUnknownCurrency,   // ABC
  kImpossibleDate,    // 2023-02-30
  kAmbiguousDate,     // 03/04/2024
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

class RowWriter {
 public:
  RowWriter(uint64_t seed, uint64_t bad_parts_per_billion)
      : rng_(seed), bad_parts_per_billion_(bad_parts_per_billion), dates_(BuildDateTable()) {}

  // Writes data row `id` (1-based) and records its outcome in `tally`.
  void Write(uint64_t id, OutputBuffer& out, Tally& tally) {
    const Defect defect = rng_.Chance(bad_parts_per_billion_)
                              ? static_cast<Defect>(1 + rng_.Below(kDefectKinds))
                              : Defect::kNone;

    // Draw every field's randomness in a fixed order whatever the defect, so
    // the stream stays easy to reason about.
    const auto country = static_cast<Country>(rng_.Below(3));
    // 92% bill in their home currency.
    const auto currency = rng_.Below(100) < 92 ? country : static_cast<Country>(rng_.Below(3));
    const std::string_view company = rng_.Pick(kCompanies);
    const std::string_view city = PickCity(country);
    const ProductLine& line = rng_.Pick(kProductLines);
    const std::string_view item = rng_.Pick(line.items);
    const size_t day = rng_.Below(dates_.dashed.size());
    const bool slashed_date = rng_.Below(100) < 5;
    const uint64_t variant = rng_.Next();  // picks among the defect spellings

    if (defect != Defect::kEmptyId) {
      out.AppendUnsigned(id);
    }
    out.Append(',');
    out.Append(company);
    out.Append(',');
    out.Append(kCountryCode[static_cast<size_t>(country)]);
    out.Append(',');
    // A short row (no city) or a long one (trailing extra field).
    const bool short_row = defect == Defect::kWrongFieldCount && variant % 2 == 0;
    const bool long_row = defect == Defect::kWrongFieldCount && variant % 2 != 0;
    if (!short_row) {
      out.Append(city);
      out.Append(',');
    }
    out.Append(line.name);
    out.Append(',');
    out.Append(item);
    out.Append(',');
    if (defect == Defect::kImpossibleDate) {
      out.Append(kImpossibleDates[variant % kImpossibleDates.size()]);
    } else if (defect == Defect::kAmbiguousDate) {
      out.Append(kAmbiguousDates[variant % kAmbiguousDates.size()]);
    } else {
      out.Append(slashed_date ? dates_.slashed[day] : dates_.dashed[day]);
    }
    out.Append(',');
    out.Append(defect == Defect::kUnknownCurrency ? std::string_view("ABC")
                                                  : kCurrencyCode[static_cast<size_t>(currency)]);
    out.Append(',');
    const int64_t amount = WriteAmount(defect, out);
    if (long_row) {
      out.Append(",extra");
    }
    out.Append('\n');

    if (defect != Defect::kNone) {
      ++tally.rejected;
      return;
    }
    ++tally.valid;
    tally.usd_cents += UsdCents(amount, kRateHundredths[static_cast<size_t>(currency)]);
  }

 private:
  std::string_view PickCity(Country country) {
    switch (country) {
      case Country::kUs:
        return rng_.Pick(kUsCities);
      case Country::kCa:
        return rng_.Pick(kCaCities);
      case Country::kMx:
        break;
    }
    return rng_.Pick(kMxCities);
  }

  // Writes bill_amount and returns it in ten-thousandths (meaningless for the
  // two amount defects, whose rows are rejected anyway).
  int64_t WriteAmount(Defect defect, OutputBuffer& out) {
    // Mostly tens to thousands, now and then up to just under 1,000,000.
    constexpr std::array<uint64_t, 10> kIntegerBounds = {10,    100,    100,    1'000,   1'000,
                                                         1'000, 10'000, 10'000, 100'000, 1'000'000};
    constexpr std::array<int, 10> kDecimals = {2, 2, 2, 2, 2, 2, 0, 1, 3, 4};
    const uint64_t whole = rng_.Below(rng_.Pick(kIntegerBounds));
    const int decimals = rng_.Pick(kDecimals);
    const auto decimals_index = static_cast<size_t>(decimals);
    const uint64_t fraction = rng_.Below(static_cast<uint64_t>(kPow10[decimals_index]));
    const bool negative = rng_.Below(100) < 4;
    const uint64_t fifth_digit = 1 + rng_.Below(9);

    if (negative) {
      out.Append('-');
    }
    out.AppendUnsigned(whole);
    if (defect == Defect::kNonNumericAmount) {
      out.Append('a');
      return 0;
    }
    if (defect == Defect::kTooManyDecimals) {
      // Four random decimals then a non-zero fifth: 5 significant decimals.
      out.Append('.');
      out.AppendPadded(rng_.Below(10'000), 4);
      out.Append(static_cast<char>('0' + fifth_digit));
      return 0;
    }
    if (decimals > 0) {
      out.Append('.');
      out.AppendPadded(fraction, decimals);
    }
    const auto magnitude = static_cast<int64_t>(
        whole * kAmountScale + fraction * static_cast<uint64_t>(kPow10[4 - decimals_index]));
    return negative ? -magnitude : magnitude;
  }

  SplitMix64 rng_;
  uint64_t bad_parts_per_billion_;
  DateTable dates_;
};

// ---------------------------------------------------------------------------
// Command line

struct Options {
  uint64_t rows = 0;
  uint64_t seed = 0;
  uint64_t bad_parts_per_billion = 10'000'000;  // 0.01
  std::string out_path = "-";
  std::string answer_path;
};

bool ParseUnsigned(std::string_view text, uint64_t& value) {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  return result.ec == std::errc() && result.ptr == end && !text.empty();
}

bool ParseRate(const std::string& text, uint64_t& parts_per_billion) {
  char* end = nullptr;
  errno = 0;
  const double rate = std::strtod(text.c_str(), &end);
  if (errno != 0 || end == text.c_str() || *end != '\0' || !(rate >= 0.0) || rate > 1.0) {
    return false;
  }
  parts_per_billion = static_cast<uint64_t>(std::llround(rate * 1e9));
  return true;
}

// Returns 0 on success, else the exit status after printing why.
int ParseOptions(int argc, char** argv, Options& options) {
  bool have_rows = false;
  bool have_seed = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage.data(), stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "billflow_gen: %s needs a value\n%s", argv[i], kUsage.data());
      return 2;
    }
    const std::string value = argv[++i];
    bool ok = true;
    if (flag == "--rows") {
      ok = have_rows = ParseUnsigned(value, options.rows);
    } else if (flag == "--seed") {
      ok = have_seed = ParseUnsigned(value, options.seed);
    } else if (flag == "--bad-rate") {
      ok = ParseRate(value, options.bad_parts_per_billion);
    } else if (flag == "--out") {
      options.out_path = value;
    } else if (flag == "--answer") {
      ok = !value.empty();
      options.answer_path = value;
    } else {
      std::fprintf(stderr, "billflow_gen: unknown option %s\n%s", argv[i - 1], kUsage.data());
      return 2;
    }
    if (!ok) {
      std::fprintf(stderr, "billflow_gen: bad value for %s: \"%s\"\n%s", argv[i - 1], value.c_str(),
                   kUsage.data());
      return 2;
    }
  }
  if (!have_rows || !have_seed) {
    std::fprintf(stderr, "billflow_gen: --rows and --seed are required\n%s", kUsage.data());
    return 2;
  }
  return 0;
}

int WriteAnswer(const Options& options, const Tally& tally) {
  std::FILE* file = std::fopen(options.answer_path.c_str(), "w");
  if (file == nullptr) {
    std::fprintf(stderr, "billflow_gen: cannot open %s: %s\n", options.answer_path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::fprintf(
      file,
      "{\"rows\":%llu,\"valid\":%llu,\"rejected\":%llu,"
      "\"usd_total\":\"%s\"}\n",
      static_cast<unsigned long long>(options.rows), static_cast<unsigned long long>(tally.valid),
      static_cast<unsigned long long>(tally.rejected), FormatCents(tally.usd_cents).c_str());
  if (std::fclose(file) != 0) {
    std::fprintf(stderr, "billflow_gen: cannot write %s\n", options.answer_path.c_str());
    return 1;
  }
  return 0;
}

int Run(const Options& options) {
  const bool to_stdout = options.out_path == "-";
  std::FILE* file = to_stdout ? stdout : std::fopen(options.out_path.c_str(), "wb");
  if (file == nullptr) {
    std::fprintf(stderr, "billflow_gen: cannot open %s: %s\n", options.out_path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::setvbuf(file, nullptr, _IONBF, 0);  // OutputBuffer already batches

  OutputBuffer out(file);
  RowWriter writer(options.seed, options.bad_parts_per_billion);
  Tally tally;
  bool ok = true;
  out.Append(
      "id,company_name,country,city,product_line,item,bill_date,currency,"
      "bill_amount\n");
  for (uint64_t id = 1; id <= options.rows && ok; ++id) {
    writer.Write(id, out, tally);
    ok = out.FlushIfNearlyFull();
  }
  ok = ok && out.Flush();
  ok = (to_stdout ? std::fflush(file) == 0 : std::fclose(file) == 0) && ok;
  if (!ok) {
    std::fprintf(stderr, "billflow_gen: cannot write %s: %s\n", options.out_path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  return options.answer_path.empty() ? 0 : WriteAnswer(options, tally);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (const int status = ParseOptions(argc, argv, options); status != 0) {
    return status;
  }
  return Run(options);
}
