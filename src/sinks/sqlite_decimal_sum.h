#ifndef BILLFLOW_SINKS_SQLITE_DECIMAL_SUM_H_
#define BILLFLOW_SINKS_SQLITE_DECIMAL_SUM_H_

struct sqlite3;

namespace billflow {

// Registers the aggregate billflow_sum(X) on `db`: the exact sum of the decimal texts X (as
// SqliteSink stores them), computed with 128-bit Decimal and returned as canonical text at the
// largest scale seen; NULL for no rows. A value that is not a decimal, or a sum past 128 bits,
// makes the statement fail with a message saying which. Returns SQLite's result code.
int RegisterSqliteDecimalSum(sqlite3* db);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_SQLITE_DECIMAL_SUM_H_
