#ifndef BILLFLOW_CLI_OPEN_DATABASE_H_
#define BILLFLOW_CLI_OPEN_DATABASE_H_

#include <memory>

#include "cli/config.h"
#include "core/result.h"
#include "pipeline/retrying_ingest.h"
#include "sinks/database.h"

namespace billflow {

// Checks config.db_url (sqlite:PATH, mysql://…, postgres://…, data-api://…) and returns a factory
// that opens a fresh connection, the first one with the schema brought up to date (migrated);
// the retry loop calls it again after a lost connection, and those later connections (of the
// factory or its copies) do not migrate again. A malformed URL is kInvalidArgument (exit 2);
// nothing is connected until the factory is called.
[[nodiscard]] Result<DatabaseFactory> MakeDatabaseFactory(const Config& config);

// MakeDatabaseFactory, then one connection.
[[nodiscard]] Result<std::unique_ptr<Database>> OpenDatabase(const Config& config);

}  // namespace billflow

#endif  // BILLFLOW_CLI_OPEN_DATABASE_H_
