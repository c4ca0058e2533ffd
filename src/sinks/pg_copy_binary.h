#ifndef BILLFLOW_SINKS_PG_COPY_BINARY_H_
#define BILLFLOW_SINKS_PG_COPY_BINARY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/civil_date.h"
#include "core/decimal.h"

namespace billflow {

// PostgreSQL's binary COPY format (`COPY … FROM STDIN WITH (FORMAT binary)`): the header, then
// per row an int16 field count and each field as an int32 byte length and the value in its
// type's binary ("send") form, then the trailer. Every integer is big-endian. Each Put*
// function writes one whole field (length and value) at `at`, which must have room for it
// (kPgInt8Bytes, kPgDateBytes, kPgNumericMaxBytes, or 4 + the text's size), and returns the end
// of what it wrote. None fails or allocates.

// Signature, flags 0, no header extension.
inline constexpr std::string_view kPgCopyBinaryHeader{"PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19};
// A field count of -1.
inline constexpr std::string_view kPgCopyBinaryTrailer{"\377\377", 2};

inline constexpr std::size_t kPgTupleStartBytes = 2;
inline constexpr std::size_t kPgInt8Bytes = 4 + 8;
inline constexpr std::size_t kPgDateBytes = 4 + 4;
// A Decimal's 39 digits at scale 18 span 11 base-10000 digits; 16 leave room.
inline constexpr std::size_t kPgNumericMaxBytes = 4 + 8 + 2 * 16;

char* PutPgTupleStart(std::int16_t fields, char* at);
// BIGINT.
char* PutPgInt8(std::int64_t value, char* at);
// TEXT (or any type whose binary form is its bytes, such as BYTEA): `value` as it is.
char* PutPgText(std::string_view value, char* at);
// DATE: days since 2000-01-01.
char* PutPgDate(const CivilDate& date, char* at);
// NUMERIC: base-10000 digits, most significant first, `weight` the power of 10000 of the
// first, display scale value.scale(). The column's typmod then rounds it exactly as it would
// round the value's text.
char* PutPgNumeric(const Decimal& value, char* at);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_PG_COPY_BINARY_H_
