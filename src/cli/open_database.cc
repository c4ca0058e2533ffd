#include "cli/open_database.h"

#include "sinks/sqlite_sink.h"

namespace billflow {

Result<std::unique_ptr<Database>> OpenDatabase(const Config& config) {
  const std::string& url = config.db_url;
  std::unique_ptr<Database> db;
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);
    if (path.empty()) return Fail(ErrorCode::kInvalidArgument, "--db sqlite: needs a file path, e.g. sqlite:billflow.db");
    auto sink = SqliteSink::Open({path});
    if (!sink) return tl::unexpected(sink.error());
    db = std::move(*sink);
  } else {
    return Fail(ErrorCode::kInvalidArgument,
                "unknown database URL \"" + url +
                    "\"; expected sqlite:PATH, mysql://USER@HOST[:PORT]/DB or "
                    "data-api://CLUSTER_ARN?secret=SECRET_ARN&database=DB");
  }
  BILLFLOW_TRY(db->Migrate());
  return db;
}

}  // namespace billflow
