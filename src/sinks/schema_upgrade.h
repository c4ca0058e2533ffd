#ifndef BILLFLOW_SINKS_SCHEMA_UPGRADE_H_
#define BILLFLOW_SINKS_SCHEMA_UPGRADE_H_

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace billflow {

// A column that schema version `version` added to an existing table; `definition` is the
// column's type (and default) in one dialect: "TEXT", "VARCHAR(255)", "DATE".
struct AddedColumn {
  int version;
  const char* table;
  const char* column;
  const char* definition;
};

// What UpgradeColumns needs from a dialect: whether `table` has `column` now, and running one
// DDL statement.
struct SchemaUpgradeOps {
  std::function<Result<bool>(std::string_view table, std::string_view column)> has_column;
  std::function<Status(const std::string& sql)> exec;
};

// Adds every column of `columns` whose version is after `from_version` and that the table
// lacks, one `ALTER TABLE t ADD COLUMN c definition` each. Idempotent: running it again, or
// after a half-finished earlier run (DDL commits on its own in MySQL), adds only what is
// missing; a column that a concurrent migration added first is not an error.
[[nodiscard]] Status UpgradeColumns(std::span<const AddedColumn> columns, int from_version,
                                    const SchemaUpgradeOps& ops);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_SCHEMA_UPGRADE_H_
