#include "sinks/bulk_row_batch.h"

#include <gtest/gtest.h>

#include "sinks/hex_for_tests.h"

namespace billflow {
namespace {

using testing::Grouped;
using testing::Hex;

BillingRecord Record() {
  BillingRecord row;
  row.line_number = 12;
  row.id = "a\tb";
  row.company_name = "O'Brien \\ \"Co\"\nLtd";
  row.country = "US";
  row.city = "Zürich";
  row.product_line = "P";
  row.item = "I";
  (void)ParseCivilDate("2023-05-01", &row.bill_date);
  row.currency[0] = 'U';
  row.currency[1] = 'S';
  row.currency[2] = 'D';
  row.bill_amount = Decimal(-1050000, 4);
  row.fx_rate = Decimal(79, 2);
  row.bill_amount_usd = Decimal(-8295, 2);
  row.fx_rate_date = row.bill_date;
  row.fx_rate_source = "rates\tfile";
  row.raw_line = "raw,line";
  return row;
}

TEST(AppendDecimalTest, MatchesToString) {
  for (const Decimal& d : {Decimal(0, 0), Decimal(0, 2), Decimal(5, 2), Decimal(-5, 4),
                           Decimal(123456789, 4), Decimal(-100, 2), Decimal(7, 0)}) {
    std::string out;
    AppendDecimal(d, &out);
    EXPECT_EQ(out, d.ToString());
  }
}

TEST(BulkRowBatchTest, TsvEscapesSeparatorsAndKeepsRawForRejects) {
  BulkRowBatch batch(BulkRowBatch::Encoding::kTsv);
  batch.Add(Record(), 3);
  EXPECT_EQ(batch.data(),
            "a\\tb\t12\tO'Brien \\\\ \"Co\"\\nLtd\tUS\tZürich\tP\tI\t2023-05-01\tUSD\t-105.0000\t"
            "0.79\t-82.95\t2023-05-01\trates\\tfile\n");
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch.id(batch.rows()[0]), "a\tb");
  EXPECT_EQ(batch.raw(batch.rows()[0]), "raw,line");
  EXPECT_EQ(batch.rows()[0].line_number, 12u);
  batch.Clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.bytes(), 0u);
}

TEST(BulkRowBatchTest, SqlValuesQuoteEverything) {
  BulkRowBatch batch(BulkRowBatch::Encoding::kSqlValues);
  batch.Add(Record(), 3);
  batch.Add(Record(), 3);
  const std::string one =
      "(3,'a\tb',12,'O\\'Brien \\\\ \\\"Co\\\"\\nLtd','US','Zürich','P','I','2023-05-01','USD',"
      "-105.0000,0.79,-82.95,'2023-05-01','rates\tfile')";
  EXPECT_EQ(batch.data(), one + "," + one);
}

// PostgreSQL's COPY column lists (postgres_bulk_writer.cc) follow this order: file_id, then
// kBulkBatchColumns. Each field is its length, then its bytes; text goes unescaped.
TEST(BulkRowBatchTest, CopyBinaryIsAWholeStreamAfterEveryRow) {
  BulkRowBatch batch(BulkRowBatch::Encoding::kCopyBinary);
  BillingRecord row = Record();
  (void)ParseCivilDate("2023-04-28", &row.fx_rate_date);
  batch.Add(row, 42);
  const std::string header = Grouped("5047434f50590aff0d0a00 00000000 00000000");
  // 15 fields; file_id 42, id, line 12, company_name.
  const std::string tuple =
      Grouped("000f 00000008 000000000000002a 00000003 610962 00000008 000000000000000c 00000012") +
      Hex("O'Brien \\ \"Co\"\nLtd") +
      // country, city
      Grouped("00000002 5553 00000007") + Hex("Zürich") +
      // product_line, item, 2023-05-01, USD, -105.0000, 0.79, -82.95, 2023-04-28
      Grouped(
          "00000001 50 00000001 49 00000004 00002149 00000003 555344 "
          "0000000a 0001 0000 4000 0004 0069 0000000a 0001 ffff 0000 0002 1edc "
          "0000000c 0002 0000 4000 0002 0052 251c 00000004 00002146") +
      // fx_rate_source
      Grouped("0000000a") + Hex("rates\tfile");
  EXPECT_EQ(Hex(batch.data()), header + tuple + "ffff");
  batch.Add(row, 42);
  EXPECT_EQ(Hex(batch.data()), header + tuple + tuple + "ffff");
  batch.Clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.bytes(), 0U);
}

}  // namespace
}  // namespace billflow
