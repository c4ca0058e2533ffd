#include "sinks/bulk_row_batch.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

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
// kBulkBatchColumns.
TEST(BulkRowBatchTest, CopyTextIsTsvAfterTheFileId) {
  BulkRowBatch batch(BulkRowBatch::Encoding::kCopyText);
  BillingRecord row = Record();
  (void)ParseCivilDate("2023-04-28", &row.fx_rate_date);
  batch.Add(row, 42);
  EXPECT_EQ(batch.data(),
            "42\ta\\tb\t12\tO'Brien \\\\ \"Co\"\\nLtd\tUS\tZürich\tP\tI\t2023-05-01\tUSD\t"
            "-105.0000\t0.79\t-82.95\t2023-04-28\trates\\tfile\n");
}

}  // namespace
}  // namespace billflow
