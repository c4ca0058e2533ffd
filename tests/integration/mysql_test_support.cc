#include "mysql_test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>

#include "pipeline/ingest_job.h"
#include "sinks/mysql_connection.h"
#include "sources/file_source.h"

namespace billflow::testing {

const std::optional<MysqlTestEnv>& MysqlTestEnv::Get() {
  static const std::optional<MysqlTestEnv> env = []() -> std::optional<MysqlTestEnv> {
    const char* path = std::getenv("BILLFLOW_TEST_MYSQL_ENV");
    if (path == nullptr) return std::nullopt;
    std::optional<EnvFile> file = EnvFile::Read(path, "BILLFLOW_TEST_MYSQL_");
    MysqlTestEnv loaded;
    if (!file || !loaded.LoadCommon(*file)) return std::nullopt;
    loaded.tls_user = file->Get("TLS_USER");
    loaded.tls_password = file->Get("TLS_PASSWORD");
    return loaded;
  }();
  return env;
}

MysqlOptions MysqlTestEnv::Options(const std::string& database) const {
  MysqlOptions options;
  options.host = host;
  options.port = port;
  options.user = user;
  options.database = database;
  options.tls = MysqlTlsMode::kDisable;
  options.connect_timeout_s = 5;
  options.password_provider = [pw = password]() -> Result<std::string> { return pw; };
  return options;
}

std::string CreateTestDatabase(const MysqlTestEnv& env) {
  const std::string name = UniqueDatabaseName();
  auto conn = MysqlConnection::Open(env.Options("billflow"));
  EXPECT_TRUE(conn) << conn.error().message;
  if (!conn) return name;
  auto created = (*conn)->Exec("DROP DATABASE IF EXISTS " + name, "drop");
  EXPECT_TRUE(created) << created.error().message;
  created = (*conn)->Exec("CREATE DATABASE " + name, "create");
  EXPECT_TRUE(created) << created.error().message;
  return name;
}

std::string MysqlQueryValue(const MysqlTestEnv& env, const std::string& database,
                            const std::string& sql) {
  auto conn = MysqlConnection::Open(env.Options(database));
  EXPECT_TRUE(conn) << conn.error().message;
  if (!conn) return "";
  auto rows = (*conn)->Query(sql, "test query");
  EXPECT_TRUE(rows) << rows.error().message;
  if (!rows || rows->empty() || rows->front().empty()) return "";
  return rows->front().front();
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("billflow_it_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::Write(const std::string& name, const std::string& body) const {
  const auto file = path_ / name;
  std::ofstream(file, std::ios::binary) << body;
  return file;
}

IngestSummary LoadFile(const std::filesystem::path& path, RecordSink* db) {
  static const FxRateTable rates = FxRateTable::Default();
  auto source = FileSource::Open(path.string());
  EXPECT_TRUE(source) << source.error().message;
  if (!source) return {};
  IngestJob job(rates, {});
  return job.Run(**source, db);
}

std::filesystem::path SampleDir() {
  if (const char* dir = std::getenv("BILLFLOW_SAMPLE_DIR")) return dir;
  return BILLFLOW_DEFAULT_SAMPLE_DIR;
}

std::string FaultTestFile(int variant) {
  std::string body =
      "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";
  std::mt19937 random(static_cast<unsigned>(variant));
  for (int i = 1; i <= 5000; ++i) {
    const int id = i % 25 == 0 ? i - 7 : i;  // some duplicate ids
    const char* currency = i % 3 == 0 ? "CAD" : i % 3 == 1 ? "USD" : "MXN";
    body += std::to_string(id) + ",Company " + std::to_string(random() % 100) +
            ",US,City,Line,Item," + "2024-0" + std::to_string(1 + i % 9) + "-1" +
            std::to_string(i % 10) + "," + (i % 997 == 0 ? "ABC" : currency) + "," +
            std::to_string(random() % 100000) + "." + std::to_string(random() % 10000) + "\n";
  }
  return body;
}

}  // namespace billflow::testing
