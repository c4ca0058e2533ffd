#ifndef BILLFLOW_CLI_PROFILES_H_
#define BILLFLOW_CLI_PROFILES_H_

#include <string>
#include <string_view>
#include <vector>

#include "cli/dialect_settings.h"
#include "core/result.h"

namespace billflow {

// One `[profile.NAME]` table of a profiles file.
struct Profile {
  std::string name;
  std::vector<std::string> match;  // globs (fnmatch) on a source's base name or its URI
  DialectSettings settings;
};

// A parsed profiles file (TOML). Immutable once parsed.
class ProfileSet {
 public:
  // Parses `text`; `origin` names the file in messages. Every problem fails the whole set
  // (kInvalidArgument, a usage error) as `ORIGIN:LINE: KEY: what is wrong`: TOML syntax, an
  // unknown key, a bad value (encoding, delimiter, separators, date format, skip_lines), an
  // unknown field name, a field mapped from two columns, a table other than [profile.*].
  [[nodiscard]] static Result<ProfileSet> Parse(std::string_view text, std::string_view origin);

  const std::vector<Profile>& profiles() const { return profiles_; }
  // The profile called `name`, or null.
  const Profile* Find(std::string_view name) const;
  // The first profile (in file order) with a `match` glob that fits the base name of
  // `display_name` or the whole `uri`; null when none does.
  const Profile* Match(std::string_view uri, std::string_view display_name) const;

 private:
  std::vector<Profile> profiles_;
};

// A profile as a ready-to-paste TOML table (what `sniff` prints).
std::string ProfileStanza(std::string_view name, const std::vector<std::string>& match,
                          const DialectSettings& settings);

}  // namespace billflow

#endif  // BILLFLOW_CLI_PROFILES_H_
