"""The database engines behind tools/data_api_emulator.py: Aurora MySQL (pymysql) and Aurora
PostgreSQL (psycopg2), each answering as the real Data API does on that engine.

An engine turns Data API parameters into driver parameters, runs statements and reports
database errors as ApiError("BadRequestException", text) with the text the service gives:
  MySQL:      "Database error code: 1062. Message: Duplicate entry 'b' for key 'PRIMARY'"
  PostgreSQL: "ERROR: duplicate key value violates unique constraint \"t_pkey\"
                 Detail: Key (id)=(b) already exists.; SQLState: 23505"

Parameter types on PostgreSQL follow the service, whose PostgreSQL side binds like JDBC with
stringtype=VARCHAR: a stringValue without typeHint is a `character varying` value (so a
NUMERIC or DATE column refuses it with SQLState 42804 unless the SQL casts it), typeHint
DECIMAL / DATE / TIME / TIMESTAMP / UUID / JSON make it numeric / date / time / timestamp /
uuid / json; longValue is bigint, doubleValue float8, booleanValue boolean, blobValue bytea,
isNull an untyped NULL. MySQL converts text implicitly, so there values are passed as they are.
"""
import base64


class ApiError(Exception):
    def __init__(self, error_type, message, status=400):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.status = status


def to_driver_sql(sql, backslash_escapes):
    """Rewrites :name placeholders outside quotes to %(name)s (and % to %%), the pyformat style
    of both drivers. `::type` casts are left alone. backslash_escapes: inside quotes a
    backslash escapes the next character (MySQL; not PostgreSQL's standard strings)."""
    out = []
    i = 0
    quote = None
    while i < len(sql):
        c = sql[i]
        if quote:
            out.append("%%" if c == "%" else c)
            if c == "\\" and backslash_escapes and quote != "`" and i + 1 < len(sql):
                out.append("%%" if sql[i + 1] == "%" else sql[i + 1])
                i += 2
                continue
            if c == quote:
                quote = None
            i += 1
            continue
        if c in ("'", '"', "`"):
            quote = c
            out.append(c)
            i += 1
            continue
        if c == ":" and i + 1 < len(sql) and (sql[i + 1].isalpha() or sql[i + 1] == "_") and \
                (i == 0 or sql[i - 1] != ":"):
            j = i + 1
            while j < len(sql) and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            out.append(f"%({sql[i + 1:j]})s")
            i = j
            continue
        out.append("%%" if c == "%" else c)
        i += 1
    return "".join(out)


def plain_value(parameter):
    value = parameter.get("value", {})
    if value.get("isNull"):
        return None
    for key in ("stringValue", "longValue", "doubleValue", "booleanValue"):
        if key in value:
            return value[key]
    if "blobValue" in value:
        return base64.b64decode(value["blobValue"])
    raise ApiError("BadRequestException", f"unsupported value for parameter {parameter.get('name')}")


class MysqlEngine:
    name = "mysql"

    def __init__(self, args):
        import pymysql
        self.driver = pymysql
        self.args = args
        self.error = pymysql.MySQLError

    def connect(self, database, autocommit):
        connection = self.driver.connect(
            host=self.args.mysql_host, port=self.args.mysql_port, user=self.args.mysql_user,
            password=self.args.mysql_password, database=database or None, autocommit=autocommit,
            charset="utf8mb4")
        if not autocommit:
            connection.begin()
        return connection

    def describe(self, error):
        code = error.args[0] if error.args else 0
        message = error.args[1] if len(error.args) > 1 else str(error)
        return f"Database error code: {code}. Message: {message}"

    def run(self, connection, sql, parameter_sets):
        driver_sql = to_driver_sql(sql, backslash_escapes=True)
        sets = [{p["name"]: plain_value(p) for p in s or []} for s in parameter_sets]
        with connection.cursor() as cursor:
            updated = 0
            rows = None
            if len(sets) > 1:
                # pymysql folds INSERT … VALUES into multi-row statements here.
                cursor.executemany(driver_sql, sets)
                return None, max(cursor.rowcount, 0), None, None
            # pymysql applies %-formatting (which turns the %% of to_driver_sql back into %)
            # only when given parameters, so an empty mapping is passed too.
            cursor.execute(driver_sql, sets[0] if sets else {})
            if cursor.description is None:
                updated = max(cursor.rowcount, 0)
            else:
                rows = cursor.fetchall()
            return rows, updated, cursor.lastrowid, cursor.description


class PostgresEngine:
    name = "postgres"
    # typeHint → the type the service binds a stringValue as.
    HINTED = {"DECIMAL": "numeric", "DATE": "date", "TIME": "time", "TIMESTAMP": "timestamp",
              "UUID": "uuid", "JSON": "json"}

    def __init__(self, args):
        import psycopg2
        import psycopg2.extensions
        import psycopg2.extras
        self.driver = psycopg2
        self.extras = psycopg2.extras
        self.args = args
        self.error = psycopg2.Error
        adapt = psycopg2.extensions.adapt

        class Typed:
            """A parameter rendered with the type the service would bind it as."""

            def __init__(self, value, sql_type):
                self.value = value
                self.sql_type = sql_type

            def __conform__(self, protocol):
                return self if protocol is psycopg2.extensions.ISQLQuote else None

            def prepare(self, connection):
                self.connection = connection

            def getquoted(self):
                inner = adapt(self.value)
                if hasattr(inner, "prepare"):
                    inner.prepare(self.connection)
                return b"(" + inner.getquoted() + b"::" + self.sql_type.encode("ascii") + b")"

        self.typed = Typed

    def connect(self, database, autocommit):
        connection = self.driver.connect(
            host=self.args.pg_host, port=self.args.pg_port, user=self.args.pg_user,
            password=self.args.pg_password, dbname=database or self.args.pg_database)
        connection.autocommit = autocommit
        return connection

    def value(self, parameter):
        value = parameter.get("value", {})
        if value.get("isNull"):
            return None
        if "stringValue" in value:
            hint = parameter.get("typeHint")
            if hint is not None and hint not in self.HINTED:
                raise ApiError("BadRequestException", f"unsupported typeHint {hint}")
            return self.typed(value["stringValue"], self.HINTED.get(hint, "varchar"))
        if "longValue" in value:
            return self.typed(int(value["longValue"]), "bigint")
        if "doubleValue" in value:
            return self.typed(float(value["doubleValue"]), "float8")
        if "booleanValue" in value:
            return self.typed(bool(value["booleanValue"]), "boolean")
        if "blobValue" in value:
            return self.typed(self.driver.Binary(base64.b64decode(value["blobValue"])), "bytea")
        raise ApiError("BadRequestException",
                       f"unsupported value for parameter {parameter.get('name')}")

    def describe(self, error):
        # No "Position:": it would count in the driver's rewritten SQL, not the caller's.
        diag = error.diag
        if error.pgcode is None or diag.message_primary is None:
            return f"{str(error).strip()}; SQLState: {error.pgcode or '08006'}"
        text = f"{diag.severity or 'ERROR'}: {diag.message_primary}"
        if diag.message_detail:
            text += f"\n  Detail: {diag.message_detail}"
        if diag.message_hint:
            text += f"\n  Hint: {diag.message_hint}"
        return f"{text}; SQLState: {error.pgcode}"

    def run(self, connection, sql, parameter_sets):
        driver_sql = to_driver_sql(sql, backslash_escapes=False)
        sets = [{p["name"]: self.value(p) for p in s or []} for s in parameter_sets]
        with connection.cursor() as cursor:
            if len(sets) > 1:
                self.extras.execute_batch(cursor, driver_sql, sets, page_size=200)
                return None, 0, None, None
            # psycopg2 %-formats (turning %% back into %) whenever given a mapping, even empty.
            cursor.execute(driver_sql, sets[0] if sets else {})
            if cursor.description is None:
                return None, max(cursor.rowcount, 0), None, None
            return cursor.fetchall(), 0, None, cursor.description


def make_engine(args):
    return PostgresEngine(args) if args.engine == "postgres" else MysqlEngine(args)
