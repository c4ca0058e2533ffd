#include "aws/xml.h"

#include <charconv>
#include <cstdint>

namespace billflow {
namespace {

void AppendUtf8(std::uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

bool DecodeEntity(std::string_view entity, std::string* out) {
  if (entity == "amp") return out->push_back('&'), true;
  if (entity == "lt") return out->push_back('<'), true;
  if (entity == "gt") return out->push_back('>'), true;
  if (entity == "quot") return out->push_back('"'), true;
  if (entity == "apos") return out->push_back('\''), true;
  if (entity.size() < 2 || entity[0] != '#') return false;
  int base = 10;
  std::string_view digits = entity.substr(1);
  if (digits[0] == 'x' || digits[0] == 'X') {
    base = 16;
    digits = digits.substr(1);
  }
  std::uint32_t code_point = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code_point, base);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || code_point > 0x10FFFF ||
      digits.empty()) {
    return false;
  }
  AppendUtf8(code_point, out);
  return true;
}

}  // namespace

std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view name) {
  std::vector<std::string_view> elements;
  std::string open = "<" + std::string(name);
  std::string close = "</" + std::string(name) + ">";
  std::size_t at = 0;
  while ((at = xml.find(open, at)) != std::string_view::npos) {
    std::size_t after_name = at + open.size();
    if (after_name >= xml.size()) break;
    char next = xml[after_name];
    if (next != '>' && next != '/' && next != ' ' && next != '\t' && next != '\n' && next != '\r') {
      at = after_name;  // a longer name with the same prefix
      continue;
    }
    std::size_t tag_end = xml.find('>', after_name);
    if (tag_end == std::string_view::npos) break;
    if (xml[tag_end - 1] == '/') {
      elements.emplace_back();
      at = tag_end + 1;
      continue;
    }
    std::size_t end = xml.find(close, tag_end + 1);
    if (end == std::string_view::npos) break;
    elements.push_back(xml.substr(tag_end + 1, end - tag_end - 1));
    at = end + close.size();
  }
  return elements;
}

std::optional<std::string> XmlText(std::string_view xml, std::string_view name) {
  std::vector<std::string_view> elements = XmlElements(xml, name);
  if (elements.empty()) return std::nullopt;
  return XmlDecode(elements.front());
}

std::string XmlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i).starts_with("<![CDATA[")) {
      std::size_t end = text.find("]]>", i + 9);
      std::size_t stop = end == std::string_view::npos ? text.size() : end;
      out.append(text.substr(i + 9, stop - i - 9));
      i = end == std::string_view::npos ? text.size() : end + 2;
      continue;
    }
    if (text[i] == '&') {
      std::size_t semicolon = text.find(';', i + 1);
      if (semicolon != std::string_view::npos && semicolon - i <= 10 &&
          DecodeEntity(text.substr(i + 1, semicolon - i - 1), &out)) {
        i = semicolon;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace billflow
