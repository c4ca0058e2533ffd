#include "cli/setting_file.h"

#include <fstream>
#include <sstream>

#include "aws/s3_client.h"
#include "cli/aws_context.h"

namespace billflow {

Result<std::string> ReadSettingFile(const Config& config, std::string_view flag,
                                    const std::string& where, std::size_t max_bytes) {
  const std::string at = std::string(flag) + " " + where + ": ";
  if (!where.starts_with("s3://")) {
    std::ifstream in(where, std::ios::binary);
    if (!in) return Fail(ErrorCode::kInvalidArgument, at + "cannot open");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  auto location = ParseS3Uri(where);
  if (!location) return Fail(ErrorCode::kInvalidArgument, at + location.error().message);
  AwsContext aws(config);
  auto s3 = aws.S3();
  if (!s3) return tl::unexpected(s3.error());
  std::string text;
  auto got = (*s3)->GetObject(
      location->bucket, location->key, {}, [&text, max_bytes](std::string_view bytes) -> Status {
        if (text.size() + bytes.size() > max_bytes) {
          return Fail(ErrorCode::kLimitExceeded,
                      "larger than " + std::to_string(max_bytes >> 20) + " MiB");
        }
        text.append(bytes);
        return Ok();
      });
  if (!got) return Fail(got.error().code, at + got.error().message);
  return text;
}

}  // namespace billflow
