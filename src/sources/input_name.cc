#include "sources/input_name.h"

#include "core/ascii.h"

namespace billflow {

std::string_view CsvInputSuffix(std::string_view name) {
  for (std::string_view suffix : {".csv.gz", ".csv"}) {
    if (EndsWithNoCase(name, suffix)) return name.substr(name.size() - suffix.size());
  }
  return {};
}

bool IsGzipName(std::string_view name) { return EndsWithNoCase(name, ".gz"); }

}  // namespace billflow
