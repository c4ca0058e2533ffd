#include "sinks/postgres_connection.h"

#include <libpq-fe.h>
#include <string.h>  // explicit_bzero

#include <algorithm>
#include <optional>

#include "core/sqlstate.h"
#include "sinks/server_url.h"

namespace billflow {
namespace {

// A path that cannot exist (/dev/null is no directory). libpq otherwise falls back to
// ~/.pgpass and ~/.postgresql/postgresql.{crt,key}; a missing file there is silently skipped.
constexpr char kNoFile[] = "/dev/null/billflow-uses-no-file";
// The bytes of one PQputCopyData call: libpq buffers what it is given, so big blocks cost memory.
constexpr std::size_t kCopyChunkBytes = 256u << 10;

// pg_type.oid of BYTEA.
constexpr Oid kByteaOid = 17;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// A BYTEA in the text protocol's hex form (`\x4142`, bytea_output's default) as its bytes.
std::string FromByteaHex(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text);
  std::string out;
  out.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<char>(HexDigit(text[i]) * 16 + HexDigit(text[i + 1])));
  }
  return out;
}

Result<PgRows> PlainRows(Result<TextRows> cells) {
  if (!cells) return tl::unexpected(cells.error());
  return ::billflow::WithoutNulls(std::move(*cells));  // the outer one: this name hides it
}

struct PgResultFree {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, PgResultFree>;

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

// libpq ends messages with a newline and may hold several lines (one per address tried, or a
// hint indented by a tab): one line, parts joined by "; ".
std::string OneLine(const char* text) {
  std::string out = text == nullptr ? "" : text;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  std::string joined;
  bool line_start = false;
  for (const char c : out) {
    if (c == '\n') {
      joined.append("; ");
      line_start = true;
    } else if (!(line_start && (c == '\t' || c == ' '))) {
      joined.push_back(c);
      line_start = false;
    }
  }
  return joined;
}

// The error of a failed statement (`result` may be null: libpq ran out of memory or lost the
// connection before an answer). A broken connection is kUnavailable whatever the SQLSTATE.
Error StatementFailure(PGconn* conn, const PGresult* result, const std::string& target,
                       std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state == nullptr ? "" : state;
  ErrorCode code = SqlstateErrorCode(sqlstate);
  if (PQstatus(conn) == CONNECTION_BAD) code = ErrorCode::kUnavailable;
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = "postgres " + target + ": " + std::string(what) + ": " +
                        OneLine(primary != nullptr ? primary : PQerrorMessage(conn));
  if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
  return Error{code, std::move(message)};
}

}  // namespace

struct PgConnection::Handle {
  struct Closer {
    void operator()(PGconn* connection) const { PQfinish(connection); }
  };
  std::unique_ptr<PGconn, Closer> conn;
};

PgConnection::PgConnection(std::unique_ptr<Handle> handle, std::string target)
    : handle_(std::move(handle)), target_(std::move(target)) {}

PgConnection::~PgConnection() = default;

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const PostgresOptions& options) {
  const std::string target = DescribePostgresTarget(options);
  std::string password;
  if (options.password_provider) {
    auto got = options.password_provider();
    if (!got) return tl::unexpected(got.error());
    password = std::move(*got);
  }
  const bool tls = options.ssl_mode != PgSslMode::kDisable;
  const bool verify =
      options.ssl_mode == PgSslMode::kVerifyCa || options.ssl_mode == PgSslMode::kVerifyFull;
  const std::string ssl_mode(PgSslModeName(options.ssl_mode));
  const std::string port = std::to_string(options.port);
  const std::string timeout = std::to_string(options.connect_timeout_s);
  const std::string root_cert =
      verify ? (options.ca_path.empty() ? kSystemCaBundle : options.ca_path) : kNoFile;
  const char* keys[] = {"host",
                        "port",
                        "dbname",
                        "user",
                        "password",
                        "passfile",
                        "sslmode",
                        "sslrootcert",
                        "sslcert",
                        "sslkey",
                        "gssencmode",
                        "connect_timeout",
                        "target_session_attrs",
                        "application_name",
                        "client_encoding",
                        "keepalives",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        nullptr};
  const char* values[] = {options.host.c_str(),
                          port.c_str(),
                          options.database.c_str(),
                          options.user.c_str(),
                          password.empty() ? nullptr : password.c_str(),
                          kNoFile,
                          ssl_mode.c_str(),
                          root_cert.c_str(),
                          kNoFile,
                          kNoFile,
                          "disable",
                          timeout.c_str(),
                          "any",  // a read-only server is told apart below, as retryable
                          "billflow",
                          "UTF8",
                          "1",
                          "30",
                          "10",
                          "3",
                          nullptr};
  auto handle = std::make_unique<Handle>();
  handle->conn.reset(PQconnectdbParams(keys, values, 0));
  if (!password.empty()) explicit_bzero(password.data(), password.size());
  PGconn* conn = handle->conn.get();
  if (conn == nullptr) return Fail(ErrorCode::kInternal, "postgres " + target + ": out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = OneLine(PQerrorMessage(conn));
    // libpq gives no SQLSTATE for a failed connection. The server refused us after reading the
    // password (bad credentials, or a rotated secret), or TLS was refused: not worth retrying
    // as is. Anything else (refused, timed out, shutting down) may pass later.
    ErrorCode code = ErrorCode::kUnavailable;
    if (PQconnectionUsedPassword(conn) != 0 ||
        (tls && (message.find("SSL") != std::string::npos ||
                 message.find("certificate") != std::string::npos))) {
      code = ErrorCode::kPermissionDenied;
    }
    return Fail(code, "postgres " + target + ": connect: " + message);
  }
  PQsetNoticeProcessor(conn, &IgnoreNotice, nullptr);
  std::unique_ptr<PgConnection> out(new PgConnection(std::move(handle), target));
  BILLFLOW_TRY(
      out->Exec("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
                "SET client_min_messages = warning; "
                "SET default_transaction_isolation = 'read committed'; "
                "SET lock_timeout = '" +
                    std::to_string(options.lock_wait_timeout_s) + "s'",
                "set up session"));
  // A read-only server (a hot standby, or an Aurora writer demoted by a failover and not yet
  // replaced behind the endpoint) would refuse every write with SQLSTATE 25006. libpq's own
  // target_session_attrs=read-write check fails the connection without a SQLSTATE, after the
  // password was used, which reads as bad credentials; asked here, it is plainly retryable.
  auto read_only = out->Query("SHOW transaction_read_only", "check the session is writable");
  if (!read_only) return tl::unexpected(read_only.error());
  if (!read_only->empty() && !read_only->front().empty() && read_only->front().front() == "on") {
    return Fail(ErrorCode::kUnavailable,
                "postgres " + target +
                    ": connect: the server accepts only reads (transaction_read_only = on: a "
                    "standby, or a writer demoted by a failover); retried while the retry window "
                    "(--retry-window-seconds) lasts");
  }
  return out;
}

Result<TextRows> PgConnection::Run(std::string_view sql, const PgParams* params,
                                   std::string_view what, bool want_rows) {
  // The server would take the statement for COPY data and abort the transaction.
  if (in_copy_) {
    return Fail(ErrorCode::kInternal, "postgres " + target_ + ": " + std::string(what) +
                                          ": a statement was sent inside an open COPY");
  }
  PGconn* conn = handle_->conn.get();
  const std::string text(sql);
  ResultPtr result;
  if (params == nullptr) {
    result.reset(PQexec(conn, text.c_str()));
  } else {
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    values.reserve(params->size());
    for (const PgParam& p : *params) {
      values.push_back(p.is_null ? nullptr : p.value.c_str());
      lengths.push_back(static_cast<int>(p.value.size()));
      formats.push_back(p.binary ? 1 : 0);
    }
    result.reset(PQexecParams(conn, text.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), lengths.data(), formats.data(), 0));
  }
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return tl::unexpected(StatementFailure(conn, result.get(), target_, what));
  }
  const char* tuples = PQcmdTuples(result.get());
  affected_rows_ = std::strtoull(tuples, nullptr, 10);
  command_status_ = PQcmdStatus(result.get());
  TextRows rows;
  if (!want_rows) return rows;
  const int n_rows = PQntuples(result.get());
  const int n_cols = PQnfields(result.get());
  rows.reserve(static_cast<std::size_t>(n_rows));
  for (int r = 0; r < n_rows; ++r) {
    TextRow& row = rows.emplace_back();
    row.reserve(static_cast<std::size_t>(n_cols));
    for (int c = 0; c < n_cols; ++c) {
      if (PQgetisnull(result.get(), r, c) != 0) {
        row.emplace_back(std::nullopt);
        continue;
      }
      std::string_view value(PQgetvalue(result.get(), r, c),
                             static_cast<std::size_t>(PQgetlength(result.get(), r, c)));
      row.emplace_back(PQftype(result.get(), c) == kByteaOid ? FromByteaHex(value)
                                                             : std::string(value));
    }
  }
  return rows;
}

Status PgConnection::Exec(std::string_view sql, std::string_view what) {
  auto done = Run(sql, nullptr, what, false);
  if (!done) return tl::unexpected(done.error());
  return Ok();
}

Status PgConnection::Exec(std::string_view sql, const PgParams& params, std::string_view what) {
  auto done = Run(sql, &params, what, false);
  if (!done) return tl::unexpected(done.error());
  return Ok();
}

Result<PgRows> PgConnection::Query(std::string_view sql, std::string_view what) {
  return PlainRows(Run(sql, nullptr, what, true));
}

Result<PgRows> PgConnection::Query(std::string_view sql, const PgParams& params,
                                   std::string_view what) {
  return PlainRows(Run(sql, &params, what, true));
}

Result<TextRows> PgConnection::QueryText(std::string_view sql, const PgParams& params,
                                         std::string_view what) {
  return Run(sql, &params, what, true);
}

Result<std::uint64_t> PgConnection::CopyIn(std::string_view sql, std::string_view data,
                                           std::string_view what) {
  BILLFLOW_TRY(BeginCopy(sql, what));
  BILLFLOW_TRY(PutCopyData(data, what));
  return EndCopy(what);
}

Status PgConnection::BeginCopy(std::string_view sql, std::string_view what) {
  PGconn* conn = handle_->conn.get();
  const std::string text(sql);
  ResultPtr started(PQexec(conn, text.c_str()));
  if (!started || PQresultStatus(started.get()) != PGRES_COPY_IN) {
    return tl::unexpected(StatementFailure(conn, started.get(), target_, what));
  }
  in_copy_ = true;
  copy_send_failed_ = false;
  return Ok();
}

Status PgConnection::PutCopyData(std::string_view data, std::string_view what) {
  PGconn* conn = handle_->conn.get();
  while (!data.empty() && !copy_send_failed_) {
    const std::size_t n = std::min(data.size(), kCopyChunkBytes);
    copy_send_failed_ = PQputCopyData(conn, data.data(), static_cast<int>(n)) != 1;
    data.remove_prefix(n);
  }
  // The connection is gone; otherwise the server's own error comes with EndCopy.
  if (copy_send_failed_ && PQstatus(conn) == CONNECTION_BAD) {
    return tl::unexpected(StatementFailure(conn, nullptr, target_, what));
  }
  return Ok();
}

Result<std::uint64_t> PgConnection::EndCopy(std::string_view what) {
  PGconn* conn = handle_->conn.get();
  in_copy_ = false;
  const auto failure = [&](const PGresult* result) {
    return tl::unexpected(StatementFailure(conn, result, target_, what));
  };
  const bool sent = !copy_send_failed_;
  if (PQputCopyEnd(conn, sent ? nullptr : "billflow could not send the rows") != 1) {
    return failure(nullptr);
  }
  ResultPtr result(PQgetResult(conn));
  std::uint64_t copied = 0;
  std::optional<Error> error;
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    error = StatementFailure(conn, result.get(), target_, what);
  } else {
    copied = std::strtoull(PQcmdTuples(result.get()), nullptr, 10);
  }
  // Drain: libpq wants every result read before the next command.
  while (ResultPtr more{PQgetResult(conn)}) {
  }
  if (error) return tl::unexpected(std::move(*error));
  if (!sent) return failure(nullptr);
  return copied;
}

void PgConnection::AbortCopy() noexcept {
  if (!in_copy_) return;
  in_copy_ = false;
  PGconn* conn = handle_->conn.get();
  if (PQputCopyEnd(conn, "billflow abandoned the COPY") != 1) return;
  while (ResultPtr more{PQgetResult(conn)}) {
  }
}

std::string PgConnection::TlsCipher() const {
  PGconn* conn = handle_->conn.get();
  if (PQsslInUse(conn) == 0) return "";
  const char* cipher = PQsslAttribute(conn, "cipher");
  return cipher == nullptr ? "" : cipher;
}

}  // namespace billflow
