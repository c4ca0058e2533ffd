#include "cli/dialect_settings.h"

#include "core/date_format.h"
#include "csv/header_map.h"
#include "sources/encoding_detection.h"

namespace billflow {
namespace {

template <typename T>
void Take(const std::optional<T>& over, std::optional<T>* into) {
  if (over) *into = over;
}

void Merge(const std::vector<std::pair<std::string, std::string>>& over,
           std::vector<std::pair<std::string, std::string>>* into, bool by_match_key) {
  for (const auto& entry : over) {
    const auto same = [&](const auto& existing) {
      return by_match_key ? HeaderMap::MatchKey(existing.first) == HeaderMap::MatchKey(entry.first)
                          : existing.first == entry.first;
    };
    bool replaced = false;
    for (auto& existing : *into) {
      if (!same(existing)) continue;
      existing = entry;
      replaced = true;
    }
    if (!replaced) into->push_back(entry);
  }
}

}  // namespace

void DialectSettings::Overlay(const DialectSettings& over) {
  Take(over.encoding, &encoding);
  Take(over.delimiter, &delimiter);
  Take(over.decimal_separator, &decimal_separator);
  Take(over.thousands_separator, &thousands_separator);
  Take(over.date_formats, &date_formats);
  Take(over.skip_lines, &skip_lines);
  Merge(over.columns, &columns, true);
  Merge(over.defaults, &defaults, false);
}

Dialect DialectSettings::ToDialect() const {
  Dialect dialect;
  if (encoding) dialect.encoding = *encoding;
  if (delimiter) dialect.delimiter = *delimiter;
  if (decimal_separator) dialect.decimal_separator = *decimal_separator;
  if (thousands_separator) dialect.thousands_separator = *thousands_separator;
  if (date_formats) dialect.date_formats = *date_formats;
  if (skip_lines) dialect.skip_lines = *skip_lines;
  dialect.columns = columns;
  dialect.defaults = defaults;
  return dialect;
}

Result<std::string> ParseEncodingSetting(std::string_view text) {
  const std::string name = CanonicalEncodingName(text);
  if (!IsKnownEncoding(name)) {
    return Fail(ErrorCode::kInvalidArgument,
                "unknown encoding \"" + std::string(text) +
                    "\" (use utf-8, utf-16, utf-16le, utf-16be, windows-1252, iso-8859-1, "
                    "iso-8859-15 or another iconv name)");
  }
  return name;
}

Result<char> ParseDelimiterSetting(std::string_view text) {
  if (text == "auto") return '\0';
  if (text == "\\t" || text == "tab" || text == "\t") return '\t';
  if (text == "," || text == ";" || text == "|") return text[0];
  return Fail(
      ErrorCode::kInvalidArgument,
      "delimiter \"" + std::string(text) + "\" is not one of \",\" \";\" \"\\t\" \"|\" \"auto\"");
}

Result<char> ParseDecimalSetting(std::string_view text) {
  if (text == "." || text == ",") return text[0];
  return Fail(ErrorCode::kInvalidArgument,
              "decimal_separator \"" + std::string(text) + "\" is not \".\" or \",\"");
}

Result<std::string> ParseThousandsSetting(std::string_view text) {
  if (text.empty() || text == "none") return std::string();
  if (text == "." || text == "," || text == "'" || text == " " || text == "\xC2\xA0" ||
      text == "\xE2\x80\xAF") {
    return std::string(text);
  }
  return Fail(ErrorCode::kInvalidArgument,
              "thousands_separator \"" + std::string(text) +
                  "\" is not one of \".\" \",\" \"'\" \" \" U+00A0 U+202F or none");
}

Status CheckDateFormatSetting(std::string_view text) {
  const std::string problem = CheckDateFormat(text);
  if (!problem.empty()) return Fail(ErrorCode::kInvalidArgument, "date format " + problem);
  return Ok();
}

Status CheckFieldName(std::string_view field) {
  if (HeaderMap::ColumnOfField(field) >= 0) return Ok();
  std::string names;
  for (const std::string_view name : kColumnNames) {
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown field \"" + std::string(field) + "\" (fields: " + names + ")");
}

Result<std::pair<std::string, std::string>> SplitAssignment(std::string_view text,
                                                            std::string_view flag) {
  const std::size_t eq = text.rfind('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(flag) + " \"" + std::string(text) + "\" is not NAME=VALUE");
  }
  return std::make_pair(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
}

Result<DialectSettings> DialectSettingsFromFlags(const DialectFlags& flags) {
  DialectSettings s;
  const auto named = [](std::string_view flag, const Error& error) {
    return tl::unexpected(
        Error{ErrorCode::kInvalidArgument, std::string(flag) + ": " + error.message});
  };
  if (flags.encoding) {
    auto encoding = ParseEncodingSetting(*flags.encoding);
    if (!encoding) return named("--encoding", encoding.error());
    s.encoding = *encoding;
  }
  if (flags.delimiter) {
    auto delimiter = ParseDelimiterSetting(*flags.delimiter);
    if (!delimiter) return named("--delimiter", delimiter.error());
    s.delimiter = *delimiter;
  }
  if (flags.decimal_separator) {
    auto decimal = ParseDecimalSetting(*flags.decimal_separator);
    if (!decimal) return named("--decimal-separator", decimal.error());
    s.decimal_separator = *decimal;
  }
  if (flags.thousands_separator) {
    auto thousands = ParseThousandsSetting(*flags.thousands_separator);
    if (!thousands) return named("--thousands-separator", thousands.error());
    s.thousands_separator = *thousands;
  }
  if (!flags.date_formats.empty()) {
    for (const std::string& format : flags.date_formats) {
      if (auto ok = CheckDateFormatSetting(format); !ok) return named("--date-format", ok.error());
    }
    s.date_formats = flags.date_formats;
  }
  s.skip_lines = flags.skip_lines;
  for (const std::string& column : flags.columns) {
    auto pair = SplitAssignment(column, "--column");
    if (!pair) return tl::unexpected(pair.error());
    if (auto ok = CheckFieldName(pair->second); !ok) return named("--column", ok.error());
    s.columns.push_back(*pair);
  }
  for (const std::string& entry : flags.defaults) {
    const std::size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(ErrorCode::kInvalidArgument, "--default \"" + entry + "\" is not field=VALUE");
    }
    const std::string field = entry.substr(0, eq);
    if (auto ok = CheckFieldName(field); !ok) return named("--default", ok.error());
    s.defaults.emplace_back(field, entry.substr(eq + 1));
  }
  return s;
}

Status CheckConsistent(const DialectSettings& settings) {
  const char decimal = settings.decimal_separator.value_or('.');
  if (settings.thousands_separator && *settings.thousands_separator == std::string(1, decimal)) {
    return Fail(ErrorCode::kInvalidArgument, "thousands_separator \"" +
                                                 *settings.thousands_separator +
                                                 "\" is also the decimal_separator");
  }
  for (std::size_t i = 0; i < settings.columns.size(); ++i) {
    for (std::size_t j = i + 1; j < settings.columns.size(); ++j) {
      if (settings.columns[i].second == settings.columns[j].second) {
        return Fail(ErrorCode::kInvalidArgument,
                    "field " + settings.columns[i].second + " is mapped from both \"" +
                        settings.columns[i].first + "\" and \"" + settings.columns[j].first + "\"");
      }
    }
  }
  return Ok();
}

}  // namespace billflow
