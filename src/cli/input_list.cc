#include "cli/input_list.h"

#include <algorithm>
#include <filesystem>

#include "sources/input_name.h"

namespace billflow {

std::vector<InputRef> ExpandInputs(const std::vector<std::string>& paths) {
  std::vector<InputRef> inputs;
  for (const std::string& path : paths) {
    if (path == "-") {
      inputs.push_back({InputKind::kStdin, path});
      continue;
    }
    if (path.rfind("s3://", 0) == 0) {
      inputs.push_back({InputKind::kS3, path});
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::string> files;
      for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file(ec) && !CsvInputSuffix(name).empty()) {
          files.push_back(entry.path().string());
        }
      }
      std::sort(files.begin(), files.end());
      for (auto& file : files) inputs.push_back({InputKind::kFile, std::move(file)});
      continue;
    }
    inputs.push_back(
        {std::filesystem::exists(path, ec) ? InputKind::kFile : InputKind::kMissing, path});
  }
  return inputs;
}

}  // namespace billflow
