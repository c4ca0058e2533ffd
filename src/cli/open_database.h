#ifndef BILLFLOW_CLI_OPEN_DATABASE_H_
#define BILLFLOW_CLI_OPEN_DATABASE_H_

#include <memory>

#include "cli/config.h"
#include "core/result.h"
#include "sinks/database.h"

namespace billflow {

// Opens the backend named by config.db_url (sqlite:PATH, mysql://…, data-api://…) and brings
// its schema up to date. A malformed URL is kInvalidArgument (exit 2).
[[nodiscard]] Result<std::unique_ptr<Database>> OpenDatabase(const Config& config);

}  // namespace billflow

#endif  // BILLFLOW_CLI_OPEN_DATABASE_H_
