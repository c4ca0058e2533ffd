#include "sources/input_name.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(InputNameTest, CsvInputSuffixAsSpelledInTheName) {
  EXPECT_EQ(CsvInputSuffix("in/bills.csv"), ".csv");
  EXPECT_EQ(CsvInputSuffix("BILLS.CSV"), ".CSV");
  EXPECT_EQ(CsvInputSuffix("bills.Csv.Gz"), ".Csv.Gz");
  for (const char* name : {"bills.txt", "bills.gz", "bills.csv.zip", "csv", ""}) {
    EXPECT_EQ(CsvInputSuffix(name), "") << name;
  }
}

TEST(InputNameTest, GzipByNameIgnoresCase) {
  EXPECT_TRUE(IsGzipName("a.csv.gz"));
  EXPECT_TRUE(IsGzipName("A.CSV.GZ"));
  EXPECT_FALSE(IsGzipName("a.csv"));
  EXPECT_FALSE(IsGzipName("gz"));
}

}  // namespace
}  // namespace billflow
