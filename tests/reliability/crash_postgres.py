"""The PostgreSQL backend of crash_test.py: a throwaway server from
scripts/postgres-test-server.sh (--only main) that can be SIGKILLed and started again on the same
data directory (WAL crash recovery), and a database on it read through psql (no Python driver
is needed). The state has the shape crash_test.py compares for every backend."""
import os
import signal
import subprocess
import time

PG_BIN = "/usr/lib/postgresql/15/bin"


def _sh(*args, **kw):
    return subprocess.run(list(map(str, args)), check=True, **kw)


class PostgresServer:
    def __init__(self, script, directory):
        self.script = script
        self.dir = directory
        # The server runs as an unprivileged user (as root): it must reach DIR through the work
        # directory, which tempfile.mkdtemp made private.
        os.chmod(os.path.dirname(directory), 0o755)
        # A commit the server acknowledged must survive its SIGKILL: the test server's
        # synchronous_commit=off would lose the last ones (billflow printed "replaced", the
        # restarted server held the old version).
        _sh(script, "start", directory, "--only", "main", stdout=subprocess.DEVNULL,
            env={**os.environ, "BILLFLOW_TEST_PG_SYNCHRONOUS_COMMIT": "on"})
        env = {}
        with open(os.path.join(directory, "env")) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("=")
                env[key] = value
        self.port = int(env["BILLFLOW_TEST_PG_PORT"])
        self.user = env["BILLFLOW_TEST_PG_USER"]
        self.password = env["BILLFLOW_TEST_PG_PASSWORD"]
        self.pid_file = os.path.join(directory, "main", "postgres.pid")
        with open(self.pid_file) as f:
            self.pid = int(f.read())
        with open(f"/proc/{self.pid}/cmdline", "rb") as f:
            self.argv = [a.decode() for a in f.read().split(b"\0") if a]
        self.restarts = 0
        self.proc = None

    def psql(self, database, sql):
        """Rows of `sql` as tuples of strings (tab-separated, unaligned output)."""
        env = {"PATH": "/usr/bin:/bin", "PGPASSWORD": self.password, "PGCONNECT_TIMEOUT": "10"}
        out = subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                              "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", database,
                              "-c", sql], env=env, capture_output=True, check=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    def kill(self):
        os.kill(self.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()
        for _ in range(600):  # the postmaster's children leave with it
            if not os.path.exists(f"/proc/{self.pid}"):
                break
            time.sleep(0.01)

    def restart(self):
        # As root through runuser, as the script started it. Backends of the killed postmaster
        # may hold its shared memory for a moment: a start refused for that is tried again.
        argv = self.argv if os.getuid() != 0 else ["runuser", "-u", "billflow-pg", "--"] + self.argv
        deadline = time.monotonic() + 300
        log_path = os.path.join(self.dir, "main", "server.log")
        while time.monotonic() < deadline:
            with open(log_path, "ab") as log:
                self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                             start_new_session=True)
            while self.proc.poll() is None and time.monotonic() < deadline:
                try:
                    self.psql("postgres", "SELECT 1")
                    with open(os.path.join(self.dir, "main", "data", "postmaster.pid")) as f:
                        self.pid = int(f.readline())
                    with open(self.pid_file, "w") as f:  # for `postgres-test-server.sh stop`
                        f.write(f"{self.pid}\n")
                    self.restarts += 1
                    return
                except subprocess.CalledProcessError:
                    time.sleep(0.05)
            time.sleep(0.2)
        raise RuntimeError(f"postgres did not come back within 300 s (log: {log_path})")

    def stop(self):
        subprocess.run([self.script, "stop", self.dir], stdout=subprocess.DEVNULL)
        if self.proc is not None:
            self.proc.wait(timeout=120)


def _cents(text):
    whole, _, frac = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((frac + "00")[:2]))


class PostgresDb:
    name = "postgres"

    def __init__(self, server, database):
        self.server = server
        self.database = database
        self.url = f"postgres://{server.user}@127.0.0.1:{server.port}/{database}"
        self.env = {"BILLFLOW_DB_PASSWORD": server.password}

    def query(self, sql):
        return self.server.psql(self.database, sql)

    def reset(self):
        self.quiesce()
        self.server.psql("postgres", f"DROP DATABASE IF EXISTS {self.database}")
        self.server.psql("postgres", f"CREATE DATABASE {self.database}")

    def quiesce(self, timeout=600):
        """Waits until the server has ended every session of a killed billflow (its rollback
        done)."""
        deadline = time.monotonic() + timeout
        while self.server.psql("postgres", "SELECT COUNT(*) FROM pg_stat_activity WHERE "
                               "application_name = 'billflow'")[0][0] != "0":
            if time.monotonic() > deadline:
                raise RuntimeError(f"sessions of a killed billflow still open after {timeout} s")
            time.sleep(0.05)

    def has_schema(self):
        rows = self.query("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tablename "
                          "IN ('billing_files', 'billing_data', 'billing_rejects')")
        return rows[0][0] == "3"

    def integrity(self):
        """B-tree checks (amcheck) of every index, and no row without its ledger entry."""
        if not self.has_schema():
            return True
        self.query("CREATE EXTENSION IF NOT EXISTS amcheck")
        self.query("SELECT bt_index_check(c.oid, true) FROM pg_index i JOIN pg_class c ON "
                   "c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = 'public'")
        orphans = self.query("SELECT (SELECT COUNT(*) FROM billing_data d WHERE NOT EXISTS (SELECT 1 "
                             "FROM billing_files f WHERE f.file_id = d.file_id)) + (SELECT COUNT(*) "
                             "FROM billing_rejects r WHERE NOT EXISTS (SELECT 1 FROM billing_files f "
                             "WHERE f.file_id = r.file_id))")
        return orphans[0][0] == "0"

    def state(self):
        if not self.has_schema():
            return None
        files = [(int(f), s, sha, st, int(r), int(lo), int(rj), usd) for f, s, sha, st, r, lo, rj, usd in
                 self.query("SELECT file_id, source, content_sha256, status, rows_read, rows_loaded, "
                            "rows_rejected, usd_total FROM billing_files ORDER BY file_id")]
        data = [(int(f), int(n), int(d), _cents(s), 0) for f, n, d, s in self.query(
            "SELECT file_id, COUNT(*), COUNT(DISTINCT id), SUM(bill_amount_usd) FROM billing_data "
            "GROUP BY file_id ORDER BY file_id")]
        rejects = [(int(f), int(n)) for f, n in self.query(
            "SELECT file_id, COUNT(*) FROM billing_rejects GROUP BY file_id ORDER BY file_id")]
        return files, data, rejects
