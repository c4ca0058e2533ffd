#ifndef BILLFLOW_SOURCES_INPUT_NAME_H_
#define BILLFLOW_SOURCES_INPUT_NAME_H_

#include <string_view>

namespace billflow {

// What a file name (a path, an S3 key) says about the input, for every way of finding inputs:
// folder listings, S3 prefixes, the watched inbox.

// The suffix that makes `name` a CSV input — ".csv" or ".csv.gz", any case, as spelled in
// `name` — or empty when it is not one.
std::string_view CsvInputSuffix(std::string_view name);

// True for names ending in ".gz" (any case): the bytes are gunzipped while streaming.
bool IsGzipName(std::string_view name);

}  // namespace billflow

#endif  // BILLFLOW_SOURCES_INPUT_NAME_H_
