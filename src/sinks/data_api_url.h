#ifndef BILLFLOW_SINKS_DATA_API_URL_H_
#define BILLFLOW_SINKS_DATA_API_URL_H_

#include <string_view>

#include "aws/data_api_client.h"
#include "core/result.h"

namespace billflow {

// Parses "data-api://CLUSTER_ARN?secret=SECRET_ARN&database=DB" (ARNs may be
// percent-encoded). kInvalidArgument naming what is missing.
[[nodiscard]] Result<DataApiTarget> ParseDataApiUrl(std::string_view url);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_DATA_API_URL_H_
