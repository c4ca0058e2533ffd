#include "ecb/ecb_test_feeds.h"

#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "core/decimal.h"
#include "core/target_calendar.h"

namespace billflow::testing {
namespace {

struct Column {
  const char* code;
  std::int64_t base_units;  // value at scale 4
  CivilDate last_quoted;    // N/A after this date
};

constexpr CivilDate kAlways{9999, 12, 31};

// Roughly the real magnitudes; what matters is the shape: 41 columns, some N/A.
const Column kColumns[] = {
    {"USD", 11000, kAlways},          {"JPY", 1300000, kAlways},
    {"BGN", 19558, kAlways},          {"CYP", 5800, {2007, 12, 31}},
    {"CZK", 250000, kAlways},         {"DKK", 74500, kAlways},
    {"EEK", 156466, {2010, 12, 31}},  {"GBP", 8500, kAlways},
    {"HUF", 3000000, kAlways},        {"LTL", 34528, {2014, 12, 31}},
    {"LVL", 7028, {2013, 12, 31}},    {"MTL", 4293, {2007, 12, 31}},
    {"PLN", 43000, kAlways},          {"ROL", 350000000, {2005, 6, 30}},
    {"RON", 45000, kAlways},          {"SEK", 100000, kAlways},
    {"SIT", 2395000, {2006, 12, 29}}, {"SKK", 301260, {2008, 12, 31}},
    {"CHF", 12000, kAlways},          {"ISK", 1400000, kAlways},
    {"NOK", 90000, kAlways},          {"TRL", 1500000000, {2004, 12, 31}},
    {"TRY", 150000, kAlways},         {"AUD", 16000, kAlways},
    {"BRL", 40000, kAlways},          {"CAD", 14500, kAlways},
    {"CNY", 80000, kAlways},          {"HKD", 86000, kAlways},
    {"IDR", 150000000, kAlways},      {"ILS", 45000, kAlways},
    {"INR", 700000, kAlways},         {"KRW", 13500000, kAlways},
    {"MXN", 180000, kAlways},         {"MYR", 45000, kAlways},
    {"NZD", 17000, kAlways},          {"PHP", 550000, kAlways},
    {"SGD", 15500, kAlways},          {"THB", 400000, kAlways},
    {"ZAR", 150000, kAlways},         {"HRK", 75000, {2022, 12, 30}},
    {"RUB", 700000, {2022, 3, 1}},
};

std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

std::string Cell(const Column& column, CivilDate date, std::size_t index) {
  if (column.last_quoted < date) return "N/A";
  if (std::string_view(column.code) == "ISK" && CivilDate{2008, 12, 9} <= date &&
      date <= CivilDate{2018, 12, 31}) {
    return "N/A";
  }
  const auto day = static_cast<std::uint64_t>(date.DaysSinceEpoch());
  const auto wiggle = static_cast<std::int64_t>(Mix(day * 64 + index) % 2001) - 1000;
  const std::int64_t units = column.base_units + column.base_units * wiggle / 20000;
  return Decimal(units, 4).ToString();
}

}  // namespace

EcbQuoteHistory MakeEcbQuoteHistory(CivilDate last) {
  EcbQuoteHistory history;
  for (const Column& column : kColumns) history.currencies.emplace_back(column.code);
  for (std::int64_t day = last.DaysSinceEpoch(); day >= CivilDate{1999, 1, 4}.DaysSinceEpoch();
       --day) {
    const CivilDate date = CivilDate::FromDaysSinceEpoch(day);
    if (!IsTargetWorkingDay(date)) continue;
    history.dates.push_back(date);
    std::vector<std::string> row;
    for (std::size_t i = 0; i < std::size(kColumns); ++i) row.push_back(Cell(kColumns[i], date, i));
    history.cells.push_back(std::move(row));
  }
  return history;
}

EcbQuoteHistory Newest(const EcbQuoteHistory& history, std::size_t dates) {
  EcbQuoteHistory out;
  out.currencies = history.currencies;
  const std::size_t n = std::min(dates, history.dates.size());
  out.dates.assign(history.dates.begin(), history.dates.begin() + static_cast<std::ptrdiff_t>(n));
  out.cells.assign(history.cells.begin(), history.cells.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

std::string EcbCsv(const EcbQuoteHistory& history) {
  std::string out = "Date,";
  for (const std::string& code : history.currencies) out += code + ",";
  out += "\n";
  for (std::size_t d = 0; d < history.dates.size(); ++d) {
    out += history.dates[d].ToString() + ",";
    for (const std::string& cell : history.cells[d]) out += cell + ",";
    out += "\n";
  }
  return out;
}

std::string EcbXml(const EcbQuoteHistory& history) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gesmes:Envelope xmlns:gesmes=\"http://www.gesmes.org/xml/2002-08-01\" "
      "xmlns=\"http://www.ecb.int/vocabulary/2002-08-01/eurofxref\">\n"
      "\t<gesmes:subject>Reference rates</gesmes:subject>\n"
      "\t<gesmes:Sender>\n\t\t<gesmes:name>European Central Bank</gesmes:name>\n"
      "\t</gesmes:Sender>\n\t<Cube>\n";
  for (std::size_t d = 0; d < history.dates.size(); ++d) {
    out += "\t\t<Cube time='" + history.dates[d].ToString() + "'>\n";
    for (std::size_t c = 0; c < history.currencies.size(); ++c) {
      if (history.cells[d][c] == "N/A") continue;
      out += "\t\t\t<Cube currency='" + history.currencies[c] + "' rate='" + history.cells[d][c] +
             "'/>\n";
    }
    out += "\t\t</Cube>\n";
  }
  out += "\t</Cube>\n</gesmes:Envelope>\n";
  return out;
}

std::string ZipOf(const std::string& name, const std::string& content,
                  const std::vector<std::pair<std::string, std::string>>& extra) {
  const std::string path = "/tmp/billflow-rates-ecb-test-" + std::to_string(::getpid()) + ".zip";
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (archive == nullptr) return {};
  std::vector<std::pair<std::string, std::string>> files = {{name, content}};
  files.insert(files.end(), extra.begin(), extra.end());
  for (const auto& [file_name, bytes] : files) {
    zip_source_t* source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    if (source == nullptr || zip_file_add(archive, file_name.c_str(), source, 0) < 0) {
      zip_source_free(source);
      zip_discard(archive);
      return {};
    }
  }
  if (zip_close(archive) != 0) {
    zip_discard(archive);
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  ::unlink(path.c_str());
  return bytes.str();
}

std::vector<std::string> SortedRateTexts(const std::vector<FxRate>& rates) {
  std::vector<std::string> out;
  out.reserve(rates.size());
  for (const FxRate& r : rates) {
    out.push_back(r.currency + " " + r.valid_from.ToString() + " " + r.rate_to_usd.ToString() +
                  " " + r.source);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace billflow::testing
