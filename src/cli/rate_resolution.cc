#include "cli/rate_resolution.h"

#include <fstream>
#include <sstream>

#include "aws/s3_client.h"
#include "cli/aws_context.h"

namespace billflow {

namespace {

constexpr std::size_t kMaxRatesBytes = 64 << 20;

// The text of --rates: a local file or an s3://bucket/key object (at most 64 MiB).
Result<std::string> ReadRatesText(const Config& config) {
  if (config.rates.rfind("s3://", 0) != 0) {
    std::ifstream in(config.rates, std::ios::binary);
    if (!in) return Fail(ErrorCode::kInvalidArgument, "--rates " + config.rates + ": cannot open");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  auto location = ParseS3Uri(config.rates);
  if (!location) return tl::unexpected(location.error());
  AwsContext aws(config);
  auto s3 = aws.S3();
  if (!s3) return tl::unexpected(s3.error());
  std::string text;
  auto got = (*s3)->GetObject(location->bucket, location->key, {},
                              [&text](std::string_view bytes) -> Status {
                                if (text.size() + bytes.size() > kMaxRatesBytes) {
                                  return Fail(ErrorCode::kLimitExceeded, "larger than 64 MiB");
                                }
                                text.append(bytes);
                                return Ok();
                              });
  if (!got) return Fail(got.error().code, "--rates " + config.rates + ": " + got.error().message);
  return text;
}

}  // namespace

Result<FxRateTable> ResolveRates(const Config& config, Database* db) {
  if (!config.rates.empty()) {
    auto text = ReadRatesText(config);
    if (!text) return tl::unexpected(text.error());
    auto table = FxRateTable::ParseCsv(*text, config.rates);
    if (!table) return Fail(ErrorCode::kInvalidArgument, table.error().message);
    if (db != nullptr) BILLFLOW_TRY(db->SaveRates(table->Entries()));
    return table;
  }
  if (db == nullptr) return FxRateTable::Default();
  auto stored = db->LoadRates();
  if (!stored) return tl::unexpected(stored.error());
  if (stored->empty()) {
    FxRateTable table = FxRateTable::Default();
    BILLFLOW_TRY(db->SaveRates(table.Entries()));
    return table;
  }
  FxRateTable table;
  for (FxRate& rate : *stored) {
    if (auto added = table.Add(std::move(rate)); !added) {
      return Fail(ErrorCode::kInvalidData, "fx_rates table: " + added.error().message);
    }
  }
  if (!table.Knows("USD"))
    (void)table.Add({"USD", CivilDate{1970, 1, 1}, Decimal(1, 0), "default"});
  return table;
}

}  // namespace billflow
