#include "sinks/mysql_connection.h"

#include <errmsg.h>
#include <mysql.h>
#include <string.h>  // explicit_bzero

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>

#include "sinks/mysql_tls_probe.h"
#include "sinks/server_url.h"

namespace billflow {
namespace {

// The only file name the local-infile handler serves; see LoadLocal.
constexpr char kStreamName[] = "billflow:stream";

struct ResultFree {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};

void LibraryInit() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

std::uint64_t InfoField(const char* info, std::string_view key) {
  if (info == nullptr) return 0;
  const char* at = std::strstr(info, key.data());
  if (at == nullptr) return 0;
  return std::strtoull(at + key.size(), nullptr, 10);
}

}  // namespace

struct MysqlConnection::Handle {
  struct Closer {
    void operator()(MYSQL* connection) const { mysql_close(connection); }
  };
  std::unique_ptr<MYSQL, Closer> mysql;
  // Of the last statement, plain or prepared.
  std::uint64_t affected_rows = 0;
  std::uint64_t insert_id = 0;
  // State of the local-infile handler: the bytes LoadLocal hands to the server.
  bool infile_armed = false;
  std::string_view infile_data;
  std::string infile_error;

  static int InfileInit(void** ptr, const char* filename, void* userdata) {
    auto* self = static_cast<Handle*>(userdata);
    *ptr = self;
    if (!self->infile_armed || std::strcmp(filename, kStreamName) != 0) {
      self->infile_error =
          "billflow serves no local file to the server (asked for a file it did not send)";
      return 1;
    }
    self->infile_error.clear();
    return 0;
  }
  static int InfileRead(void* ptr, char* buf, unsigned int buf_len) {
    auto* self = static_cast<Handle*>(ptr);
    if (!self->infile_armed) return -1;
    const std::size_t n = std::min<std::size_t>(buf_len, self->infile_data.size());
    std::memcpy(buf, self->infile_data.data(), n);
    self->infile_data.remove_prefix(n);
    return static_cast<int>(n);
  }
  static void InfileEnd(void* /*ptr*/) {}
  static int InfileError(void* ptr, char* message, unsigned int message_len) {
    auto* self = static_cast<Handle*>(ptr);
    if (message_len > 0) {
      const std::size_t n = std::min<std::size_t>(message_len - 1, self->infile_error.size());
      std::memcpy(message, self->infile_error.data(), n);
      message[n] = '\0';
    }
    return CR_UNKNOWN_ERROR;
  }
};

struct MysqlConnection::Statement {
  MYSQL_STMT* stmt = nullptr;
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (stmt != nullptr) mysql_stmt_close(stmt);
  }
};

namespace {

Error StatementFailure(MYSQL_STMT* stmt, const std::string& target, std::string_view what) {
  const unsigned number = mysql_stmt_errno(stmt);
  std::string message = "mysql " + target + ": " + std::string(what) + ": " +
                        mysql_stmt_error(stmt) + " (errno " + std::to_string(number) + ")";
  return Error{MysqlErrorCode(number), std::move(message)};
}

}  // namespace

MysqlConnection::MysqlConnection(std::unique_ptr<Handle> handle, std::string target)
    : handle_(std::move(handle)), target_(std::move(target)) {}

MysqlConnection::~MysqlConnection() = default;

Error MysqlConnection::Failure(std::string_view what) const {
  MYSQL* mysql = handle_->mysql.get();
  const unsigned number = mysql_errno(mysql);
  std::string message = "mysql " + target_ + ": " + std::string(what) + ": " + mysql_error(mysql) +
                        " (errno " + std::to_string(number) + ")";
  return Error{MysqlErrorCode(number), std::move(message)};
}

Result<std::unique_ptr<MysqlConnection>> MysqlConnection::Open(const MysqlOptions& options) {
  LibraryInit();
  const std::string target = DescribeMysqlTarget(options);
  auto handle = std::make_unique<Handle>();
  handle->mysql.reset(mysql_init(nullptr));
  MYSQL* mysql = handle->mysql.get();
  if (mysql == nullptr) return Fail(ErrorCode::kInternal, "mysql " + target + ": out of memory");

  const unsigned connect_timeout = static_cast<unsigned>(options.connect_timeout_s);
  const unsigned read_timeout = static_cast<unsigned>(options.read_timeout_s);
  const unsigned write_timeout = static_cast<unsigned>(options.write_timeout_s);
  const unsigned tcp = MYSQL_PROTOCOL_TCP;  // "localhost" would otherwise mean the unix socket
  const unsigned local_infile = 1;
  const my_bool no = 0;
  mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_options(mysql, MYSQL_OPT_PROTOCOL, &tcp);
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_options(mysql, MYSQL_OPT_LOCAL_INFILE, &local_infile);
  // A silent reconnect would lose the open transaction and the session settings; the retry
  // layer reconnects and redoes the whole file instead.
  mysql_options(mysql, MYSQL_OPT_RECONNECT, &no);
  mysql_set_local_infile_handler(mysql, &Handle::InfileInit, &Handle::InfileRead,
                                 &Handle::InfileEnd, &Handle::InfileError, handle.get());

  // libmariadb uses no TLS and checks nothing unless told: every mode sets all three options.
  const bool tls = options.tls != MysqlTlsMode::kDisable;
  const bool verify_chain =
      options.tls == MysqlTlsMode::kVerifyCa || options.tls == MysqlTlsMode::kVerifyIdentity;
  const my_bool enforce = tls ? 1 : 0;
  const my_bool verify_host = options.tls == MysqlTlsMode::kVerifyIdentity ? 1 : 0;
  mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &enforce);
  mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_host);
  if (verify_chain) {
    // Giving a CA is what makes libmariadb check the chain (SSL_VERIFY_PEER).
    const std::string ca = options.ca_path.empty() ? kSystemCaBundle : options.ca_path;
    mysql_options(mysql, MYSQL_OPT_SSL_CA, ca.c_str());
  }

  if (tls && options.tls != MysqlTlsMode::kVerifyIdentity &&
      MysqlServerOffersTls(options) == false) {
    return Fail(ErrorCode::kPermissionDenied,
                "mysql " + target + ": connect: the server does not offer TLS, but tls=" +
                    std::string(MysqlTlsModeName(options.tls)) +
                    " requires it; no credentials were sent (enable TLS on the server, or "
                    "use tls=disable only on a trusted network)");
  }
  std::string password;
  if (options.password_provider) {
    auto provided = options.password_provider();
    if (!provided) {
      return Fail(provided.error().code,
                  "mysql " + target + ": password: " + provided.error().message);
    }
    password = std::move(*provided);
  }
  MYSQL* connected =
      mysql_real_connect(mysql, options.host.c_str(), options.user.c_str(), password.c_str(),
                         options.database.c_str(), options.port, nullptr, 0);
  explicit_bzero(password.data(), password.size());
  auto connection =
      std::unique_ptr<MysqlConnection>(new MysqlConnection(std::move(handle), target));
  if (connected == nullptr) {
    Error error = connection->Failure("connect");
    const unsigned number = mysql_errno(mysql);
    if (number == CR_SSL_CONNECTION_ERROR) {
      const std::string ca =
          options.ca_path.empty() ? std::string(kSystemCaBundle) : options.ca_path;
      error.message += "; tls=" + std::string(MysqlTlsModeName(options.tls));
      if (options.tls == MysqlTlsMode::kVerifyIdentity) {
        error.message +=
            ": the server certificate must chain to CA " + ca + " and name host " + options.host;
      } else if (verify_chain) {
        error.message += ": the server certificate must chain to CA " + ca;
      }
      error.message += " (set tls= and ca= in the --db URL)";
    }
    return tl::unexpected(std::move(error));
  }
  if (tls && mysql_get_ssl_cipher(mysql) == nullptr) {
    return Fail(ErrorCode::kPermissionDenied,
                "mysql " + target + ": connect: the session is not encrypted although tls=" +
                    std::string(MysqlTlsModeName(options.tls)) + " requires TLS");
  }
  // foreign_key_checks=0: billflow writes billing_data and billing_rejects rows only under
  // the ledger row it inserted or locked in the same transaction, so the per-row parent
  // lookup InnoDB would do proves nothing (1M-row loads, 3 runs each: 10.6-12.0 s without,
  // 11.9-13.2 s with; the constraints stay in the schema for every other client).
  BILLFLOW_TRY(
      connection->Exec("SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
                       "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone='+00:00', "
                       "innodb_lock_wait_timeout=" +
                           std::to_string(options.lock_wait_timeout_s) + ", foreign_key_checks=0",
                       "session settings"));
  // READ COMMITTED: no gap locks, so files with neighbouring file_ids load side by side.
  BILLFLOW_TRY(connection->Exec("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                                "session settings"));
  return connection;
}

Status MysqlConnection::Exec(std::string_view sql, std::string_view what) {
  MYSQL* mysql = handle_->mysql.get();
  if (mysql_real_query(mysql, sql.data(), sql.size()) != 0) return tl::unexpected(Failure(what));
  // A statement that unexpectedly returned rows: drain them so the connection stays usable.
  if (mysql_field_count(mysql) != 0) {
    std::unique_ptr<MYSQL_RES, ResultFree> result(mysql_store_result(mysql));
  }
  handle_->affected_rows = mysql_affected_rows(mysql);
  handle_->insert_id = mysql_insert_id(mysql);
  return Ok();
}

Status MysqlConnection::Run(Statement& statement, std::string_view sql, const MysqlParams& params,
                            std::string_view what) {
  MYSQL* mysql = handle_->mysql.get();
  statement.stmt = mysql_stmt_init(mysql);
  if (statement.stmt == nullptr) return tl::unexpected(Failure(what));
  MYSQL_STMT* stmt = statement.stmt;
  if (mysql_stmt_prepare(stmt, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    return tl::unexpected(StatementFailure(stmt, target_, what));
  }
  if (mysql_stmt_param_count(stmt) != params.size()) {
    return Fail(ErrorCode::kInternal,
                "mysql " + target_ + ": " + std::string(what) + ": the statement has " +
                    std::to_string(mysql_stmt_param_count(stmt)) + " placeholders for " +
                    std::to_string(params.size()) + " values");
  }
  static char empty[1] = {'\0'};
  std::vector<MYSQL_BIND> binds(params.size());
  std::vector<unsigned long> lengths(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const MysqlParam& param = params[i];
    MYSQL_BIND& bind = binds[i];
    std::memset(&bind, 0, sizeof bind);
    switch (param.kind) {
      case MysqlParam::Kind::kNull:
        bind.buffer_type = MYSQL_TYPE_NULL;
        break;
      case MysqlParam::Kind::kText:
      case MysqlParam::Kind::kBytes:
        // BLOB marks the value as a binary string (no character set), like X'…'.
        bind.buffer_type =
            param.kind == MysqlParam::Kind::kText ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
        bind.buffer = param.text.empty() ? empty : const_cast<char*>(param.text.data());
        lengths[i] = static_cast<unsigned long>(param.text.size());
        bind.buffer_length = lengths[i];
        bind.length = &lengths[i];
        break;
      case MysqlParam::Kind::kInt:
        bind.buffer_type = MYSQL_TYPE_LONGLONG;
        bind.buffer = const_cast<std::int64_t*>(&param.number);
        break;
    }
  }
  if (!binds.empty() && mysql_stmt_bind_param(stmt, binds.data()) != 0) {
    return tl::unexpected(StatementFailure(stmt, target_, what));
  }
  if (mysql_stmt_execute(stmt) != 0) return tl::unexpected(StatementFailure(stmt, target_, what));
  handle_->affected_rows = mysql_stmt_affected_rows(stmt);
  handle_->insert_id = mysql_stmt_insert_id(stmt);
  return Ok();
}

Status MysqlConnection::Exec(std::string_view sql, const MysqlParams& params,
                             std::string_view what) {
  Statement statement;
  return Run(statement, sql, params, what);  // closing the statement drains any rows
}

Result<MysqlRows> MysqlConnection::Query(std::string_view sql, const MysqlParams& params,
                                         std::string_view what) {
  Result<TextRows> cells = QueryText(sql, params, what);
  if (!cells) return tl::unexpected(cells.error());
  return WithoutNulls(std::move(*cells));
}

Result<TextRows> MysqlConnection::QueryText(std::string_view sql, const MysqlParams& params,
                                            std::string_view what) {
  Statement statement;
  BILLFLOW_TRY(Run(statement, sql, params, what));
  MYSQL_STMT* stmt = statement.stmt;
  TextRows rows;
  const unsigned columns = mysql_stmt_field_count(stmt);
  if (columns == 0) return rows;
  if (mysql_stmt_store_result(stmt) != 0)
    return tl::unexpected(StatementFailure(stmt, target_, what));
  // Every column is fetched as text into a small buffer; a longer value is fetched again whole.
  constexpr unsigned long kInline = 128;
  std::vector<char> buffers(static_cast<std::size_t>(columns) * (kInline + 1));
  std::vector<MYSQL_BIND> binds(columns);
  std::vector<unsigned long> lengths(columns);
  std::vector<my_bool> nulls(columns);
  for (unsigned i = 0; i < columns; ++i) {
    MYSQL_BIND& bind = binds[i];
    std::memset(&bind, 0, sizeof bind);
    bind.buffer_type = MYSQL_TYPE_STRING;
    bind.buffer = buffers.data() + static_cast<std::size_t>(i) * (kInline + 1);
    bind.buffer_length = kInline;
    bind.length = &lengths[i];
    bind.is_null = &nulls[i];
  }
  if (mysql_stmt_bind_result(stmt, binds.data()) != 0) {
    return tl::unexpected(StatementFailure(stmt, target_, what));
  }
  for (;;) {
    const int rc = mysql_stmt_fetch(stmt);
    if (rc == MYSQL_NO_DATA) break;
    if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) {
      return tl::unexpected(StatementFailure(stmt, target_, what));
    }
    auto& out = rows.emplace_back();
    out.reserve(columns);
    for (unsigned i = 0; i < columns; ++i) {
      if (nulls[i]) {
        out.emplace_back(std::nullopt);
      } else if (lengths[i] <= kInline) {
        out.emplace_back(std::string(static_cast<const char*>(binds[i].buffer), lengths[i]));
      } else {
        std::string value(lengths[i] + 1, '\0');
        unsigned long got = 0;
        MYSQL_BIND whole;
        std::memset(&whole, 0, sizeof whole);
        whole.buffer_type = MYSQL_TYPE_STRING;
        whole.buffer = value.data();
        whole.buffer_length = lengths[i] + 1;
        whole.length = &got;
        if (mysql_stmt_fetch_column(stmt, &whole, i, 0) != 0) {
          return tl::unexpected(StatementFailure(stmt, target_, what));
        }
        value.resize(std::min<std::size_t>(got, lengths[i]));
        out.push_back(std::move(value));
      }
    }
  }
  return rows;
}

Result<MysqlRows> MysqlConnection::Query(std::string_view sql, std::string_view what) {
  MYSQL* mysql = handle_->mysql.get();
  if (mysql_real_query(mysql, sql.data(), sql.size()) != 0) return tl::unexpected(Failure(what));
  std::unique_ptr<MYSQL_RES, ResultFree> result(mysql_store_result(mysql));
  MysqlRows rows;
  if (!result) {
    if (mysql_field_count(mysql) != 0) return tl::unexpected(Failure(what));
    return rows;
  }
  const unsigned columns = mysql_num_fields(result.get());
  while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
    const unsigned long* lengths = mysql_fetch_lengths(result.get());
    auto& out = rows.emplace_back();
    out.reserve(columns);
    for (unsigned i = 0; i < columns; ++i) {
      out.emplace_back(row[i] == nullptr ? std::string() : std::string(row[i], lengths[i]));
    }
  }
  if (mysql_errno(mysql) != 0) return tl::unexpected(Failure(what));
  return rows;
}

std::uint64_t MysqlConnection::affected_rows() const { return handle_->affected_rows; }

std::uint64_t MysqlConnection::last_insert_id() const { return handle_->insert_id; }

Result<MysqlLoadInfo> MysqlConnection::LoadLocal(std::string_view sql, std::string_view data,
                                                 std::string_view what) {
  MYSQL* mysql = handle_->mysql.get();
  handle_->infile_armed = true;
  handle_->infile_data = data;
  const int rc = mysql_real_query(mysql, sql.data(), sql.size());
  handle_->infile_armed = false;
  handle_->infile_data = {};
  if (rc != 0) return tl::unexpected(Failure(what));
  MysqlLoadInfo info;
  const char* text = mysql_info(mysql);
  info.records = InfoField(text, "Records: ");
  info.skipped = InfoField(text, "Skipped: ");
  info.inserted = mysql_affected_rows(mysql);
  handle_->affected_rows = info.inserted;
  handle_->insert_id = mysql_insert_id(mysql);
  info.warnings = mysql_warning_count(mysql);
  return info;
}

std::string MysqlConnection::WarningsText() {
  auto rows = Query("SHOW WARNINGS LIMIT 3", "read warnings");
  if (!rows) return rows.error().message;
  std::string out;
  for (const auto& row : *rows) {
    if (!out.empty()) out += "; ";
    for (const auto& field : row) out += field + " ";
    if (!out.empty()) out.pop_back();
  }
  return out;
}

void MysqlConnection::AppendQuoted(std::string_view text, std::string* out) const {
  const std::size_t start = out->size();
  out->resize(start + text.size() * 2 + 3);
  (*out)[start] = '\'';
  const unsigned long n = mysql_real_escape_string(handle_->mysql.get(), out->data() + start + 1,
                                                   text.data(), text.size());
  out->resize(start + 1 + n);
  out->push_back('\'');
}

void MysqlConnection::AppendHex(std::string_view bytes, std::string* out) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  if (bytes.empty()) {
    out->append("''");
    return;
  }
  out->append("X'");
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out->push_back(kDigits[b >> 4]);
    out->push_back(kDigits[b & 15]);
  }
  out->push_back('\'');
}

std::string MysqlConnection::TlsCipher() const {
  const char* cipher = mysql_get_ssl_cipher(handle_->mysql.get());
  return cipher == nullptr ? std::string() : std::string(cipher);
}

std::string MysqlConnection::ServerVersion() const {
  return mysql_get_server_info(handle_->mysql.get());
}

bool MysqlConnection::IsMariaDb() const {
  return ServerVersion().find("MariaDB") != std::string::npos;
}

}  // namespace billflow
