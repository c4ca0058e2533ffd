#ifndef BILLFLOW_CLI_PROFILES_FILE_H_
#define BILLFLOW_CLI_PROFILES_FILE_H_

#include <string_view>

#include "cli/config.h"
#include "cli/profiles.h"
#include "core/result.h"

namespace billflow {

// The profiles file `config.profiles` names (a local path or s3://bucket/key, read through
// ReadSettingFile with the configured AWS credentials), parsed. Empty when no file is named.
// Errors are kInvalidArgument-class usage errors: "FLAG WHERE: cannot open" (or the S3 error)
// when it cannot be read, and "WHERE:LINE: KEY: …" from ProfileSet::Parse when it is bad.
[[nodiscard]] Result<ProfileSet> ReadProfiles(const Config& config, std::string_view flag);

}  // namespace billflow

#endif  // BILLFLOW_CLI_PROFILES_FILE_H_
