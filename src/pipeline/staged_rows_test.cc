#include "pipeline/staged_rows.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sources/memory_source.h"

namespace billflow {
namespace {

constexpr char kHeader[] =
    "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";

struct Seen {
  std::vector<std::string> lines;  // "line: id=usd" or "line: reject"
  std::size_t batches = 0;
  Status end;
};

// Runs StagedRows over `csv` with tiny batches so records cross every batch boundary.
Seen Stage(const std::string& csv, StagedRowsOptions options) {
  const FxRateTable rates = FxRateTable::Default();
  const RowValidator validator(rates, ValidatorOptions{});
  MemorySource source(csv, MemorySource::Options{.chunk_bytes = 7});
  CsvReader reader(&source, CsvOptions{});
  CsvRecord first;
  EXPECT_TRUE(*reader.Next(&first));
  auto header = HeaderMap::FromHeader(first.fields);
  EXPECT_TRUE(header);
  Seen seen;
  StagedRows staged(reader, *header, validator, options);
  while (auto batch = staged.Next()) {
    ++seen.batches;
    for (const StagedRecord& record : batch->records()) {
      std::string line = std::to_string(record.line_number) + ": ";
      if (record.valid) {
        line += std::string(record.row.id) + "=" + record.row.bill_amount_usd.ToString() + " [" +
                std::string(record.row.item) + "]";
        EXPECT_EQ(record.row.raw_line, record.raw);
      } else {
        line += "reject";
      }
      seen.lines.push_back(line);
    }
    if (batch->last) seen.end = batch->end;
    staged.Recycle(std::move(batch));
  }
  return seen;
}

TEST(StagedRowsTest, KeepsFileOrderAcrossBatchesWithQuotedAndLargeFields) {
  std::string csv = kHeader;
  std::vector<std::string> want;
  const std::string big_item(250, 'x');  // with the rest of its row, larger than a batch's arena
  for (int i = 1; i <= 40; ++i) {
    const std::string item = i % 7 == 0   ? big_item
                             : i % 3 == 0 ? "\"Sandwich \"\"Club\"\"\""
                                          : "Milk";
    const std::string shown = i % 7 == 0 ? big_item : i % 3 == 0 ? "Sandwich \"Club\"" : "Milk";
    if (i % 10 == 5) {
      csv += std::to_string(i) + ",Co,US,Miami,Deli," + item + ",2023-02-30,USD,1.00\n";
      want.push_back(std::to_string(i + 1) + ": reject");
    } else {
      csv += std::to_string(i) + ",Co,US,Miami,Deli," + item + ",2023-02-03,USD," +
             std::to_string(i) + ".50\n";
      want.push_back(std::to_string(i + 1) + ": " + std::to_string(i) + "=" + std::to_string(i) +
                     ".50 [" + shown + "]");
    }
  }
  const Seen seen =
      Stage(csv, StagedRowsOptions{.batches = 2, .batch_bytes = 256, .batch_records = 3});
  EXPECT_EQ(seen.lines, want);
  EXPECT_GE(seen.batches, 14u);
  EXPECT_TRUE(seen.end);
}

TEST(StagedRowsTest, WrongFieldCountAndBadCsvAreLeftUnvalidated) {
  const std::string csv = std::string(kHeader) + "1,Co,US,Miami,Deli,Milk,2023-02-03,USD\n" +
                          "2,Co,US,Miami,Deli,\"Milk\"x,2023-02-03,USD,1\n" +
                          "3,Co,US,Miami,Deli,Milk,2023-02-03,USD,1\n";
  const Seen seen = Stage(csv, StagedRowsOptions{});
  EXPECT_EQ(seen.lines, (std::vector<std::string>{"2: reject", "3: reject", "4: 3=1.00 [Milk]"}));
}

TEST(StagedRowsTest, StopEndsEarlyWithoutHandingOutMore) {
  std::string csv = kHeader;
  for (int i = 1; i <= 5000; ++i)
    csv += std::to_string(i) + ",Co,US,Miami,Deli,Milk,2023-02-03,USD,1\n";
  const FxRateTable rates = FxRateTable::Default();
  const RowValidator validator(rates, ValidatorOptions{});
  MemorySource source(csv);
  CsvReader reader(&source, CsvOptions{});
  CsvRecord first;
  ASSERT_TRUE(*reader.Next(&first));
  auto header = HeaderMap::FromHeader(first.fields);
  ASSERT_TRUE(header);
  StagedRows staged(reader, *header, validator,
                    StagedRowsOptions{.batches = 2, .batch_bytes = 4096, .batch_records = 16});
  auto batch = staged.Next();
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(batch->records().front().line_number, 2u);
  staged.Stop();
  EXPECT_EQ(staged.Next(), nullptr);
}

}  // namespace
}  // namespace billflow
