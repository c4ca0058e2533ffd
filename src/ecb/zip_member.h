#ifndef BILLFLOW_ECB_ZIP_MEMBER_H_
#define BILLFLOW_ECB_ZIP_MEMBER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace billflow {

// One file taken out of a zip archive.
struct ZipMember {
  std::string name;   // its path inside the archive
  std::string bytes;  // inflated content
};

// True when `bytes` starts like a zip archive (a local file header, "PK\3\4").
bool LooksLikeZip(std::string_view bytes);

// The one data file of a zip held in memory, as the ECB ships eurofxref-hist.zip: the only
// member whose name ends in .csv or .xml (case-insensitive; directories and __MACOSX/ entries
// are ignored). Errors (kInvalidData, "ORIGIN: …"): not a readable zip, none or several such
// members, a member that inflates to more than `max_bytes` (kLimitExceeded) or fails its CRC.
[[nodiscard]] Result<ZipMember> ReadOnlyDataMember(std::string_view zip_bytes,
                                                   std::string_view origin,
                                                   std::uint64_t max_bytes);

}  // namespace billflow

#endif  // BILLFLOW_ECB_ZIP_MEMBER_H_
