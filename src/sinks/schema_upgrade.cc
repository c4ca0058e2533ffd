#include "sinks/schema_upgrade.h"

namespace billflow {

Status UpgradeColumns(std::span<const AddedColumn> columns, int from_version,
                      const SchemaUpgradeOps& ops) {
  for (const AddedColumn& added : columns) {
    if (added.version <= from_version) continue;
    Result<bool> present = ops.has_column(added.table, added.column);
    if (!present) return tl::unexpected(present.error());
    if (*present) continue;
    const std::string sql = std::string("ALTER TABLE ") + added.table + " ADD COLUMN " +
                            added.column + " " + added.definition;
    Status altered = ops.exec(sql);
    if (altered) continue;
    // Without a schema lock (the Data API) another migration may have added it meanwhile.
    Result<bool> now = ops.has_column(added.table, added.column);
    if (now && *now) continue;
    return altered;
  }
  return Ok();
}

}  // namespace billflow
