#include "sinks/pg_copy_binary.h"

#include <gtest/gtest.h>

#include <string>

#include "sinks/hex_for_tests.h"

namespace billflow {
namespace {

using testing::Grouped;
using testing::Hex;

std::string Numeric(__int128 units, int scale) {
  char field[kPgNumericMaxBytes];
  char* end = PutPgNumeric(Decimal(units, scale), field);
  return Hex(std::string(field, end));
}

// As the server's numeric_send writes them (SELECT numeric_send(-105.0000)), after the field's
// length: ndigits, weight, sign, dscale, then the base-10000 digits.
TEST(PgCopyBinaryTest, NumericIsBase10000DigitsAroundTheDecimalPoint) {
  EXPECT_EQ(Numeric(-1050000, 4), Grouped("0000000a 0001 0000 4000 0004 0069"));
  EXPECT_EQ(Numeric(79, 2), Grouped("0000000a 0001 ffff 0000 0002 1edc"));
  EXPECT_EQ(Numeric(1234567890123, 4), Grouped("00000010 0004 0002 0000 0004 0001 0929 1a85 007b"));
  EXPECT_EQ(Numeric(12345, 10), Grouped("0000000c 0002 fffe 0000 000a 007b 1194"));
  EXPECT_EQ(Numeric(10000, 0), Grouped("0000000a 0001 0001 0000 0000 0001"));
}

TEST(PgCopyBinaryTest, ZeroHasNoDigitsAndKeepsItsScale) {
  EXPECT_EQ(Numeric(0, 2), Grouped("00000008 0000 0000 0000 0002"));
  EXPECT_EQ(Numeric(0, 0), Grouped("00000008 0000 0000 0000 0000"));
}

TEST(PgCopyBinaryTest, DateCountsDaysFrom2000) {
  char fields[3 * kPgDateBytes];
  char* at = PutPgDate(CivilDate{2000, 1, 1}, fields);
  at = PutPgDate(CivilDate{1970, 1, 1}, at);
  at = PutPgDate(CivilDate{2023, 5, 1}, at);
  EXPECT_EQ(Hex(std::string(fields, at)),
            Grouped("00000004 00000000 00000004 ffffd533 00000004 00002149"));
}

TEST(PgCopyBinaryTest, TextAndBigintCarryTheirLength) {
  char fields[kPgTupleStartBytes + 4 + 3 + kPgInt8Bytes];
  char* at = PutPgTupleStart(2, fields);
  at = PutPgText("a\tb", at);
  at = PutPgInt8(-2, at);
  EXPECT_EQ(at, fields + sizeof fields);
  EXPECT_EQ(Hex(std::string(fields, at)),
            Grouped("0002 00000003 610962 00000008 fffffffffffffffe"));
}

}  // namespace
}  // namespace billflow
