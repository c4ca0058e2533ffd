#include "report/usd_report.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "core/row_validator.h"

namespace billflow {

Result<UsdReport> BuildUsdReport(GroupBy by, const std::vector<GroupTotal>& totals) {
  UsdReport report;
  report.by = by;
  report.total.key = "total";
  std::map<std::string, ReportLine> lines;
  for (const GroupTotal& group : totals) {
    ReportLine& line = lines[group.key];
    line.key = group.key;
    line.rows += group.rows;
    std::optional<Decimal> line_sum = line.usd_total.Add(group.usd_total);
    if (!line_sum) {
      return Fail(ErrorCode::kLimitExceeded, "report by " + std::string(GroupByName(by)) +
                                                 ": the USD total of \"" + group.key +
                                                 "\" overflows");
    }
    line.usd_total = *line_sum;
    if (std::find(line.currencies.begin(), line.currencies.end(), group.currency) ==
        line.currencies.end()) {
      line.currencies.push_back(group.currency);
    }
    report.total.rows += group.rows;
    std::optional<Decimal> total_sum = report.total.usd_total.Add(group.usd_total);
    if (!total_sum) {
      return Fail(ErrorCode::kLimitExceeded,
                  "report by " + std::string(GroupByName(by)) + ": the USD total overflows");
    }
    report.total.usd_total = *total_sum;
    if (std::find(report.total.currencies.begin(), report.total.currencies.end(), group.currency) ==
        report.total.currencies.end()) {
      report.total.currencies.push_back(group.currency);
    }
  }
  for (auto& [key, line] : lines) report.lines.push_back(std::move(line));
  std::sort(report.total.currencies.begin(), report.total.currencies.end());
  return report;
}

namespace {

std::size_t DisplayWidth(std::string_view text) {
  const auto length = Utf8Length(text);
  return length < 0 ? text.size() : static_cast<std::size_t>(length);
}

void Pad(std::string* out, std::string_view text, std::size_t width, bool right) {
  const std::size_t w = DisplayWidth(text);
  const std::string fill(width > w ? width - w : 0, ' ');
  if (right) *out += fill;
  out->append(text);
  if (!right) *out += fill;
}

}  // namespace

std::string CurrencyList(const std::vector<std::string>& currencies) {
  std::string out;
  for (const auto& currency : currencies) out += (out.empty() ? "" : " ") + currency;
  return out;
}

std::string RenderTable(const UsdReport& report) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back({std::string(GroupByName(report.by)), "rows", "currencies", "USD total"});
  for (const auto& line : report.lines) {
    cells.push_back({line.key, std::to_string(line.rows), CurrencyList(line.currencies),
                     line.usd_total.ToGroupedString()});
  }
  cells.push_back({"total", std::to_string(report.total.rows),
                   CurrencyList(report.total.currencies),
                   report.total.usd_total.ToGroupedString()});
  std::vector<std::size_t> widths(4, 0);
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  for (std::size_t r = 0; r < cells.size(); ++r) {
    if (r + 1 == cells.size()) {
      std::size_t total_width = 0;
      for (std::size_t w : widths) total_width += w;
      out += std::string(total_width + 6, '-') + "\n";
    }
    for (std::size_t c = 0; c < 4; ++c) {
      if (c > 0) out += "  ";
      Pad(&out, cells[r][c], widths[c], c == 1 || c == 3);
    }
    out += "\n";
  }
  return out;
}

std::string CsvTextCell(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                        cell[0] == '\t' || cell[0] == '\r')) {
    cell.insert(cell.begin(), '\'');
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string RenderCsv(const UsdReport& report) {
  std::string out = std::string(GroupByName(report.by)) + ",rows,currencies,usd_total\r\n";
  const auto line_out = [&out](const ReportLine& line) {
    out += CsvTextCell(line.key) + "," + std::to_string(line.rows) + "," +
           CsvTextCell(CurrencyList(line.currencies)) + "," + line.usd_total.ToString() + "\r\n";
  };
  for (const auto& line : report.lines) line_out(line);
  line_out(report.total);
  return out;
}

std::string RenderJson(const UsdReport& report) {
  nlohmann::json doc;
  doc["by"] = GroupByName(report.by);
  doc["groups"] = nlohmann::json::array();
  const auto to_json = [](const ReportLine& line) {
    return nlohmann::json{{"key", line.key},
                          {"rows", line.rows},
                          {"usd_total", line.usd_total.ToString()},
                          {"currencies", line.currencies}};
  };
  for (const auto& line : report.lines) doc["groups"].push_back(to_json(line));
  doc["total"] = to_json(report.total);
  return doc.dump(2) + "\n";
}

}  // namespace billflow
