#pragma once

#include <optional>

#include "sinks/mysql_options.h"

namespace billflow {

// Reads the server's greeting on a connection of our own and tells whether it offers TLS
// (CLIENT_SSL). nullopt when that cannot be told (no greeting, an error packet): the real
// connect then reports the problem.
//
// Why: libmariadb 3.3 refuses a server without TLS only when it also checks the host name
// (MYSQL_OPT_SSL_VERIFY_SERVER_CERT). With tls=require or verify-ca it silently goes on in
// clear text and sends the authentication response before billflow can look — measured
// against a --skip-ssl server. So for those modes billflow asks first and sends nothing when
// TLS is not on offer. (The check after connecting stays, for a server that lies.)
std::optional<bool> MysqlServerOffersTls(const MysqlOptions& options);

}  // namespace billflow
