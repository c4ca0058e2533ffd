#include "cli/profiles_file.h"

#include <cstddef>

#include "cli/setting_file.h"

namespace billflow {
namespace {

constexpr std::size_t kMaxProfilesBytes = 1 << 20;  // a profiles file is read whole

}  // namespace

Result<ProfileSet> ReadProfiles(const Config& config, std::string_view flag) {
  if (config.profiles.empty()) return ProfileSet{};
  auto text = ReadSettingFile(config, flag, config.profiles, kMaxProfilesBytes);
  if (!text) return tl::unexpected(text.error());
  return ProfileSet::Parse(*text, config.profiles);
}

}  // namespace billflow
