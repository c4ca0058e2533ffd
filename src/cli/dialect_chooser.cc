#include "cli/dialect_chooser.h"

#include <memory>

#include "cli/dialect_settings.h"
#include "cli/profiles_file.h"

namespace billflow {

Result<DialectChooser> MakeDialectChooser(const Config& config) {
  auto flags = DialectSettingsFromFlags(config.dialect_flags);
  if (!flags) return tl::unexpected(flags.error());
  auto parsed = ReadProfiles(config, "--profiles");
  if (!parsed) return tl::unexpected(parsed.error());
  auto profiles = std::make_shared<ProfileSet>(std::move(*parsed));
  const Profile* forced = nullptr;
  if (!config.profile.empty()) {
    forced = profiles->Find(config.profile);
    if (forced == nullptr) {
      std::string known;
      for (const Profile& p : profiles->profiles()) known += (known.empty() ? "" : ", ") + p.name;
      return Fail(
          ErrorCode::kInvalidArgument,
          "--profile " + config.profile + ": no such profile" +
              (config.profiles.empty()
                   ? " (no --profiles file given)"
                   : " in " + config.profiles + (known.empty() ? "" : " (has: " + known + ")")));
    }
  }
  // A merge of flags over a profile can pair two settings that clash: check every profile now.
  for (const Profile& profile : profiles->profiles()) {
    DialectSettings merged = profile.settings;
    merged.Overlay(*flags);
    if (auto ok = CheckConsistent(merged); !ok) {
      return Fail(ErrorCode::kInvalidArgument,
                  "profile " + profile.name + " with the flags: " + ok.error().message);
    }
  }
  if (auto ok = CheckConsistent(*flags); !ok) return tl::unexpected(ok.error());
  return DialectChooser(
      [profiles, forced, flags = *flags](const SourceInfo& info) -> Result<FileDialect> {
        const Profile* profile =
            forced != nullptr ? forced : profiles->Match(info.uri, info.display_name);
        DialectSettings settings = profile != nullptr ? profile->settings : DialectSettings{};
        settings.Overlay(flags);
        return FileDialect{settings.ToDialect(), profile != nullptr ? profile->name : ""};
      });
}

}  // namespace billflow
