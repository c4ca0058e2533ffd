// Sink contract cases about the read paths (FileLedger's shared reads): a stored value that
// does not decode is an error naming the database, the table, the column and the value, on
// every backend — never a skipped row, a zero or an empty string. Instantiated on every
// backend with the rest of the suite (sink_contract_test.cc).
#include <gtest/gtest.h>

#include "sink_contract_fixture.h"

namespace billflow::contract {
namespace {

// A NULL of the column's own type, on every dialect.
std::string NullOf(const std::string& column) { return "CASE WHEN 1 = 0 THEN " + column + " END"; }

TEST_P(SinkContractTest, FilesReadFailsOnAStoredCountThatIsNotANumber) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + Row("1", "10.5")).status, FileStatus::kLoaded);
  ASSERT_TRUE(db_->CorruptColumn("billing_files",
                                 "file_id, source, status, rows_read, rows_loaded, "
                                 "rows_rejected, usd_total, finished_at, error",
                                 "rows_read", "'many'"));
  auto files = sink_->Files();
  ASSERT_FALSE(files) << files->size() << " files";
  EXPECT_EQ(files.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(files.error().message,
            db_->Label() + ": billing_files.rows_read \"many\" is not a count");
}

TEST_P(SinkContractTest, FilesReadFailsOnAStoredTotalThatIsNotADecimal) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + Row("1", "10.5")).status, FileStatus::kLoaded);
  ASSERT_TRUE(db_->CorruptColumn("billing_files",
                                 "file_id, source, status, rows_read, rows_loaded, "
                                 "rows_rejected, usd_total, finished_at, error",
                                 "usd_total", "'ten'"));
  auto files = sink_->Files();
  ASSERT_FALSE(files) << files->size() << " files";
  EXPECT_EQ(files.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(
      files.error().message,
      db_->Label() + ": billing_files.usd_total \"ten\" is not a decimal of 2 fractional digits");
}

TEST_P(SinkContractTest, TotalsReadFailsOnANullSumInsteadOfReadingZero) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + Row("1", "10.5")).status, FileStatus::kLoaded);
  ASSERT_TRUE(db_->CorruptColumn("billing_data",
                                 "file_id, company_name, country, product_line, bill_date, "
                                 "currency, bill_amount, bill_amount_usd",
                                 "bill_amount", NullOf("bill_amount")));
  auto totals = sink_->Totals(GroupBy::kCurrency);
  ASSERT_FALSE(totals) << totals->size() << " totals";
  EXPECT_EQ(totals.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(totals.error().message, db_->Label() + ": billing_data.sum_bill_amount is NULL");
}

TEST_P(SinkContractTest, RejectsReadFailsOnANullReasonInsteadOfReadingEmptyText) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + Row("1", "10.5") + Row("2", "ten")).status,
            FileStatus::kLoaded);
  ASSERT_TRUE(db_->CorruptColumn("billing_rejects", "file_id, line_number, reason, raw_line",
                                 "reason", NullOf("reason")));
  auto rejects = sink_->Rejects(std::nullopt);
  ASSERT_FALSE(rejects) << rejects->size() << " rejects";
  EXPECT_EQ(rejects.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(rejects.error().message, db_->Label() + ": billing_rejects.reason is NULL");
}

TEST_P(SinkContractTest, RejectsReadFailsOnAStoredLineNumberThatIsNotACount) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + Row("1", "10.5") + Row("2", "ten")).status,
            FileStatus::kLoaded);
  ASSERT_TRUE(db_->CorruptColumn("billing_rejects", "file_id, line_number, reason, raw_line",
                                 "line_number", "-3"));
  auto rejects = sink_->Rejects(std::nullopt);
  ASSERT_FALSE(rejects) << rejects->size() << " rejects";
  EXPECT_EQ(rejects.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(rejects.error().message,
            db_->Label() + ": billing_rejects.line_number \"-3\" is not a count");
}

TEST_P(SinkContractTest, ReadsReturnEveryRowWithNullableColumnsAsEmptyText) {
  ASSERT_EQ(Load("a.csv", std::string(kHeader) + Row("1", "10.5") + Row("2", "ten")).status,
            FileStatus::kLoaded);
  std::vector<StoredFile> files = Files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].status, "loaded");
  EXPECT_EQ(files[0].rows_read, 2u);
  EXPECT_EQ(files[0].rows_loaded, 1u);
  EXPECT_EQ(files[0].rows_rejected, 1u);
  EXPECT_EQ(files[0].usd_total, "10.50");
  EXPECT_EQ(files[0].error, "");
  EXPECT_EQ(files[0].finished_at.size(), 24u) << files[0].finished_at;
  EXPECT_EQ(files[0].finished_at.back(), 'Z') << files[0].finished_at;
  std::vector<StoredReject> rejects = Rejects();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].source, Source("a.csv"));
  EXPECT_EQ(rejects[0].line_number, 3u);
  EXPECT_EQ(rejects[0].raw_line, "2,A,US,X,P,I,2023-05-01,USD,ten");
  auto one = sink_->Rejects(Source("a.csv"));
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->size(), 1u);
  auto none = sink_->Rejects(Source("b.csv"));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace billflow::contract
