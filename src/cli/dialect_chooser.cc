#include "cli/dialect_chooser.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "aws/s3_client.h"
#include "cli/aws_context.h"
#include "cli/dialect_settings.h"
#include "cli/profiles.h"

namespace billflow {
namespace {

constexpr std::size_t kMaxProfilesBytes = 1 << 20;

Result<std::string> ReadProfilesText(const Config& config) {
  const std::string& where = config.profiles;
  if (where.rfind("s3://", 0) != 0) {
    std::ifstream in(where, std::ios::binary);
    if (!in) return Fail(ErrorCode::kInvalidArgument, "--profiles " + where + ": cannot open");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  auto location = ParseS3Uri(where);
  if (!location) return Fail(ErrorCode::kInvalidArgument, location.error().message);
  AwsContext aws(config);
  auto s3 = aws.S3();
  if (!s3) return tl::unexpected(s3.error());
  std::string text;
  auto got = (*s3)->GetObject(location->bucket, location->key, {},
                              [&text](std::string_view bytes) -> Status {
                                if (text.size() + bytes.size() > kMaxProfilesBytes) {
                                  return Fail(ErrorCode::kLimitExceeded, "larger than 1 MiB");
                                }
                                text.append(bytes);
                                return Ok();
                              });
  if (!got) return Fail(got.error().code, "--profiles " + where + ": " + got.error().message);
  return text;
}

}  // namespace

Result<DialectChooser> MakeDialectChooser(const Config& config) {
  auto flags = DialectSettingsFromFlags(config.dialect_flags);
  if (!flags) return tl::unexpected(flags.error());
  auto profiles = std::make_shared<ProfileSet>();
  if (!config.profiles.empty()) {
    auto text = ReadProfilesText(config);
    if (!text) return tl::unexpected(text.error());
    auto parsed = ProfileSet::Parse(*text, config.profiles);
    if (!parsed) return tl::unexpected(parsed.error());
    *profiles = std::move(*parsed);
  }
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
