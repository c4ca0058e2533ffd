// Drives one CSV through IngestJob into MysqlSink, as `billflow ingest --db mysql://…` will, and
// prints one JSON line. The password comes from BILLFLOW_DB_PASSWORD (never argv).
//
//   billflow_mysql_bench --file F --port P --db DB [--host H] [--user U]
//                        [--mode direct|staged|insert] [--batch-bytes N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "pipeline/ingest_job.h"
#include "sinks/mysql_sink.h"
#include "sources/file_source.h"

int main(int argc, char** argv) {
  using namespace billflow;
  MysqlOptions options;
  options.user = "billflow";
  std::string file;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--file")
      file = value;
    else if (key == "--host")
      options.host = value;
    else if (key == "--port")
      options.port = static_cast<std::uint16_t>(std::stoi(value));
    else if (key == "--user")
      options.user = value;
    else if (key == "--db")
      options.database = value;
    else if (key == "--batch-bytes")
      options.batch_bytes = std::stoul(value);
    else if (key == "--mode") {
      options.bulk_mode = value == "staged"   ? MysqlBulkMode::kLoadStaged
                          : value == "insert" ? MysqlBulkMode::kInsert
                                              : MysqlBulkMode::kLoadDirect;
    } else {
      std::fprintf(stderr, "unknown option %s\n", key.c_str());
      return 2;
    }
  }
  if (const char* password = std::getenv("BILLFLOW_DB_PASSWORD")) {
    options.password_provider = [pw = std::string(password)]() -> Result<std::string> {
      return pw;
    };
  }
  const auto started = std::chrono::steady_clock::now();
  auto sink = MysqlSink::Open(options);
  if (!sink) {
    std::fprintf(stderr, "%s\n", sink.error().message.c_str());
    return 1;
  }
  if (auto migrated = (*sink)->Migrate(); !migrated) {
    std::fprintf(stderr, "%s\n", migrated.error().message.c_str());
    return 1;
  }
  auto source = FileSource::Open(file);
  if (!source) {
    std::fprintf(stderr, "%s\n", source.error().message.c_str());
    return 1;
  }
  const FxRateTable rates = FxRateTable::Default();
  IngestJob job(rates, {});
  const IngestSummary s = job.Run(**source, sink->get());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "{\"status\":\"%s\",\"rows_read\":%llu,\"rows_loaded\":%llu,\"rows_rejected\":%llu,"
      "\"usd_total\":\"%s\",\"seconds\":%.3f}\n",
      std::string(FileStatusName(s.status)).c_str(),
      static_cast<unsigned long long>(s.tally.rows_read),
      static_cast<unsigned long long>(s.tally.rows_loaded),
      static_cast<unsigned long long>(s.tally.rows_rejected), s.tally.usd_total.ToString().c_str(),
      seconds);
  if (s.status == FileStatus::kFailed) {
    std::fprintf(stderr, "%s\n", s.error.c_str());
    return 1;
  }
  return 0;
}
