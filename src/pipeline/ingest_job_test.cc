#include "pipeline/ingest_job.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "sources/memory_source.h"

namespace billflow {
namespace {

// Records what the job asked of it; commits into `ledger`.
class FakeSink : public RecordSink {
 public:
  Status Migrate() override { return Ok(); }
  Result<std::optional<LedgerEntry>> FindFile(const std::string& source) override {
    auto it = ledger.find(source);
    if (it == ledger.end()) return std::optional<LedgerEntry>{};
    return std::optional<LedgerEntry>{it->second};
  }
  Result<BeginOutcome> BeginFile(const FileIdentity&) override {
    open = true;
    rows.clear();
    company_names.clear();
    reject_raws.clear();
    rejects.clear();
    return BeginOutcome::kProceed;
  }
  Status AddRow(const BillingRecord& row) override {
    rows.push_back(std::string(row.id) + "=" + row.bill_amount_usd.ToString());
    company_names.emplace_back(row.company_name);
    return Ok();
  }
  Status AddReject(const RejectedRow& reject) override {
    rejects.push_back(std::to_string(reject.line_number) + ": " + std::string(reject.reason));
    reject_raws.emplace_back(reject.raw_line);
    return Ok();
  }
  Result<CommitResult> CommitFile(const FileIdentity& file, const LoadTally& tally) override {
    open = false;
    ++commits;
    ledger[file.source] = LedgerEntry{
        1, LedgerStatus::kLoaded, file.content_sha256, file.size_bytes, "", file.settings_sha256};
    return CommitResult{CommitOutcome::kLoaded, tally};
  }
  void RollbackFile() noexcept override {
    open = false;
    ++rollbacks;
  }
  Status RecordFailure(const FileIdentity&, const std::string&) override { return Ok(); }

  bool open = false;
  int commits = 0;
  int rollbacks = 0;
  std::vector<std::string> rows;
  std::vector<std::string> rejects;
  std::vector<std::string> reject_raws;
  std::vector<std::string> company_names;
  std::map<std::string, LedgerEntry> ledger;
};

constexpr char kHeader[] =
    "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";

class IngestJobTest : public ::testing::Test {
 protected:
  IngestSummary Run(const std::string& body, IngestOptions options = {}) {
    MemorySource source(body);
    IngestJob job(rates_, std::move(options));
    return job.Run(source, &sink_);
  }
  IngestSummary RunWithEur(const std::string& body, IngestOptions options = {}) {
    (void)rates_.Add({"EUR", CivilDate{2025, 1, 1}, Decimal(108, 2), "test"});
    MemorySource source(body);
    IngestJob job(rates_, std::move(options));
    return job.Run(source, &sink_);
  }
  FxRateTable rates_ = FxRateTable::Default();
  FakeSink sink_;
};

TEST_F(IngestJobTest, GoodRowsLoadAndBadRowsAreRejectedWithLineAndReason) {
  const auto summary = Run(std::string(kHeader) +
                           "1,A,US,X,P,I,2023-05-01,USD,10.005\n"
                           "2,B,CA,Y,P,I,2023-05-02,CAD,100\n"
                           "3,C,MX,Z,P,I,2023-05-03,ABC,5\n"
                           "4,D,MX,Z,P,I\n");
  EXPECT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(sink_.rows, (std::vector<std::string>{"1=10.00", "2=79.00"}));
  EXPECT_EQ(sink_.rejects, (std::vector<std::string>{"4: currency \"ABC\" is not an ISO 4217 code",
                                                     "5: expected 9 fields, found 6"}));
  EXPECT_EQ(summary.tally.rows_read, 4u);
  EXPECT_EQ(summary.tally.rows_loaded, 2u);
  EXPECT_EQ(summary.tally.rows_rejected, 2u);
  EXPECT_EQ(summary.tally.usd_total.ToString(), "89.00");
  EXPECT_EQ(sink_.commits, 1);
}

TEST_F(IngestJobTest, LoadedFileCarriesNoErrorCodeAndAFailedOneItsOwn) {
  // A success used to carry kInternal, which reads as "a bug happened".
  const auto loaded = Run(std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,10\n");
  EXPECT_EQ(loaded.status, FileStatus::kLoaded) << loaded.error;
  EXPECT_EQ(loaded.error_code, std::nullopt);
  EXPECT_FALSE(loaded.FailedRetryably());
  const auto failed = Run("id,company_name\n1,A\n");
  EXPECT_EQ(failed.status, FileStatus::kFailed);
  EXPECT_EQ(failed.error_code, ErrorCode::kInvalidData);
}

TEST_F(IngestJobTest, MissingColumnFailsTheFileAndRollsBack) {
  const auto summary = Run("id,company_name\n1,A\n");
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error,
            "bills.csv:1: header is missing required column(s): country, city, product_line, "
            "item, bill_date, currency, bill_amount");
  EXPECT_EQ(sink_.rollbacks, 1);
  EXPECT_EQ(sink_.commits, 0);
}

TEST_F(IngestJobTest, EmptyFileFails) {
  const auto summary = Run("");
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error, "bills.csv: file is empty (no header line)");
}

TEST_F(IngestJobTest, TooManyRejectsRollsTheFileBack) {
  IngestOptions options;
  options.max_rejects = 1;
  const auto summary =
      Run(std::string(kHeader) + "1,A,US,X,P,I,bad,USD,1\n2,A,US,X,P,I,bad,USD,1\n", options);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error,
            "bills.csv: more than 1 rows rejected (--max-rejects); nothing of the file was loaded");
  EXPECT_EQ(sink_.rollbacks, 1);
  EXPECT_EQ(sink_.commits, 0);
}

TEST_F(IngestJobTest, SameContentAgainIsSkippedBeforeParsing) {
  const std::string body = std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n";
  ASSERT_EQ(Run(body).status, FileStatus::kLoaded);
  const auto again = Run(body);
  EXPECT_EQ(again.status, FileStatus::kUnchanged);
  EXPECT_EQ(sink_.commits, 1);
}

// The ledger keys a file's settings by what was in effect after detection: stating what
// detection would find changes nothing; a changed setting makes the same bytes a new version.
TEST_F(IngestJobTest, SameBytesAndSettingsAreUnchangedWhenDetectionIsStated) {
  std::string body = std::string(kHeader) + "1;A;US;X;P;I;01.06.2025;USD;1,5\n";
  std::replace(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(sizeof kHeader - 1), ',',
               ';');
  IngestOptions stated;
  stated.dialect.decimal_separator = ',';
  stated.dialect.date_formats = {"%d.%m.%Y"};
  const auto first = Run(body, stated);
  ASSERT_EQ(first.status, FileStatus::kLoaded) << first.error;
  EXPECT_EQ(sink_.rows, (std::vector<std::string>{"1=1.50"}));
  EXPECT_EQ(first.settings_sha256.size(), 64U);
  const auto again = Run(body, stated);
  EXPECT_EQ(again.status, FileStatus::kUnchanged);
  EXPECT_EQ(again.settings_sha256, first.settings_sha256);
  stated.dialect.encoding = "utf-8";  // what detection found
  stated.dialect.delimiter = ';';
  const auto spelled_out = Run(body, stated);
  EXPECT_EQ(spelled_out.status, FileStatus::kUnchanged);
  EXPECT_EQ(spelled_out.settings_sha256, first.settings_sha256);
  EXPECT_EQ(sink_.commits, 1);
}

TEST_F(IngestJobTest, SameBytesUnderAChangedSettingAreLoadedAgain) {
  const std::string body = std::string(kHeader) + "1,A,US,X,P,I,06/01/2025,USD,1\n";
  IngestOptions day_first;
  day_first.dialect.date_formats = {"%d/%m/%Y"};
  const auto first = Run(body, day_first);
  ASSERT_EQ(first.status, FileStatus::kLoaded) << first.error;
  IngestOptions month_first;
  month_first.dialect.date_formats = {"%m/%d/%Y"};
  const auto fixed = Run(body, month_first);
  EXPECT_EQ(fixed.status, FileStatus::kLoaded) << fixed.error;  // the fake never says replaced
  EXPECT_NE(fixed.settings_sha256, first.settings_sha256);
  EXPECT_EQ(sink_.commits, 2);
}

TEST_F(IngestJobTest, ContractDialectDetectedOrStatedHashesAsEmpty) {
  const std::string body = std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n";
  EXPECT_EQ(Run(body).settings_sha256, "");
  IngestOptions stated;
  stated.dialect.encoding = "utf-8";
  stated.dialect.delimiter = ',';
  const auto again = Run(body, stated);
  EXPECT_EQ(again.status, FileStatus::kUnchanged);
  EXPECT_EQ(again.settings_sha256, "");
}

TEST_F(IngestJobTest, StopRequestRollsBack) {
  std::string body = kHeader;
  for (int i = 0; i < 5000; ++i) body += std::to_string(i) + ",A,US,X,P,I,2023-05-01,USD,1\n";
  IngestOptions options;
  options.should_stop = [] { return true; };
  const auto summary = Run(body, options);
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error_code, ErrorCode::kCancelled);
  EXPECT_EQ(sink_.commits, 0);
  EXPECT_EQ(sink_.rollbacks, 1);
}

TEST_F(IngestJobTest, DryRunWritesNothing) {
  MemorySource source(std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,2.5\n");
  IngestJob job(rates_, {});
  const auto summary = job.Run(source, nullptr);
  EXPECT_EQ(summary.status, FileStatus::kChecked);
  EXPECT_EQ(summary.tally.usd_total.ToString(), "2.50");
}

// A German export: windows-1252, ';', decimal comma with '.' thousands, dd.mm.yyyy dates,
// German column names, no country column.
TEST_F(IngestJobTest, GermanWindows1252FileThroughADialect) {
  IngestOptions options;
  options.dialect.encoding = "windows-1252";
  options.dialect.decimal_separator = ',';
  options.dialect.thousands_separator = ".";
  options.dialect.date_formats = {"%d.%m.%Y"};
  options.dialect.columns = {
      {"Rechnungsnr", "id"},          {"Firma", "company_name"}, {"Ort", "city"},
      {"Sparte", "product_line"},     {"Artikel", "item"},       {"Datum", "bill_date"},
      {"W\xC3\xA4hrung", "currency"}, {"Betrag", "bill_amount"}};
  options.dialect.defaults = {{"country", "DE"}};
  const std::string body =
      "Rechnungsnr;Firma;Ort;Sparte;Artikel;Datum;W\xE4hrung;Betrag\r\n"
      "1;B\xE4"
      "ckerei M\xFCller;K\xF6ln;Bakery;Br\xF6tchen;01.06.2025;EUR;1.234,56\r\n"
      "2;Caf\xE9 Ol\xE9;M\xFCnchen;Bakery;Kuchen;2.6.2025;EUR;-0,5\r\n"
      "3;Bad;Bonn;Bakery;Brot;03.06.2025;EUR;1.23.4,5\r\n";
  const auto summary = RunWithEur(body, options);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(summary.delimiter, ';');
  EXPECT_EQ(summary.encoding, "windows-1252");
  EXPECT_EQ(sink_.rows, (std::vector<std::string>{"1=1333.32", "2=-0.54"}));
  EXPECT_EQ(sink_.rejects,
            (std::vector<std::string>{
                "4: bill_amount \"1.23.4,5\" has a thousands separator out of place"}));
  // The reject keeps the file's own bytes, not their UTF-8 reading.
  EXPECT_EQ(sink_.reject_raws,
            (std::vector<std::string>{"3;Bad;Bonn;Bakery;Brot;03.06.2025;EUR;1.23.4,5"}));
  EXPECT_EQ(summary.tally.usd_total.ToString(), "1332.78");
}

TEST_F(IngestJobTest, TextIsStoredAsUtf8WhateverTheEncoding) {
  IngestOptions options;
  options.dialect.encoding = "iso-8859-1";
  const auto summary = Run(std::string(kHeader) + "1,Caf\xE9,US,X,P,I,2023-05-01,USD,1\n", options);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(sink_.company_names, (std::vector<std::string>{"Caf\xC3\xA9"}));
}

std::string Utf16Le(std::string_view text) {
  std::string out = "\xFF\xFE";
  for (char c : text) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

// Excel's "Unicode Text": UTF-16LE with a BOM, tabs, US dates.
TEST_F(IngestJobTest, ExcelUtf16TabExportWithUsDates) {
  IngestOptions options;
  options.dialect.date_formats = {"%m/%d/%Y"};
  const auto summary = Run(Utf16Le("ID\tCompany Name\tCountry\tCity\tProduct Line\tItem\tBill "
                                   "Date\tCurrency\tBill Amount\r\n"
                                   "1\tA\tUS\tX\tP\tI\t6/2/2025\tUSD\t12.50\r\n"
                                   "2\tB\tUS\tX\tP\tI\t2025-06-02\tUSD\t1\r\n"),
                           options);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(summary.encoding, "utf-16le");
  EXPECT_EQ(summary.delimiter, '\t');
  EXPECT_EQ(sink_.rows, (std::vector<std::string>{"1=12.50"}));
  EXPECT_EQ(sink_.rejects,
            (std::vector<std::string>{
                "3: bill_date \"2025-06-02\" matches none of date_formats %m/%d/%Y"}));
  EXPECT_EQ(sink_.reject_raws[0], Utf16Le("2\tB\tUS\tX\tP\tI\t2025-06-02\tUSD\t1").substr(2));
}

TEST_F(IngestJobTest, SemicolonAndPipeFilesLoadWithoutSettings) {
  for (const char delimiter : {';', '|'}) {
    std::string body = kHeader;
    std::replace(body.begin(), body.end(), ',', delimiter);
    body += std::string("1") + delimiter + "A" + delimiter + "US" + delimiter + "X" + delimiter +
            "P" + delimiter + "I" + delimiter + "2023-05-01" + delimiter + "USD" + delimiter +
            "1,5\n";
    const auto summary = Run(body);
    ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
    EXPECT_EQ(summary.delimiter, delimiter);
    EXPECT_EQ(sink_.rejects,
              (std::vector<std::string>{"2: bill_amount \"1,5\" is not a decimal number; set "
                                        "decimal_separator or thousands_separator"}));
  }
}

TEST_F(IngestJobTest, TitleRowsAreSkippedAndLinesStayPhysical) {
  IngestOptions options;
  options.dialect.skip_lines = 2;
  const auto summary = Run(
      "Billing export\n\"June, 2025\"\n" + std::string(kHeader) + "1,A,US,X,P,I,01/02/2025,USD,1\n",
      options);
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(sink_.rejects, (std::vector<std::string>{
                               "4: bill_date \"01/02/2025\" is not YYYY-MM-DD; set date_formats"}));
}

TEST_F(IngestJobTest, Utf16WithoutBomSaysWhichSettingToUse) {
  const auto summary = Run(Utf16Le(kHeader).substr(2));
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error,
            "bills.csv: looks like UTF-16 without a BOM; set encoding (\"utf-16le\", --encoding "
            "utf-16le)");
}

TEST_F(IngestJobTest, Latin1BytesReadAsUtf8GetOneWarningNamingTheEncoding) {
  const auto summary = Run(std::string(kHeader) + "1,Caf\xE9 Ol\xE9,US,X,P,I,2023-05-01,USD,1\n" +
                           "2,B\xE4"
                           "cker,US,X,P,I,2023-05-01,USD,1\n");
  ASSERT_EQ(summary.status, FileStatus::kLoaded) << summary.error;
  EXPECT_EQ(sink_.rejects, (std::vector<std::string>{"2: company_name is not valid UTF-8",
                                                     "3: company_name is not valid UTF-8"}));
  EXPECT_EQ(summary.warnings,
            (std::vector<std::string>{
                "bills.csv: 2 row(s) rejected as not valid UTF-8; the file is likely "
                "windows-1252 or iso-8859-1: set encoding (--encoding windows-1252)"}));
}

TEST_F(IngestJobTest, UnrecognisableHeaderListsTheDelimitersTried) {
  const auto summary = Run("a;b\n1;2\n");
  EXPECT_EQ(summary.status, FileStatus::kFailed);
  EXPECT_EQ(summary.error,
            "bills.csv:1: header is missing required column(s): id, company_name, country, city, "
            "product_line, item, bill_date, currency, bill_amount (tried delimiters \",\" \";\" "
            "tab \"|\": \",\" maps 0, \";\" maps 0, tab maps 0, \"|\" maps 0 of 9 columns); set "
            "delimiter or columns");
}

TEST_F(IngestJobTest, FailedRateLoadFailsTheFileWithoutRejectingItsRows) {
  bool down = true;
  const FxRateTable rates = FxRateTable::LoadingEach(
      [&](std::string_view, const RateWindow&) -> Result<std::vector<FxRate>> {
        if (down) return Fail(ErrorCode::kUnavailable, "db: connection lost");
        return std::vector<FxRate>{{"CAD", {2020, 1, 1}, Decimal(75, 2), "r.csv"}};
      });
  const std::string body = std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,10\n" +
                           "2,A,CA,X,P,I,2023-05-01,CAD,10\n";
  IngestJob job(rates, {});
  MemorySource source(body);
  const IngestSummary failed = job.Run(source, &sink_);
  EXPECT_EQ(failed.status, FileStatus::kFailed);
  EXPECT_EQ(failed.error_code, ErrorCode::kUnavailable);
  EXPECT_EQ(failed.error, "db: connection lost");
  EXPECT_TRUE(sink_.rejects.empty());
  EXPECT_EQ(sink_.commits, 0);
  EXPECT_EQ(sink_.rollbacks, 1);
  // The next run (a retry) asks again.
  down = false;
  MemorySource again(body);
  const IngestSummary loaded = job.Run(again, &sink_);
  ASSERT_EQ(loaded.status, FileStatus::kLoaded) << loaded.error;
  EXPECT_EQ(sink_.rows, (std::vector<std::string>{"1=10.00", "2=7.50"}));
}

}  // namespace
}  // namespace billflow
