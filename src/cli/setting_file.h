#ifndef BILLFLOW_CLI_SETTING_FILE_H_
#define BILLFLOW_CLI_SETTING_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "cli/config.h"
#include "core/result.h"

namespace billflow {

// The whole text of a file a setting names (`--rates`, `--profiles`): a local path, or
// s3://bucket/key read with the configured AWS credentials, of at most `max_bytes` (a larger
// object fails with kLimitExceeded; it is not buffered whole first). Every error starts with "FLAG
// WHERE: " (for example
// "--profiles p.toml: cannot open"), so the user knows which setting to fix.
[[nodiscard]] Result<std::string> ReadSettingFile(const Config& config, std::string_view flag,
                                                  const std::string& where, std::size_t max_bytes);

}  // namespace billflow

#endif  // BILLFLOW_CLI_SETTING_FILE_H_
