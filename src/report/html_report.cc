#include "report/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "report/usd_report.h"

namespace billflow {

std::string ReasonGroup(std::string_view reason) {
  // Reasons quote at most one value (row_validator.cc's AppendQuoted), which may itself hold
  // quotes: mask from the first quote to the last.
  const auto first = reason.find('"');
  const auto last = reason.rfind('"');
  if (first == std::string_view::npos || last == first) return std::string(reason);
  return std::string(reason.substr(0, first)) + "\"\xE2\x80\xA6\"" +
         std::string(reason.substr(last + 1));
}

std::vector<ReasonCount> CountRejectReasons(const std::vector<std::string>& reasons) {
  std::map<std::string, std::uint64_t> counts;
  for (const auto& reason : reasons) ++counts[ReasonGroup(reason)];
  std::vector<ReasonCount> out;
  for (auto& [reason, rows] : counts) out.push_back({reason, rows});
  std::stable_sort(out.begin(), out.end(),
                   [](const ReasonCount& a, const ReasonCount& b) { return a.rows > b.rows; });
  return out;
}

namespace {

constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
constexpr std::size_t kPaletteSize = sizeof kPalette / sizeof kPalette[0];
constexpr std::size_t kMaxBars = 15;

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// At most `max_chars` UTF-8 characters, with "…" when cut.
std::string Shorten(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars) return std::string(text.substr(0, i)) + "\xE2\x80\xA6";
  }
  return std::string(text);
}

// Chart geometry only; money text always comes from Decimal.
double ToDouble(const Decimal& value) {
  long double v = static_cast<long double>(value.units());
  for (int i = 0; i < value.scale(); ++i) v /= 10;
  return static_cast<double>(v);
}

std::string Num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

// Every sum on the page adds some of the input's group totals (or their magnitudes), so
// CheckSummable's bound holds for each of them: after it, an addition cannot overflow.
Decimal Sum(const Decimal& a, const Decimal& b) { return *a.Add(b); }

Status CheckSummable(const std::vector<GroupTotal>& totals, std::string_view what) {
  Decimal bound(0, 2);
  for (const GroupTotal& g : totals) {
    const Decimal magnitude =
        g.usd_total.IsNegative() ? Decimal(-g.usd_total.units(), g.usd_total.scale()) : g.usd_total;
    std::optional<Decimal> next = bound.Add(magnitude);
    if (!next) {
      return Fail(ErrorCode::kLimitExceeded,
                  "html report: the USD totals by " + std::string(what) + " overflow");
    }
    bound = *next;
  }
  return Ok();
}

// A value axis with round tick values, which are exact decimals (1, 2 or 5 times a power of
// ten) so their labels are decimal text, not printed doubles.
struct Axis {
  double min = 0;
  double max = 1;
  std::vector<Decimal> ticks;
};

Axis NiceAxis(double lo, double hi, bool integers_only) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  if (hi - lo <= 0) hi = lo + 1;
  const double raw = (hi - lo) / 5;
  int exponent = static_cast<int>(std::floor(std::log10(raw)));
  const double base = std::pow(10.0, exponent);
  const double fraction = raw / base;
  int multiple = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  if (integers_only && exponent < 0) {
    exponent = 0;
    multiple = 1;
  }
  exponent = std::clamp(exponent, -Decimal::kMaxScale, 30);
  __int128 step_units = multiple;
  int step_scale = 0;
  if (exponent >= 0) {
    for (int i = 0; i < exponent; ++i) step_units *= 10;
  } else {
    step_scale = -exponent;
  }
  const double step = multiple * std::pow(10.0, exponent);
  const auto first = static_cast<long long>(std::floor(lo / step + 1e-9));
  const auto last = static_cast<long long>(std::ceil(hi / step - 1e-9));
  Axis axis;
  axis.min = static_cast<double>(first) * step;
  axis.max = static_cast<double>(last) * step;
  if (axis.max <= axis.min) axis.max = axis.min + step;
  for (long long i = first; i <= last; ++i) axis.ticks.emplace_back(step_units * i, step_scale);
  return axis;
}

std::string SvgOpen(int width, int height, std::string_view label) {
  return "<svg class=\"chart\" role=\"img\" aria-label=\"" + Escape(label) + "\" viewBox=\"0 0 " +
         std::to_string(width) + " " + std::to_string(height) + "\" width=\"" +
         std::to_string(width) + "\" height=\"" + std::to_string(height) + "\">\n";
}

std::string Rect(double x, double y, double w, double h, std::string_view fill,
                 std::string_view title) {
  return "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(std::max(w, 0.0)) +
         "\" height=\"" + Num(std::max(h, 0.0)) + "\" fill=\"" + std::string(fill) + "\"><title>" +
         Escape(title) + "</title></rect>\n";
}

std::string Text(double x, double y, std::string_view anchor, std::string_view text,
                 std::string_view css_class = "") {
  std::string out =
      "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" + std::string(anchor) + "\"";
  if (!css_class.empty()) out += " class=\"" + std::string(css_class) + "\"";
  return out + ">" + Escape(text) + "</text>\n";
}

std::string Line(double x1, double y1, double x2, double y2, std::string_view css_class) {
  return "<line x1=\"" + Num(x1) + "\" y1=\"" + Num(y1) + "\" x2=\"" + Num(x2) + "\" y2=\"" +
         Num(y2) + "\" class=\"" + std::string(css_class) + "\"/>\n";
}

// ---- USD by month, stacked by currency ----

struct MonthGrid {
  std::vector<std::string> months;      // sorted
  std::vector<std::string> currencies;  // largest absolute USD first
  std::map<std::pair<std::string, std::string>, GroupTotal> cells;
};

MonthGrid BuildMonthGrid(const std::vector<GroupTotal>& by_month) {
  MonthGrid grid;
  std::set<std::string> months;
  std::map<std::string, Decimal> weight;
  for (const GroupTotal& g : by_month) {
    months.insert(g.key);
    const Decimal magnitude =
        g.usd_total.IsNegative() ? Decimal(-g.usd_total.units(), g.usd_total.scale()) : g.usd_total;
    weight[g.currency] =
        Sum(weight.contains(g.currency) ? weight[g.currency] : Decimal(0, 2), magnitude);
    grid.cells[{g.key, g.currency}] = g;
  }
  grid.months.assign(months.begin(), months.end());
  for (const auto& [currency, w] : weight) grid.currencies.push_back(currency);
  std::stable_sort(
      grid.currencies.begin(), grid.currencies.end(),
      [&weight](const std::string& a, const std::string& b) { return weight[b] < weight[a]; });
  return grid;
}

std::string MonthChart(const MonthGrid& grid) {
  if (grid.months.empty()) return "<p class=\"empty\">No rows loaded yet.</p>\n";
  constexpr int kWidth = 1100, kHeight = 380, kLeft = 120, kRight = 20, kTop = 44, kBottom = 40;
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  std::vector<double> pos(grid.months.size(), 0), neg(grid.months.size(), 0);
  for (std::size_t m = 0; m < grid.months.size(); ++m) {
    for (const auto& currency : grid.currencies) {
      auto it = grid.cells.find({grid.months[m], currency});
      if (it == grid.cells.end()) continue;
      const double v = ToDouble(it->second.usd_total);
      (v >= 0 ? pos[m] : neg[m]) += v;
    }
  }
  const Axis axis = NiceAxis(*std::min_element(neg.begin(), neg.end()),
                             *std::max_element(pos.begin(), pos.end()), false);
  const auto y = [&](double v) { return kTop + (axis.max - v) / (axis.max - axis.min) * plot_h; };

  std::string svg = SvgOpen(kWidth, kHeight, "USD by month, stacked by currency");
  double legend_x = kLeft;
  for (std::size_t c = 0; c < grid.currencies.size(); ++c) {
    svg += Rect(legend_x, 12, 14, 14, kPalette[c % kPaletteSize], grid.currencies[c]);
    svg += Text(legend_x + 19, 24, "start", grid.currencies[c], "legend");
    legend_x += 70;
  }
  for (const Decimal& tick : axis.ticks) {
    const double ty = y(ToDouble(tick));
    svg += Line(kLeft, ty, kWidth - kRight, ty, tick.units() == 0 ? "zero" : "grid");
    svg += Text(kLeft - 8, ty + 4, "end", tick.ToGroupedString(), "tick");
  }
  const double slot = plot_w / static_cast<double>(grid.months.size());
  const double bar_w = std::clamp(slot * 0.7, 2.0, 90.0);
  const std::size_t label_every = (grid.months.size() + 23) / 24;
  for (std::size_t m = 0; m < grid.months.size(); ++m) {
    const double x = kLeft + static_cast<double>(m) * slot + (slot - bar_w) / 2;
    double up = 0, down = 0;
    Decimal month_total(0, 2);
    for (std::size_t c = 0; c < grid.currencies.size(); ++c) {
      auto it = grid.cells.find({grid.months[m], grid.currencies[c]});
      if (it == grid.cells.end()) continue;
      const GroupTotal& cell = it->second;
      month_total = Sum(month_total, cell.usd_total);
      const double v = ToDouble(cell.usd_total);
      const double from = v >= 0 ? up : down;
      const double to = from + v;
      (v >= 0 ? up : down) = to;
      const std::string title = grid.months[m] + " " + cell.currency + ": " +
                                cell.usd_total.ToGroupedString() + " USD (" +
                                std::to_string(cell.rows) + " rows)";
      svg += Rect(x, std::min(y(from), y(to)), bar_w, std::fabs(y(to) - y(from)),
                  kPalette[c % kPaletteSize], title);
    }
    if (grid.months.size() <= 12) {
      svg += Text(x + bar_w / 2, y(up) - 5, "middle", month_total.ToGroupedString(), "value");
    }
    if (m % label_every == 0) {
      svg += Text(x + bar_w / 2, kHeight - kBottom + 18, "middle", grid.months[m], "tick");
    }
  }
  return svg + "</svg>\n";
}

std::string MonthTable(const MonthGrid& grid) {
  std::string html = "<table>\n<thead><tr><th>month</th>";
  for (const auto& currency : grid.currencies)
    html += "<th class=\"num\">" + Escape(currency) + " in USD</th>";
  html += "<th class=\"num\">rows</th><th class=\"num\">USD total</th></tr></thead>\n<tbody>\n";
  std::map<std::string, Decimal> column_totals;
  std::uint64_t all_rows = 0;
  Decimal all_usd(0, 2);
  for (const auto& month : grid.months) {
    html += "<tr><td>" + Escape(month) + "</td>";
    std::uint64_t rows = 0;
    Decimal usd(0, 2);
    for (const auto& currency : grid.currencies) {
      auto it = grid.cells.find({month, currency});
      if (it == grid.cells.end()) {
        html += "<td class=\"num muted\">\xE2\x80\x94</td>";
        continue;
      }
      rows += it->second.rows;
      usd = Sum(usd, it->second.usd_total);
      auto& column = column_totals.try_emplace(currency, Decimal(0, 2)).first->second;
      column = Sum(column, it->second.usd_total);
      html += "<td class=\"num\">" + it->second.usd_total.ToGroupedString() + "</td>";
    }
    all_rows += rows;
    all_usd = Sum(all_usd, usd);
    html += "<td class=\"num\">" + std::to_string(rows) + "</td><td class=\"num\">" +
            usd.ToGroupedString() + "</td></tr>\n";
  }
  html += "</tbody>\n<tfoot><tr><td>total</td>";
  for (const auto& currency : grid.currencies) {
    html += "<td class=\"num\">" +
            column_totals.try_emplace(currency, Decimal(0, 2)).first->second.ToGroupedString() +
            "</td>";
  }
  html += "<td class=\"num\">" + std::to_string(all_rows) + "</td><td class=\"num\">" +
          all_usd.ToGroupedString() + "</td></tr></tfoot>\n</table>\n";
  return html;
}

// ---- horizontal bars (product lines, reject reasons) ----

struct Bar {
  std::string label;
  Decimal value;
  std::string tooltip;
};

std::string BarChart(const std::vector<Bar>& bars, std::string_view color, std::string_view aria,
                     bool integers) {
  if (bars.empty()) return "<p class=\"empty\">Nothing to show.</p>\n";
  constexpr int kWidth = 1100, kLeft = 290, kRight = 150, kTop = 10, kRow = 26, kBottom = 28;
  const int height = kTop + kRow * static_cast<int>(bars.size()) + kBottom;
  const double plot_w = kWidth - kLeft - kRight;
  double lo = 0, hi = 0;
  for (const Bar& bar : bars) {
    lo = std::min(lo, ToDouble(bar.value));
    hi = std::max(hi, ToDouble(bar.value));
  }
  const Axis axis = NiceAxis(lo, hi, integers);
  const auto x = [&](double v) { return kLeft + (v - axis.min) / (axis.max - axis.min) * plot_w; };
  std::string svg = SvgOpen(kWidth, height, aria);
  const double plot_bottom = kTop + kRow * static_cast<double>(bars.size());
  for (const Decimal& tick : axis.ticks) {
    const double tx = x(ToDouble(tick));
    svg += Line(tx, kTop, tx, plot_bottom, tick.units() == 0 ? "zero" : "grid");
    svg += Text(tx, plot_bottom + 18, "middle", tick.ToGroupedString(), "tick");
  }
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const double top = kTop + kRow * static_cast<double>(i);
    const double v = ToDouble(bar.value);
    const double x0 = x(0), x1 = x(v);
    svg += Text(kLeft - 8, top + 17, "end", Shorten(bar.label, 44), "label");
    svg += Rect(std::min(x0, x1), top + 4, std::fabs(x1 - x0), 18, color, bar.tooltip);
    svg += Text(std::max(x0, x1) + 6, top + 17, "start", bar.value.ToGroupedString(), "value");
  }
  return svg + "</svg>\n";
}

std::vector<Bar> ProductBars(const UsdReport& report) {
  std::vector<ReportLine> lines = report.lines;
  std::stable_sort(lines.begin(), lines.end(), [](const ReportLine& a, const ReportLine& b) {
    return b.usd_total < a.usd_total;
  });
  std::vector<Bar> bars;
  Decimal other(0, 2);
  std::uint64_t other_rows = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const ReportLine& line = lines[i];
    if (i + 1 < kMaxBars || lines.size() == kMaxBars) {
      bars.push_back({line.key, line.usd_total,
                      line.key + ": " + line.usd_total.ToGroupedString() + " USD (" +
                          std::to_string(line.rows) + " rows)"});
    } else {
      other = Sum(other, line.usd_total);
      other_rows += line.rows;
    }
  }
  if (lines.size() > kMaxBars) {
    const std::string label =
        "other (" + std::to_string(lines.size() - kMaxBars + 1) + " product lines)";
    bars.push_back({label, other,
                    label + ": " + other.ToGroupedString() + " USD (" + std::to_string(other_rows) +
                        " rows)"});
  }
  return bars;
}

std::string ProductTable(const UsdReport& report) {
  std::string html =
      "<table>\n<thead><tr><th>product line</th><th class=\"num\">rows</th><th>currencies</th>"
      "<th class=\"num\">USD total</th></tr></thead>\n<tbody>\n";
  for (const ReportLine& line : report.lines) {
    html += "<tr><td>" + Escape(line.key) + "</td><td class=\"num\">" + std::to_string(line.rows) +
            "</td><td>" + Escape(CurrencyList(line.currencies)) + "</td><td class=\"num\">" +
            line.usd_total.ToGroupedString() + "</td></tr>\n";
  }
  html += "</tbody>\n<tfoot><tr><td>total</td><td class=\"num\">" +
          std::to_string(report.total.rows) + "</td><td>" +
          Escape(CurrencyList(report.total.currencies)) + "</td><td class=\"num\">" +
          report.total.usd_total.ToGroupedString() + "</td></tr></tfoot>\n</table>\n";
  return html;
}

std::vector<Bar> ReasonBars(const std::vector<ReasonCount>& reasons) {
  std::vector<Bar> bars;
  std::uint64_t other = 0;
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    const ReasonCount& r = reasons[i];
    if (i + 1 < kMaxBars || reasons.size() == kMaxBars) {
      bars.push_back({r.reason, Decimal(static_cast<__int128>(r.rows), 0),
                      r.reason + ": " + std::to_string(r.rows) + " rows"});
    } else {
      other += r.rows;
    }
  }
  if (reasons.size() > kMaxBars) {
    const std::string label =
        "other (" + std::to_string(reasons.size() - kMaxBars + 1) + " reasons)";
    bars.push_back({label, Decimal(static_cast<__int128>(other), 0),
                    label + ": " + std::to_string(other) + " rows"});
  }
  return bars;
}

std::string ReasonTable(const std::vector<ReasonCount>& reasons) {
  std::string html =
      "<table>\n<thead><tr><th>reason</th><th class=\"num\">rows</th></tr></thead>\n<tbody>\n";
  std::uint64_t total = 0;
  for (const ReasonCount& r : reasons) {
    total += r.rows;
    html += "<tr><td>" + Escape(r.reason) + "</td><td class=\"num\">" + std::to_string(r.rows) +
            "</td></tr>\n";
  }
  html += "</tbody>\n<tfoot><tr><td>total</td><td class=\"num\">" + std::to_string(total) +
          "</td></tr></tfoot>\n</table>\n";
  return html;
}

constexpr char kStyle[] = R"(<style>
body{font-family:system-ui,-apple-system,"Segoe UI","DejaVu Sans",Arial,sans-serif;margin:24px 32px;color:#222;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px}
.sub{color:#666;margin:0 0 16px}
.kpis{display:flex;gap:12px;flex-wrap:wrap}
.note{color:#666;margin-top:24px;font-size:13px}
.kpi{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.kpi b{display:block;font-size:20px;font-variant-numeric:tabular-nums}.kpi span{color:#666;font-size:13px}
svg.chart{display:block;max-width:100%;height:auto;font-size:12px}
svg .grid{stroke:#e4e4e4}svg .zero{stroke:#888}svg .tick{fill:#666;font-size:11px}
svg .value{fill:#333;font-size:11px}svg .label{fill:#222}svg .legend{fill:#222}
table{border-collapse:collapse;margin:8px 0 0;font-size:13px}
th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
th{background:#f6f6f6}.num{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{font-weight:bold;border-top:2px solid #ccc}.muted{color:#bbb}.empty{color:#666;font-style:italic}
</style>
)";

}  // namespace

Result<std::string> RenderHtml(const HtmlReportInput& input) {
  BILLFLOW_TRY(CheckSummable(input.by_month, "month"));
  BILLFLOW_TRY(CheckSummable(input.by_product_line, "product line"));
  const MonthGrid grid = BuildMonthGrid(input.by_month);
  auto by_month = BuildUsdReport(GroupBy::kMonth, input.by_month);
  if (!by_month) return tl::unexpected(by_month.error());
  auto by_product = BuildUsdReport(GroupBy::kProductLine, input.by_product_line);
  if (!by_product) return tl::unexpected(by_product.error());
  const UsdReport& month_report = *by_month;
  const UsdReport& product_report = *by_product;
  std::uint64_t rejected = 0;
  for (const ReasonCount& r : input.rejects) rejected += r.rows;

  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      Escape(input.title) + "</title>\n" + kStyle + "</head>\n<body>\n";
  html += "<h1>" + Escape(input.title) + "</h1>\n";
  if (!input.subtitle.empty()) html += "<p class=\"sub\">" + Escape(input.subtitle) + "</p>\n";
  const auto kpi = [](const std::string& value, std::string_view what) {
    return "<div class=\"kpi\"><b>" + Escape(value) + "</b><span>" + Escape(what) +
           "</span></div>\n";
  };
  html += "<div class=\"kpis\">\n";
  html += kpi(month_report.total.usd_total.ToGroupedString(), "USD total");
  html += kpi(std::to_string(month_report.total.rows), "rows loaded");
  html += kpi(std::to_string(rejected), "rows rejected");
  html += kpi(std::to_string(input.files_loaded) + " / " + std::to_string(input.files_failed),
              "files loaded / failed");
  html += kpi(std::to_string(grid.currencies.size()), "currencies");
  if (!grid.months.empty())
    html += kpi(grid.months.front() + " \xE2\x80\x93 " + grid.months.back(), "months");
  html += "</div>\n";

  html += "<h2 id=\"by-month\">USD by month, stacked by currency</h2>\n";
  html += MonthChart(grid);
  html += MonthTable(grid);
  html += "<h2 id=\"by-product-line\">USD by product line</h2>\n";
  html += BarChart(ProductBars(product_report), "#4e79a7", "USD by product line", false);
  html += ProductTable(product_report);
  html += "<h2 id=\"rejects\">Rejected rows by reason</h2>\n";
  html += BarChart(ReasonBars(input.rejects), "#e15759", "Rejected rows by reason", true);
  html += ReasonTable(input.rejects);
  html +=
      "<p class=\"note\">Amounts are exact decimals: each row's USD amount was rounded once to "
      "cents; "
      "totals are exact sums of those cents.</p>\n</body>\n</html>\n";
  return html;
}

}  // namespace billflow
