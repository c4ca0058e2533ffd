#ifndef BILLFLOW_CLI_DIALECT_SETTINGS_H_
#define BILLFLOW_CLI_DIALECT_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/config.h"
#include "core/dialect.h"
#include "core/result.h"

namespace billflow {

// The dialect settings one layer states (flags, or one profile): each unset one falls through
// to the next layer, then to detection. Columns and defaults merge key by key.
struct DialectSettings {
  std::optional<std::string> encoding;  // canonical name
  std::optional<char> delimiter;        // '\0' = "auto"
  std::optional<char> decimal_separator;
  std::optional<std::string> thousands_separator;  // "" = none
  std::optional<std::vector<std::string>> date_formats;
  std::optional<std::uint32_t> skip_lines;
  std::vector<std::pair<std::string, std::string>> columns;   // header text -> field
  std::vector<std::pair<std::string, std::string>> defaults;  // field -> constant

  // `over` wins setting by setting (a column or default of the same key is replaced).
  void Overlay(const DialectSettings& over);
  // The effective dialect: what is set here, the contract's defaults for the rest.
  Dialect ToDialect() const;
};

// Checks of one value, shared by the profile parser and the flags. Each error is one
// sentence naming what is allowed (kInvalidArgument); the caller prefixes where it was set.
[[nodiscard]] Result<std::string> ParseEncodingSetting(std::string_view text);
[[nodiscard]] Result<char> ParseDelimiterSetting(std::string_view text);  // , ; \t tab | auto
[[nodiscard]] Result<char> ParseDecimalSetting(std::string_view text);    // . ,
[[nodiscard]] Result<std::string> ParseThousandsSetting(std::string_view text);
[[nodiscard]] Status CheckDateFormatSetting(std::string_view text);
[[nodiscard]] Status CheckFieldName(std::string_view field);
// `NAME=VALUE` of --column and --default, split at the last '=' (header names may hold one).
[[nodiscard]] Result<std::pair<std::string, std::string>> SplitAssignment(std::string_view text,
                                                                          std::string_view flag);
// The flags as settings; each error names its flag (kInvalidArgument, a usage error).
[[nodiscard]] Result<DialectSettings> DialectSettingsFromFlags(const DialectFlags& flags);
// Two settings that cannot go together (a decimal separator equal to the thousands one; a
// field mapped from two columns), checked once every layer is merged.
[[nodiscard]] Status CheckConsistent(const DialectSettings& settings);

}  // namespace billflow

#endif  // BILLFLOW_CLI_DIALECT_SETTINGS_H_
