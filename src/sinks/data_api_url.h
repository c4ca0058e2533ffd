#ifndef BILLFLOW_SINKS_DATA_API_URL_H_
#define BILLFLOW_SINKS_DATA_API_URL_H_

#include <string_view>

#include "aws/data_api_client.h"
#include "core/result.h"
#include "sinks/group_key_sql.h"

namespace billflow {

// What a data-api:// URL names: the cluster, secret and database, and the cluster's engine.
struct DataApiUrl {
  DataApiTarget target;
  // engine=mysql (the default: Aurora MySQL) → kMysql; engine=postgres (or postgresql: Aurora
  // PostgreSQL) → kPostgres. Never detected: the URL is the whole configuration, and a wrong
  // engine fails the first statement with an error naming this setting.
  SqlDialect dialect = SqlDialect::kMysql;
};

// Parses "data-api://CLUSTER_ARN?secret=SECRET_ARN&database=DB[&engine=mysql|postgres]" (ARNs
// may be percent-encoded). kInvalidArgument naming what is missing or unknown.
[[nodiscard]] Result<DataApiUrl> ParseDataApiUrl(std::string_view url);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_DATA_API_URL_H_
