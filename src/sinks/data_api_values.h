#ifndef BILLFLOW_SINKS_DATA_API_VALUES_H_
#define BILLFLOW_SINKS_DATA_API_VALUES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aws/data_api_client.h"
#include "core/decimal.h"
#include "core/result.h"
#include "sinks/ledger_sql.h"

namespace billflow::data_api {

// How DataApiSink binds parameters and reads answers.

SqlParameter Long(const char* name, std::int64_t value);
SqlParameter Text(std::string name, std::string_view value);
// An empty value is bound as NULL (no profile, default settings, no retry fields): TextOrNull
// (sinks/column_values.h) as a named parameter.
SqlParameter OptionalText(const char* name, std::string_view value);
// A DECIMAL-hinted string in canonical form.
SqlParameter Dec(const char* name, const Decimal& value);

// A longValue, or a stringValue holding an integer; 0 otherwise.
std::int64_t AsLong(const SqlValue& value);
// A longValue, or a stringValue that is an integer and nothing else; nullopt otherwise (for an
// answer that must be checked: a lookup's line numbers).
std::optional<std::int64_t> AsExactLong(const SqlValue& value);
// A stringValue, longValue (as decimal text) or blobValue (its bytes); "" otherwise.
std::string AsText(const SqlValue& value);
// A value of an answer as FileLedger's hooks give it: NULL as nullopt, numbers as decimal
// text, blobs as their bytes.
TextCell AsCell(const SqlValue& value);
// `args` as the parameters :p1… (RewritePlaceholders' kColonNamed), dates and decimals with
// their type hints.
SqlParameterSet Parameters(std::span<const SqlArg> args);
// A record must have the columns its SELECT names: a shorter one is kInvalidData naming
// `what`, never skipped.
[[nodiscard]] Status CheckColumns(const std::vector<SqlValue>& record, std::size_t columns,
                                  const std::string& what);
// `error` with "WHAT: " in front of its message.
Error Named(Error error, const std::string& what);

}  // namespace billflow::data_api

#endif  // BILLFLOW_SINKS_DATA_API_VALUES_H_
