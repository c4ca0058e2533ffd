// MySQL-only behaviour against the throwaway MariaDB servers of scripts/mariadb-test-server.sh:
// TLS modes, exact DECIMAL sums, session settings, bulk modes, concurrency across files, and
// that a password never shows. The semantics shared with SQLite are in sink_contract_test.cc.
#include "sinks/mysql_sink.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "migrated_sink.h"
#include "mysql_test_support.h"
#include "sinks/mysql_connection.h"

namespace billflow {
namespace {

using testing::LoadFile;
using testing::MysqlTestEnv;
using testing::TempDir;

constexpr char kHeader[] =
    "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n";

class MysqlSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!MysqlTestEnv::Get()) GTEST_SKIP() << "BILLFLOW_TEST_MYSQL_ENV not set (run through ctest)";
    env_ = &*MysqlTestEnv::Get();
    database_ = testing::CreateTestDatabase(*env_);
  }
  static std::unique_ptr<MysqlSink> Open(const MysqlOptions& options) {
    return testing::Migrated(MysqlSink::Open(options));
  }
  std::unique_ptr<MysqlSink> Open() { return Open(env_->Options(database_)); }
  std::string Query(const std::string& sql) {
    return testing::MysqlQueryValue(*env_, database_, sql);
  }
  // Options for the REQUIRE SSL user on a given server port.
  // (The servers without data hold only the database "billflow".)
  MysqlOptions TlsOptions(MysqlTlsMode mode, const std::string& ca, std::uint16_t port) {
    MysqlOptions options = env_->Options(port == env_->port ? database_ : "billflow");
    options.user = env_->tls_user;
    options.password_provider = [pw = env_->tls_password]() -> Result<std::string> { return pw; };
    options.port = port;
    options.tls = mode;
    options.ca_path = ca;
    return options;
  }
  std::string ConnectError(const MysqlOptions& options) {
    auto sink = MysqlSink::Open(options);
    if (sink) return "connected";
    EXPECT_EQ(sink.error().code, ErrorCode::kPermissionDenied) << sink.error().message;
    return sink.error().message;
  }

  const MysqlTestEnv* env_ = nullptr;
  std::string database_;
  TempDir dir_;
};

TEST_F(MysqlSinkTest, SampleFilesSumExactlyInDecimal) {
  const auto dir = testing::SampleDir();
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " missing";
  auto sink = Open();
  const auto start = std::chrono::steady_clock::now();
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".csv") continue;
    const auto s = LoadFile(entry.path(), sink.get());
    ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The totals tests/e2e/oracle.py computes for examples/.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_data"), "18");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_rejects"), "3");
  EXPECT_EQ(Query("SELECT SUM(bill_amount_usd) FROM billing_data"), "651553.84");
  EXPECT_EQ(Query("SELECT SUM(usd_total) FROM billing_files WHERE status='loaded'"), "651553.84");
  EXPECT_EQ(Query("SELECT CONCAT(line_number, ': ', reason) FROM billing_rejects WHERE reason LIKE "
                  "'currency%'"),
            "9: currency \"XYZ\" is not an ISO 4217 code");
  std::printf("[ sample ] 3 files in %.3f s\n", seconds);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".csv") {
      EXPECT_EQ(LoadFile(entry.path(), sink.get()).status, FileStatus::kUnchanged);
    }
  }
}

TEST_F(MysqlSinkTest, SchemaUsesRealTypesAndSessionIsStrict) {
  auto sink = Open();
  const auto type = [&](const std::string& table, const std::string& column) {
    return Query(
        "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_NAME = '" +
        table + "' AND COLUMN_NAME = '" + column + "'");
  };
  EXPECT_EQ(type("billing_data", "bill_amount"), "decimal(19,4)");
  EXPECT_EQ(type("billing_data", "fx_rate"), "decimal(20,10)");
  EXPECT_EQ(type("billing_data", "bill_amount_usd"), "decimal(19,2)");
  EXPECT_EQ(type("billing_data", "bill_date"), "date");
  EXPECT_EQ(type("billing_rejects", "raw_line"), "longblob");
  EXPECT_EQ(Query("SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                  "DATABASE() AND TABLE_NAME = 'billing_data' AND COLUMN_NAME = 'id'"),
            "utf8mb4_nopad_bin");
  EXPECT_EQ(Query("SELECT GROUP_CONCAT(DISTINCT ENGINE) FROM information_schema.TABLES WHERE "
                  "TABLE_SCHEMA = DATABASE()"),
            "InnoDB");
  EXPECT_EQ(Query("SELECT MAX(version) FROM schema_version"), "4");
  ASSERT_TRUE(sink->Migrate());  // idempotent
  EXPECT_EQ(Query("SELECT COUNT(*) FROM schema_version"), "1");
  auto conn = MysqlConnection::Open(env_->Options(database_));
  ASSERT_TRUE(conn);
  EXPECT_EQ((*(*conn)->Query("SELECT @@SESSION.sql_mode, @@SESSION.time_zone, "
                             "@@SESSION.character_set_client",
                             "q"))[0],
            (std::vector<std::string>{"STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                                      "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
                                      "+00:00", "utf8mb4"}));
  // Strict mode: the server refuses instead of truncating.
  auto refused =
      (*conn)->Exec("INSERT INTO fx_rates VALUES ('TOOLONG', '2020-01-01', 1, 'x')", "q");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kDatabase);
  EXPECT_NE(refused.error().message.find("Data too long"), std::string::npos)
      << refused.error().message;
}

TEST_F(MysqlSinkTest, BulkModesStoreIdenticalData) {
  std::string body = kHeader;
  for (int i = 1; i <= 3000; ++i) {
    body += std::to_string(i % 2900) + ",\"Co, " + std::to_string(i) +
            "\",CA,Qu\xC3\xA9"
            "bec,P,I\tx,2024/02/29,CAD," +
            std::to_string(i) + "." + std::to_string(i % 10000) + "\n";
  }
  body += "x,A,US,X,P,I,2023-02-30,USD,1\n";
  const auto path = dir_.Write("modes.csv", body);
  std::string first_checksum;
  for (const MysqlBulkMode mode :
       {MysqlBulkMode::kLoadDirect, MysqlBulkMode::kLoadStaged, MysqlBulkMode::kInsert}) {
    database_ = testing::CreateTestDatabase(*env_);
    MysqlOptions options = env_->Options(database_);
    options.bulk_mode = mode;
    options.batch_bytes = 16 << 10;
    auto sink = Open(options);
    const auto s = LoadFile(path, sink.get());
    ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
    EXPECT_EQ(s.tally.rows_loaded, 2900u);
    EXPECT_EQ(s.tally.rows_rejected, 101u);
    const std::string checksum = Query(
        "SELECT CONCAT(COUNT(*), ' ', SUM(bill_amount), ' ', SUM(bill_amount_usd), ' ', "
        "SUM(CRC32(CONCAT_WS('|', id, line_number, company_name, country, city, product_line, "
        "item, bill_date, currency, bill_amount, fx_rate, bill_amount_usd)))) FROM billing_data");
    const std::string rejects = Query(
        "SELECT CONCAT(COUNT(*), ' ', SUM(CRC32(CONCAT_WS('|', line_number, reason, raw_line)))) "
        "FROM billing_rejects");
    if (first_checksum.empty()) {
      first_checksum = checksum + " / " + rejects;
    } else {
      EXPECT_EQ(checksum + " / " + rejects, first_checksum) << "mode " << static_cast<int>(mode);
    }
  }
}

TEST_F(MysqlSinkTest, DifferentFilesLoadConcurrently) {
  auto holder = Open();
  FileIdentity a{"file:///held.csv", "", 0, "", "", "", ""};
  ASSERT_EQ(*holder->BeginFile(a), BeginOutcome::kProceed);  // transaction stays open
  auto other = std::async(std::launch::async, [&] {
    auto sink = Open();
    return LoadFile(dir_.Write("b.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n"),
                    sink.get());
  });
  ASSERT_EQ(other.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "a load of another file waited for the open one";
  EXPECT_EQ(other.get().status, FileStatus::kLoaded);
  a.content_sha256 = "00";
  ASSERT_TRUE(holder->CommitFile(a, {}));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM billing_files WHERE status = 'loaded'"), "2");
}

TEST_F(MysqlSinkTest, SecondLoaderOfSameSourceWaitsForTheFirst) {
  auto first = Open();
  FileIdentity file{"file:///same.csv", "", 0, "", "", "", ""};
  ASSERT_EQ(*first->BeginFile(file), BeginOutcome::kProceed);
  file.content_sha256 = "abc";
  auto second = std::async(std::launch::async, [&] {
    auto sink = Open();
    auto begun = sink->BeginFile(file);  // waits for the first loader's commit
    if (!begun) return begun.error().message;
    auto committed = sink->CommitFile(file, {});
    if (!committed) return committed.error().message;
    return std::string(committed->outcome == CommitOutcome::kUnchanged ? "unchanged"
                                                                       : "loaded again");
  });
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
  ASSERT_TRUE(first->CommitFile(file, {}));
  EXPECT_EQ(second.get(), "unchanged");
  EXPECT_EQ(Query("SELECT CONCAT(COUNT(*), ' ', MIN(status)) FROM billing_files"), "1 loaded");
}

TEST_F(MysqlSinkTest, VerifyCaWithTheRightCaConnectsTheRequireSslUser) {
  auto sink = MysqlSink::Open(TlsOptions(MysqlTlsMode::kVerifyCa, env_->ca, env_->port));
  ASSERT_TRUE(sink) << sink.error().message;
  EXPECT_FALSE((*sink)->TlsCipher().empty());
  ASSERT_TRUE((*sink)->Migrate());
  EXPECT_EQ(LoadFile(dir_.Write("t.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n"),
                     sink->get())
                .status,
            FileStatus::kLoaded);
  // verify-identity too: the server certificate names IP:127.0.0.1.
  auto identity = MysqlSink::Open(TlsOptions(MysqlTlsMode::kVerifyIdentity, env_->ca, env_->port));
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_FALSE((*identity)->TlsCipher().empty());
}

TEST_F(MysqlSinkTest, UntrustedCaIsRefused) {
  const std::string message =
      ConnectError(TlsOptions(MysqlTlsMode::kVerifyCa, env_->other_ca, env_->port));
  std::printf("[ untrusted CA ] %s\n", message.c_str());
  EXPECT_NE(message.find("errno 2026"), std::string::npos) << message;
  EXPECT_NE(
      message.find("tls=verify-ca: the server certificate must chain to CA " + env_->other_ca),
      std::string::npos)
      << message;
}

TEST_F(MysqlSinkTest, WrongHostNameIsRefusedWithVerifyIdentity) {
  // Same trusted CA, but the certificate names only db.example.test.
  const std::string message =
      ConnectError(TlsOptions(MysqlTlsMode::kVerifyIdentity, env_->ca, env_->wronghost_port));
  std::printf("[ wrong host ] %s\n", message.c_str());
  EXPECT_NE(message.find("errno 2026"), std::string::npos) << message;
  EXPECT_NE(message.find("tls=verify-identity: the server certificate must chain to CA " +
                         env_->ca + " and name host 127.0.0.1"),
            std::string::npos)
      << message;
  // verify-ca does not check the name, so the same server is accepted there.
  auto ca_only =
      MysqlSink::Open(TlsOptions(MysqlTlsMode::kVerifyCa, env_->ca, env_->wronghost_port));
  EXPECT_TRUE(ca_only) << ca_only.error().message;
  if (ca_only) {
    EXPECT_FALSE((*ca_only)->TlsCipher().empty());
  }
}

TEST_F(MysqlSinkTest, ServerWithoutTlsIsRefusedWhenTlsIsRequired) {
  for (const MysqlTlsMode mode :
       {MysqlTlsMode::kRequire, MysqlTlsMode::kVerifyCa, MysqlTlsMode::kVerifyIdentity}) {
    MysqlOptions options =
        TlsOptions(mode, mode == MysqlTlsMode::kRequire ? "" : env_->ca, env_->notls_port);
    options.user = env_->user;  // a user the server would accept without TLS
    options.password_provider = [pw = env_->password]() -> Result<std::string> { return pw; };
    const std::string message = ConnectError(options);
    std::printf("[ no TLS, %s ] %s\n", std::string(MysqlTlsModeName(mode)).c_str(),
                message.c_str());
    if (mode == MysqlTlsMode::kVerifyIdentity) {
      // libmariadb itself refuses before authenticating when it verifies the certificate.
      EXPECT_NE(message.find("SSL is required, but the server does not support it (errno 2026)"),
                std::string::npos)
          << message;
    } else {
      EXPECT_EQ(message, "mysql billflow@127.0.0.1:" + std::to_string(env_->notls_port) +
                             "/billflow: connect: the server does not offer TLS, but tls=" +
                             std::string(MysqlTlsModeName(mode)) +
                             " requires it; no credentials were sent (enable TLS on the server, "
                             "or use tls=disable only on a trusted network)");
    }
  }
  // tls=disable against the same server works (explicit opt-out).
  MysqlOptions plain = env_->Options("billflow");
  plain.port = env_->notls_port;
  auto sink = MysqlSink::Open(plain);
  ASSERT_TRUE(sink) << sink.error().message;
  EXPECT_EQ((*sink)->TlsCipher(), "");
}

TEST_F(MysqlSinkTest, RequireSslUserWithoutTlsIsDenied) {
  const std::string message = ConnectError(TlsOptions(MysqlTlsMode::kDisable, "", env_->port));
  EXPECT_NE(message.find("Access denied for user 'billflow_tls'"), std::string::npos) << message;
}

TEST_F(MysqlSinkTest, CanaryPasswordNeverAppears) {
  const std::string canary = "CANARY-" + std::to_string(::getpid()) + "-pw";
  {
    auto admin = MysqlConnection::Open(env_->Options(database_));
    ASSERT_TRUE(admin);
    ASSERT_TRUE(
        (*admin)->Exec("CREATE OR REPLACE USER 'canary'@'127.0.0.1' IDENTIFIED BY '" + canary + "'",
                       "create user"));
    ASSERT_TRUE(
        (*admin)->Exec("GRANT ALL ON " + database_ + ".* TO 'canary'@'127.0.0.1'", "grant"));
  }
  std::vector<std::string> messages;
  MysqlOptions options = env_->Options(database_);
  options.user = "canary";
  // Wrong password holding the canary, then a right one over a refused TLS, then a failing
  // provider, then a working session that hits errors.
  options.password_provider = [&]() -> Result<std::string> { return canary + "x"; };
  auto wrong = MysqlSink::Open(options);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);
  messages.push_back(wrong.error().message);
  options.password_provider = [&]() -> Result<std::string> { return canary; };
  MysqlOptions tls = options;
  tls.tls = MysqlTlsMode::kVerifyCa;
  tls.ca_path = env_->other_ca;
  auto refused = MysqlSink::Open(tls);
  ASSERT_FALSE(refused);
  messages.push_back(refused.error().message);
  MysqlOptions broken = options;
  broken.password_provider = []() -> Result<std::string> {
    return Fail(ErrorCode::kNotFound, "secret billflow/db not found");
  };
  auto no_secret = MysqlSink::Open(broken);
  ASSERT_FALSE(no_secret);
  EXPECT_EQ(no_secret.error().message, "mysql canary@127.0.0.1:" + std::to_string(env_->port) +
                                           "/" + database_ +
                                           ": password: secret billflow/db not found");
  messages.push_back(no_secret.error().message);
  auto sink = MysqlSink::Open(options);
  ASSERT_TRUE(sink) << sink.error().message;
  ASSERT_TRUE((*sink)->Migrate());
  const auto s = LoadFile(
      dir_.Write("c.csv", std::string(kHeader) + "1,A,US,X,P,I,2023-05-01,USD,1\n"), sink->get());
  ASSERT_EQ(s.status, FileStatus::kLoaded) << s.error;
  for (const auto& m : messages) {
    EXPECT_EQ(m.find(canary), std::string::npos) << m;
    EXPECT_EQ(m.find("CANARY"), std::string::npos) << m;
  }
  std::ifstream cmdline("/proc/self/cmdline", std::ios::binary);
  const std::string args((std::istreambuf_iterator<char>(cmdline)),
                         std::istreambuf_iterator<char>());
  EXPECT_EQ(args.find("CANARY"), std::string::npos);
  std::printf("[ canary ] wrong password: %s\n", messages[0].c_str());
}

}  // namespace
}  // namespace billflow
