#include <errmsg.h>
#include <mysqld_error.h>

#include "sinks/mysql_connection.h"

namespace billflow {

// By number, never by message text: the wording differs between MySQL, MariaDB and versions.
ErrorCode MysqlErrorCode(unsigned error_number) {
  switch (error_number) {
    case CR_CONNECTION_ERROR:           // 2002
    case CR_CONN_HOST_ERROR:            // 2003
    case CR_SERVER_GONE_ERROR:          // 2006
    case CR_SERVER_LOST:                // 2013
    case CR_SERVER_LOST_EXTENDED:       // 2055
    case ER_SERVER_SHUTDOWN:            // 1053
    case ER_CONNECTION_KILLED:          // 1927
    case ER_OPTION_PREVENTS_STATEMENT:  // 1290: --read-only writer after a failover
    case ER_READ_ONLY_MODE:             // 1836
    case ER_CON_COUNT_ERROR:            // 1040: too many connections
      return ErrorCode::kUnavailable;
    case ER_LOCK_DEADLOCK:      // 1213
    case ER_LOCK_WAIT_TIMEOUT:  // 1205
      return ErrorCode::kConflict;
    case ER_ACCESS_DENIED_ERROR:  // 1045
    case ER_DBACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case CR_SSL_CONNECTION_ERROR:  // 2026
    case CR_AUTH_PLUGIN_CANNOT_LOAD:
      return ErrorCode::kPermissionDenied;
    default:
      return ErrorCode::kDatabase;
  }
}

}  // namespace billflow
