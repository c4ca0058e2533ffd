#ifndef BILLFLOW_CLI_INPUT_LIST_H_
#define BILLFLOW_CLI_INPUT_LIST_H_

#include <string>
#include <vector>

namespace billflow {

enum class InputKind { kFile, kStdin, kS3, kMissing };

// One thing to ingest, expanded from a command-line PATH.
struct InputRef {
  InputKind kind = InputKind::kFile;
  std::string path;  // file path, "-", or s3://bucket/key-or-prefix
};

// Expands PATHs: a directory becomes its *.csv and *.csv.gz files (sorted, not recursive),
// '-' is stdin, s3:// is kept for the S3 lister, a path that does not exist is kMissing
// (reported as a failed file, so the other files still load).
std::vector<InputRef> ExpandInputs(const std::vector<std::string>& paths);

}  // namespace billflow

#endif  // BILLFLOW_CLI_INPUT_LIST_H_
