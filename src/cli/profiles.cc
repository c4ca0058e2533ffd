#include "cli/profiles.h"

#include <fnmatch.h>

#include <algorithm>

// Parse errors come back as values: the project is built without using exceptions.
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

namespace billflow {
namespace {

std::string At(std::string_view origin, const toml::source_region& where, std::string_view key) {
  return std::string(origin) + ":" + std::to_string(where.begin.line) + ": " + std::string(key) +
         ": ";
}

// A table's entries in the order the file writes them (toml++ keeps them sorted by key):
// "the first profile that matches" and messages follow the file.
std::vector<std::pair<std::string, const toml::node*>> InFileOrder(const toml::table& table) {
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (const auto& [key, node] : table) entries.emplace_back(std::string(key.str()), &node);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& x = a.second->source().begin;
    const auto& y = b.second->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  return entries;
}

// Binds origin, profile table and key for every message of one value.
class ValueReader {
 public:
  ValueReader(std::string_view origin, std::string prefix)
      : origin_(origin), prefix_(std::move(prefix)) {}

  Error Problem(const toml::node& node, std::string_view key, std::string_view what) const {
    return {ErrorCode::kInvalidArgument,
            At(origin_, node.source(), prefix_ + std::string(key)) + std::string(what)};
  }
  Result<std::string> String(const toml::node& node, std::string_view key) const {
    if (const auto* value = node.as_string()) return value->get();
    return tl::unexpected(Problem(node, key, "must be a string"));
  }
  Result<std::vector<std::string>> Strings(const toml::node& node, std::string_view key) const {
    std::vector<std::string> out;
    if (const auto* value = node.as_string()) {
      out.push_back(value->get());
      return out;
    }
    const auto* array = node.as_array();
    if (array == nullptr) return tl::unexpected(Problem(node, key, "must be a list of strings"));
    for (const toml::node& item : *array) {
      auto text = String(item, key);
      if (!text) return tl::unexpected(text.error());
      out.push_back(*text);
    }
    return out;
  }
  // Re-words a value check's message with this value's place.
  template <typename T>
  Result<T> Checked(Result<T> result, const toml::node& node, std::string_view key) const {
    if (!result) return tl::unexpected(Problem(node, key, result.error().message));
    return result;
  }

 private:
  std::string_view origin_;
  std::string prefix_;
};

Status ReadProfile(std::string_view origin, const std::string& name, const toml::table& table,
                   Profile* profile) {
  profile->name = name;
  const ValueReader reader(origin, "profile." + name + ".");
  DialectSettings& s = profile->settings;
  for (const auto& [key, node_pointer] : InFileOrder(table)) {
    const toml::node& node = *node_pointer;
    if (key == "match") {
      auto globs = reader.Strings(node, key);
      if (!globs) return tl::unexpected(globs.error());
      profile->match = *globs;
    } else if (key == "encoding") {
      auto text = reader.String(node, key);
      if (!text) return tl::unexpected(text.error());
      auto encoding = reader.Checked(ParseEncodingSetting(*text), node, key);
      if (!encoding) return tl::unexpected(encoding.error());
      s.encoding = *encoding;
    } else if (key == "delimiter") {
      auto text = reader.String(node, key);
      if (!text) return tl::unexpected(text.error());
      auto delimiter = reader.Checked(ParseDelimiterSetting(*text), node, key);
      if (!delimiter) return tl::unexpected(delimiter.error());
      s.delimiter = *delimiter;
    } else if (key == "decimal_separator") {
      auto text = reader.String(node, key);
      if (!text) return tl::unexpected(text.error());
      auto decimal = reader.Checked(ParseDecimalSetting(*text), node, key);
      if (!decimal) return tl::unexpected(decimal.error());
      s.decimal_separator = *decimal;
    } else if (key == "thousands_separator") {
      auto text = reader.String(node, key);
      if (!text) return tl::unexpected(text.error());
      auto thousands = reader.Checked(ParseThousandsSetting(*text), node, key);
      if (!thousands) return tl::unexpected(thousands.error());
      s.thousands_separator = *thousands;
    } else if (key == "date_formats") {
      auto formats = reader.Strings(node, key);
      if (!formats) return tl::unexpected(formats.error());
      for (const std::string& format : *formats) {
        if (auto ok = CheckDateFormatSetting(format); !ok) {
          return tl::unexpected(reader.Problem(node, key, ok.error().message));
        }
      }
      s.date_formats = *formats;
    } else if (key == "skip_lines") {
      const auto* number = node.as_integer();
      if (number == nullptr || number->get() < 0 || number->get() > 1000) {
        return tl::unexpected(reader.Problem(node, key, "must be a whole number from 0 to 1000"));
      }
      s.skip_lines = static_cast<std::uint32_t>(number->get());
    } else if (key == "columns" || key == "defaults") {
      const auto* entries = node.as_table();
      if (entries == nullptr) return tl::unexpected(reader.Problem(node, key, "must be a table"));
      for (const auto& [entry, entry_pointer] : InFileOrder(*entries)) {
        const toml::node& entry_node = *entry_pointer;
        const std::string where = key + "." + entry;
        auto value = reader.String(entry_node, where);
        if (!value) return tl::unexpected(value.error());
        const std::string& field = key == "columns" ? *value : entry;
        if (auto ok = CheckFieldName(field); !ok) {
          return tl::unexpected(reader.Problem(entry_node, where, ok.error().message));
        }
        if (key == "columns") {
          for (const auto& [other, other_field] : s.columns) {
            if (other_field == field) {
              return tl::unexpected(
                  reader.Problem(entry_node, where,
                                 "field " + field + " is already mapped from \"" + other + "\""));
            }
          }
          s.columns.emplace_back(entry, field);
        } else {
          s.defaults.emplace_back(entry, *value);
        }
      }
    } else {
      return tl::unexpected(
          reader.Problem(node, key,
                         "unknown key (known: match, encoding, delimiter, decimal_separator, "
                         "thousands_separator, date_formats, skip_lines, columns, defaults)"));
    }
  }
  if (auto ok = CheckConsistent(s); !ok) {
    return Fail(ErrorCode::kInvalidArgument,
                At(origin, table.source(), "profile." + name) + ok.error().message);
  }
  return Ok();
}

std::string TomlString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\t') {
      out += "\\t";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

Result<ProfileSet> ProfileSet::Parse(std::string_view text, std::string_view origin) {
  toml::parse_result parsed = toml::parse(text, origin);
  if (!parsed) {
    const toml::parse_error& error = parsed.error();
    return Fail(ErrorCode::kInvalidArgument, std::string(origin) + ":" +
                                                 std::to_string(error.source().begin.line) + ": " +
                                                 std::string(error.description()));
  }
  const toml::table& root = parsed.table();
  ProfileSet set;
  for (const auto& [key, node_pointer] : InFileOrder(root)) {
    const toml::node& node = *node_pointer;
    const auto* profiles = node.as_table();
    if (key != "profile" || profiles == nullptr) {
      return Fail(ErrorCode::kInvalidArgument,
                  At(origin, node.source(), key) + "unknown table (profiles are [profile.NAME])");
    }
    for (const auto& [name, profile_pointer] : InFileOrder(*profiles)) {
      const toml::node& profile_node = *profile_pointer;
      const auto* table = profile_node.as_table();
      if (table == nullptr) {
        return Fail(ErrorCode::kInvalidArgument,
                    At(origin, profile_node.source(), "profile." + name) + "must be a table");
      }
      Profile profile;
      BILLFLOW_TRY(ReadProfile(origin, name, *table, &profile));
      set.profiles_.push_back(std::move(profile));
    }
  }
  return set;
}

const Profile* ProfileSet::Find(std::string_view name) const {
  for (const Profile& profile : profiles_) {
    if (profile.name == name) return &profile;
  }
  return nullptr;
}

const Profile* ProfileSet::Match(std::string_view uri, std::string_view display_name) const {
  const std::size_t slash = display_name.find_last_of('/');
  const std::string base(slash == std::string_view::npos ? display_name
                                                         : display_name.substr(slash + 1));
  const std::string whole(uri);
  for (const Profile& profile : profiles_) {
    for (const std::string& glob : profile.match) {
      if (fnmatch(glob.c_str(), base.c_str(), 0) == 0 ||
          fnmatch(glob.c_str(), whole.c_str(), 0) == 0) {
        return &profile;
      }
    }
  }
  return nullptr;
}

std::string ProfileStanza(std::string_view name, const std::vector<std::string>& match,
                          const DialectSettings& settings) {
  std::string out = "[profile." + std::string(name) + "]\n";
  out += "match = [";
  for (std::size_t i = 0; i < match.size(); ++i) out += (i ? ", " : "") + TomlString(match[i]);
  out += "]\n";
  if (settings.encoding) out += "encoding = " + TomlString(*settings.encoding) + "\n";
  if (settings.delimiter) {
    out += "delimiter = " +
           TomlString(*settings.delimiter == '\0' ? "auto" : std::string(1, *settings.delimiter)) +
           "\n";
  }
  if (settings.decimal_separator) {
    out += "decimal_separator = " + TomlString(std::string(1, *settings.decimal_separator)) + "\n";
  }
  if (settings.thousands_separator && !settings.thousands_separator->empty()) {
    out += "thousands_separator = " + TomlString(*settings.thousands_separator) + "\n";
  }
  if (settings.date_formats) {
    out += "date_formats = [";
    for (std::size_t i = 0; i < settings.date_formats->size(); ++i) {
      out += (i ? ", " : "") + TomlString((*settings.date_formats)[i]);
    }
    out += "]\n";
  }
  if (settings.skip_lines) out += "skip_lines = " + std::to_string(*settings.skip_lines) + "\n";
  if (!settings.columns.empty()) {
    out += "[profile." + std::string(name) + ".columns]\n";
    for (const auto& [column, field] : settings.columns) {
      out += TomlString(column) + " = " + TomlString(field) + "\n";
    }
  }
  if (!settings.defaults.empty()) {
    out += "[profile." + std::string(name) + ".defaults]\n";
    for (const auto& [field, value] : settings.defaults)
      out += field + " = " + TomlString(value) + "\n";
  }
  return out;
}

}  // namespace billflow
