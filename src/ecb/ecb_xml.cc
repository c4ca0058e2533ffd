#include "ecb/ecb_xml.h"

#include <algorithm>
#include <pugixml.hpp>
#include <vector>

#include "core/currency_code.h"

namespace billflow {
namespace {

std::string_view LocalName(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// "ORIGIN:LINE: " for a byte offset into `text`; pugixml reports offsets, people read lines.
std::string At(std::string_view text, std::string_view origin, std::ptrdiff_t offset) {
  const auto end = static_cast<std::size_t>(std::max<std::ptrdiff_t>(offset, 0));
  const auto prefix = text.substr(0, std::min(end, text.size()));
  const auto line = 1 + std::count(prefix.begin(), prefix.end(), '\n');
  return std::string(origin) + ":" + std::to_string(line) + ": ";
}

}  // namespace

bool LooksLikeXml(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  const auto first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && bytes[first] == '<';
}

Result<EcbRates> ParseEcbXml(std::string_view text, std::string_view origin) {
  const std::string where(origin);
  pugi::xml_document document;
  const pugi::xml_parse_result parsed =
      document.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return Fail(ErrorCode::kInvalidData,
                At(text, origin, parsed.offset) + "not well-formed XML: " + parsed.description());
  }
  const pugi::xml_node root = document.document_element();
  if (LocalName(root) != "Envelope") {
    return Fail(ErrorCode::kInvalidData,
                At(text, origin, root.offset_debug()) + "root element <" + root.name() +
                    "> is not the ECB's <gesmes:Envelope>: not an ECB reference-rate feed");
  }
  EcbRatesBuilder builder;
  std::vector<std::string> codes;  // storage behind the quotes' string_views
  std::vector<EcbQuote> quotes;
  for (const pugi::xml_node outer : root.children()) {
    if (LocalName(outer) != "Cube") continue;
    for (const pugi::xml_node day : outer.children()) {
      if (LocalName(day) != "Cube") continue;
      const std::string at = At(text, origin, day.offset_debug());
      const std::string_view time = day.attribute("time").value();
      CivilDate date;
      if (ParseCivilDate(time, &date) != DateParseError::kNone) {
        return Fail(ErrorCode::kInvalidData,
                    at + "time \"" + std::string(time) + "\" is not YYYY-MM-DD");
      }
      codes.clear();
      std::vector<pugi::xml_node> cubes;
      for (const pugi::xml_node cube : day.children()) {
        if (LocalName(cube) != "Cube") continue;
        const std::string_view currency = cube.attribute("currency").value();
        char code[3];
        if (!NormalizeCurrencyCode(currency, code)) {
          return Fail(ErrorCode::kInvalidData, At(text, origin, cube.offset_debug()) +
                                                   "currency \"" + std::string(currency) +
                                                   "\" is not a currency code");
        }
        if (!builder.Accepts(std::string_view(code, 3))) continue;
        codes.emplace_back(code, 3);
        cubes.push_back(cube);
      }
      quotes.clear();
      for (std::size_t i = 0; i < cubes.size(); ++i) {
        quotes.push_back({codes[i], cubes[i].attribute("rate").value()});
      }
      BILLFLOW_TRY(builder.AddDate(date, quotes, at));
    }
  }
  return std::move(builder).Finish(where);
}

}  // namespace billflow
