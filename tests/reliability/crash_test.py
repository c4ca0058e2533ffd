#!/usr/bin/python3
"""Crash safety: SIGKILL billflow (or the MariaDB server) at seeded random moments of large loads.

    crash_test.py --bin BILLFLOW --gen BILLFLOW_GEN [--backend sqlite|mysql|postgres] [--kill-server]
                  [--kills 50] [--rows 1000000] [--seed 2025] [--workdir DIR] [--keep]
                  [--source-dir REPO] [--buffer-pool 1G]

Two generated files (seeds S and S+1, answers from billflow_gen, which shares no code with
billflow) take turns at ONE path, so loads alternate between a first load and a replacement of
the previous version; every fifth round starts from an empty database. Each round:
  1. copy the round's content to the path, start `billflow ingest`, SIGKILL it after a random
     delay in [0, 1.1 x the measured load time];
  2. the database must be exactly the previous state or exactly the new one (never a mix), with
     its integrity check ok (SQLite PRAGMA integrity_check, MariaDB CHECK TABLE) and the ledger
     consistent;
  3. rerun the ingest to completion: exactly the new file's rows (count, distinct ids, rejects,
     USD total in cents), ledger row 'loaded' with the content's SHA-256, integrity ok.
--backend postgres does the same on a throwaway PostgreSQL 15 (scripts/postgres-test-server.sh,
tests/reliability/crash_postgres.py); integrity is amcheck's bt_index_check plus no orphan rows,
and --kill-server restarts the postmaster on its data directory (WAL recovery).
A kill that lands after the process has exited does not count; rounds go on until --kills
kills hit a live process. Prints one JSON summary line; exit 1 on the first violation.

--backend mysql runs the same rounds against a throwaway MariaDB server that this script starts
(scripts/mariadb-test-server.sh start WORKDIR/mariadb, stopped at the end) in a database of its
own; "empty database" rounds drop and recreate it (utf8mb4, utf8mb4_nopad_bin as bench/run.sh).
After a kill the state is read only once the server has ended the dead client's session (its
rollback done), so "old" means what InnoDB kept, not a snapshot taken mid-rollback.

--kill-server (mysql only) SIGKILLs mariadbd instead of billflow, then, after a random pause of up
to 5 s (the server is down, as in a restart or a failover), starts it again on the same datadir
with the same command line (InnoDB crash recovery). billflow's retry window (60 s by default)
outlasts that: it must reconnect and finish the file, exit 0, and the database must hold the new
version. The rerun must then find it unchanged and exact. The summary counts billflow's exit codes
and its first retry warnings (the original cause).
"""
import argparse
import collections
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import billflow_test as bt  # noqa: E402
from crash_postgres import PostgresDb, PostgresServer  # noqa: E402


def sh(*args, **kw):
    return subprocess.run(list(map(str, args)), check=True, **kw)


class SqliteDb:
    name = "sqlite"

    def __init__(self, path):
        self.path = path
        self.url = f"sqlite:{path}"
        self.env = {}

    def reset(self):
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)

    def quiesce(self):
        pass

    def query(self, sql):
        if not os.path.exists(self.path):
            return None
        return bt.query(self.path, sql)

    def integrity(self):
        rows = self.query("PRAGMA integrity_check")
        return rows is None or rows == [("ok",)]

    def has_schema(self):
        rows = self.query("SELECT name FROM sqlite_master WHERE name = 'billing_files'")
        return bool(rows)

    def state(self):
        """What is stored, as comparable numbers: None = nothing loaded."""
        if not self.has_schema():
            return None
        files = self.query("SELECT file_id, source, content_sha256, status, rows_read, rows_loaded, "
                           "rows_rejected, usd_total FROM billing_files ORDER BY file_id")
        data = self.query("SELECT file_id, COUNT(*), COUNT(DISTINCT id), "
                          "SUM(CAST(REPLACE(bill_amount_usd, '.', '') AS INTEGER)), "
                          "SUM(bill_amount_usd NOT GLOB '*.[0-9][0-9]') FROM billing_data GROUP BY file_id")
        rejects = self.query("SELECT file_id, COUNT(*) FROM billing_rejects GROUP BY file_id")
        return files, data, rejects

    def close(self):
        pass


class MariadbServer:
    """A throwaway server from scripts/mariadb-test-server.sh, which this class can SIGKILL and
    start again on the same datadir with the very command line the script used."""

    def __init__(self, script, directory, buffer_pool):
        self.script = script
        self.dir = directory
        sh(script, "start", directory, "--buffer-pool", buffer_pool, stdout=subprocess.DEVNULL)
        env = {}
        with open(os.path.join(directory, "env")) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("=")
                env[key] = value
        self.port = int(env["BILLFLOW_TEST_MYSQL_PORT"])
        self.user = env["BILLFLOW_TEST_MYSQL_USER"]
        self.password = env["BILLFLOW_TEST_MYSQL_PASSWORD"]
        self.pid_file = os.path.join(directory, "main", "mariadbd.pid")
        with open(self.pid_file) as f:
            self.pid = int(f.read())
        with open(f"/proc/{self.pid}/cmdline", "rb") as f:
            self.argv = [a.decode() for a in f.read().split(b"\0") if a]
        self.proc = None  # set once this class has restarted the server
        self.restarts = 0

    def kill(self):
        os.kill(self.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()
        else:
            for _ in range(600):  # not our child: wait until it is gone
                if not os.path.exists(f"/proc/{self.pid}") or \
                        open(f"/proc/{self.pid}/stat").read().split(") ")[1].startswith("Z"):
                    break
                time.sleep(0.01)

    def restart(self):
        log = os.path.join(self.dir, "main", "err.log")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.proc.pid
        with open(self.pid_file, "w") as f:  # so that `mariadb-test-server.sh stop` finds it
            f.write(f"{self.pid}\n")
        self.restarts += 1
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mariadbd exited {self.proc.returncode} on restart (log: {log})")
            try:
                self.connect(None).close()
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError(f"mariadbd did not answer within 300 s of a restart (log: {log})")

    def connect(self, database):
        import pymysql
        return pymysql.connect(host="127.0.0.1", port=self.port, user=self.user, password=self.password,
                               database=database, connect_timeout=10, autocommit=True)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            sh("mariadb-admin", "--no-defaults", "-S", os.path.join(self.dir, "main", "sock"), "-uroot",
               "shutdown", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.proc.wait(timeout=120)
        subprocess.run([self.script, "stop", self.dir], stdout=subprocess.DEVNULL)


class MariadbDb:
    name = "mysql"

    def __init__(self, server, database):
        self.server = server
        self.database = database
        self.url = f"mysql://{server.user}@127.0.0.1:{server.port}/{database}"
        self.env = {"BILLFLOW_DB_PASSWORD": server.password}
        conn = server.connect(None)
        with conn.cursor() as cur:
            cur.execute("SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME "
                        "IN ('utf8mb4_nopad_bin', 'utf8mb4_bin') ORDER BY 1 DESC LIMIT 1")
            self.collation = cur.fetchone()[0]
        conn.close()

    def query(self, sql, database=True):
        conn = self.server.connect(self.database if database else None)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return [tuple(r) for r in cur.fetchall()]
        finally:
            conn.close()

    def reset(self):
        self.quiesce()
        self.query(f"DROP DATABASE IF EXISTS {self.database}", database=False)
        self.query(f"CREATE DATABASE {self.database} CHARACTER SET utf8mb4 COLLATE {self.collation}",
                   database=False)

    def quiesce(self, timeout=600):
        """Waits until no other session of the test user is left (a killed client's session
        lives on until the server notices and has rolled its transaction back)."""
        deadline = time.monotonic() + timeout
        while True:
            others = self.query("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = "
                                f"'{self.server.user}' AND ID <> CONNECTION_ID()", database=False)
            if others[0][0] == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"sessions of a killed billflow still open after {timeout} s")
            time.sleep(0.05)

    def has_schema(self):
        rows = self.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                          f"'{self.database}' AND TABLE_NAME IN ('billing_files', 'billing_data', "
                          "'billing_rejects')", database=False)
        return rows[0][0] == 3

    def integrity(self):
        if not self.has_schema():
            return True
        rows = self.query("CHECK TABLE billing_files, billing_data, billing_rejects")
        return all(r[3] == "OK" for r in rows if r[2] == "status") and \
            not any(r[2] == "error" for r in rows)

    def state(self):
        if not self.has_schema():
            return None
        files = self.query("SELECT file_id, source, content_sha256, status, rows_read, rows_loaded, "
                           "rows_rejected, CAST(usd_total AS CHAR) FROM billing_files ORDER BY file_id")
        # SUM over DECIMAL is exact; DECIMAL(19,2) always has two decimals (last column 0).
        data = [(f, n, d, cents(s), 0) for f, n, d, s in self.query(
            "SELECT file_id, COUNT(*), COUNT(DISTINCT id), CAST(SUM(bill_amount_usd) AS CHAR) "
            "FROM billing_data GROUP BY file_id ORDER BY file_id")]
        rejects = self.query("SELECT file_id, COUNT(*) FROM billing_rejects GROUP BY file_id ORDER BY file_id")
        return files, data, rejects


def cents(text):
    whole, _, frac = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((frac + "00")[:2]))


def expected_state(db_state, answer, sha):
    """Checks one loaded file against its answer; returns an error text or None."""
    if db_state is None:
        return "nothing stored"
    files, data, rejects = db_state
    if len(files) != 1:
        return f"{len(files)} ledger rows, want 1: {files}"
    file_id, _source, stored_sha, status, rows_read, rows_loaded, rows_rejected, usd_total = files[0]
    want = (sha, "loaded", answer["rows"], answer["valid"], answer["rejected"], answer["usd_total"])
    got = (stored_sha, status, rows_read, rows_loaded, rows_rejected, usd_total)
    if got != want:
        return f"ledger {got}, want {want}"
    if data != [(file_id, answer["valid"], answer["valid"], cents(answer["usd_total"]), 0)]:
        return f"billing_data {data}, want {answer['valid']} distinct rows, {answer['usd_total']} USD"
    if rejects != [(file_id, answer["rejected"])]:
        return f"billing_rejects {rejects}, want {answer['rejected']}"
    return None


def empty_state(db_state, allow_failed):
    """None when nothing is loaded: no tables, empty tables, or (allow_failed) one 'failed'
    ledger row with no rows and no rejects, billflow's record of a load that did not happen."""
    if db_state is None:
        return None
    files, data, rejects = db_state
    if data or rejects:
        return f"not empty: billing_data {data}, billing_rejects {rejects}"
    if not files:
        return None
    if allow_failed and len(files) == 1 and files[0][3] == "failed":
        return None
    return f"not empty: {files}"


def first_error_line(stderr):
    """billflow's first error line (JSON log lines on a pipe; the first warning if no error),
    shortened: it is reported, not compared."""
    warning = ""
    for line in stderr.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            if line.strip():
                return line.strip()[:300]
            continue
        if entry.get("level") == "error":
            return str(entry.get("msg", line))[:300]
        if entry.get("level") in ("warn", "warning") and not warning:
            warning = str(entry.get("msg", line))[:300]
    return warning


def first_warning_line(stderr):
    """billflow's first warning, e.g. 'attempt 2 after: …' naming what broke the first try."""
    for line in stderr.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("level") in ("warn", "warning"):
            return str(entry.get("msg", line))[:300]
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--backend", choices=["sqlite", "mysql", "postgres"], default="sqlite")
    ap.add_argument("--kill-server", action="store_true",
                    help="mysql, postgres: SIGKILL the server mid-load instead of billflow")
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--source-dir", default=os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), help="repository root (for scripts/mariadb-test-server.sh)")
    ap.add_argument("--buffer-pool", default="1G", help="mysql: innodb_buffer_pool_size")
    args = ap.parse_args()
    if args.kill_server and args.backend == "sqlite":
        ap.error("--kill-server needs --backend mysql or postgres")

    work = args.workdir or tempfile.mkdtemp(prefix="billflow_crash_")
    os.makedirs(work, exist_ok=True)
    rng = random.Random(args.seed)
    versions = []
    for k in range(2):
        out = os.path.join(work, f"v{k}.csv")
        ans = os.path.join(work, f"v{k}.json")
        sh(args.gen, "--rows", args.rows, "--seed", args.seed + k, "--out", out, "--answer", ans)
        with open(out, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        with open(ans) as f:
            versions.append({"path": out, "answer": json.load(f), "sha": sha})
    target = os.path.join(work, "billing.csv")
    server = None
    if args.backend == "mysql":
        server = MariadbServer(os.path.join(args.source_dir, "scripts", "mariadb-test-server.sh"),
                               os.path.join(work, "mariadb"), args.buffer_pool)
        db = MariadbDb(server, "billflow_crash")
    elif args.backend == "postgres":
        server = PostgresServer(os.path.join(args.source_dir, "scripts", "postgres-test-server.sh"),
                                os.path.join(work, "postgres"))
        db = PostgresDb(server, "billflow_crash")
    else:
        db = SqliteDb(os.path.join(work, "crash.db"))
    env = bt.clean_env()
    env.update(db.env)

    def ingest_cmd():
        return [args.bin, "ingest", "--db", db.url, "-q", target]

    def put(version):
        tmp = target + ".tmp"
        shutil.copyfile(version["path"], tmp)
        os.replace(tmp, target)

    def finish(code):
        if server is not None:
            server.stop()
        if code == 0 and not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
        sys.exit(code)

    def fail(message):
        print(json.dumps({"result": "FAIL", "backend": args.backend, "kill": kill_what,
                          "message": message, "workdir": work}), flush=True)
        finish(1)

    kill_what = "server" if args.kill_server else "billflow"
    try:
        run(args, db, server, versions, target, env, ingest_cmd, put, fail, rng, kill_what)
    except Exception as e:  # a harness failure (server would not restart, …): report, clean up
        fail(f"{type(e).__name__}: {e}")
    finish(0)


def run(args, db, server, versions, target, env, ingest_cmd, put, fail, rng, kill_what):
    # Baseline: how long one load of this size takes here (first load, from empty).
    db.reset()
    put(versions[0])
    started = time.monotonic()
    sh(*ingest_cmd(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    load_seconds = time.monotonic() - started
    err = expected_state(db.state(), versions[0]["answer"], versions[0]["sha"])
    if err:
        fail(f"baseline load: {err}")

    kills = late = rounds = rolled_back = committed = failed_rows = 0
    previous = 0  # index of the version the database holds (None = empty)
    delays = []
    exit_codes = collections.Counter()   # --kill-server: billflow's exit code after a server kill
    errors = collections.Counter()       # … and its first error line, digits masked
    warnings = collections.Counter()     # … and its first retry warning (the original cause)
    outcomes = collections.Counter()     # --kill-server: restart policy -> exit 0 / non-zero
    stderr_path = os.path.join(os.path.dirname(target), "ingest.err")
    started_all = time.monotonic()
    while kills < args.kills:
        if rounds > args.kills * 3:
            fail(f"only {kills} of {rounds} kills hit a live process")
        current = (rounds + 1) % 2
        if rounds % 5 == 4:
            db.reset()
            previous = None
        put(versions[current])
        rounds += 1
        delay = rng.uniform(0, 1.1 * load_seconds)
        with open(stderr_path, "wb") as err_file:
            proc = subprocess.Popen(ingest_cmd(), env=env, stdout=subprocess.DEVNULL, stderr=err_file)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            pass
        alive = proc.poll() is None
        if alive and kill_what == "server":
            server.kill()
            time.sleep(rng.uniform(0, 5))  # down for a while, inside billflow's retry window
            server.restart()
            try:
                proc.wait(timeout=600)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                fail(f"round {rounds}: billflow still running 600 s after the server was killed")
        elif alive:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        if alive:
            kills += 1
            delays.append(round(delay / load_seconds, 3))
        else:
            late += 1
            if proc.returncode != 0:
                fail(f"round {rounds}: ingest exited {proc.returncode} before the kill")
        with open(stderr_path, "rb") as f:
            stderr = f.read().decode(errors="replace")
        if alive and kill_what == "server":
            exit_codes[proc.returncode] += 1
            if proc.returncode != 0:
                line = first_error_line(stderr)
                if not line:
                    fail(f"round {rounds}: billflow exited {proc.returncode} with no error message")
                # Paths, ports and counts masked so that equal messages count together.
                errors[re.sub(r"\d+", "N", line.replace(target, "FILE"))] += 1
            warning = first_warning_line(stderr)
            if warning:
                warnings[re.sub(r"\d+", "N", warning.replace(target, "FILE"))] += 1

        # Right after the kill (once the server has ended the dead session): exactly the old
        # state or exactly the new one.
        db.quiesce()
        if not db.integrity():
            fail(f"round {rounds}: integrity check failed after the kill")
        state = db.state()
        new_err = expected_state(state, versions[current]["answer"], versions[current]["sha"])
        if previous is None:
            old_err = empty_state(state, allow_failed=kill_what == "server")
            if old_err is None and state and state[0]:
                failed_rows += 1
        else:
            old_err = expected_state(state, versions[previous]["answer"], versions[previous]["sha"])
        if alive and kill_what == "server":
            outcomes[f"restart_during_retries: exit {proc.returncode}, "
                     f"{'new' if new_err is None else 'old' if old_err is None else 'mixed'}"] += 1
            if proc.returncode != 0:
                fail(f"round {rounds}: billflow exited {proc.returncode} although the server was "
                     f"back inside its retry window: {first_error_line(stderr)}")
        if new_err is None:
            committed += alive
        elif old_err is None:
            rolled_back += 1
            if not alive or (kill_what == "server" and proc.returncode == 0):
                fail(f"round {rounds}: billflow exited 0 but the database holds the old state")
        else:
            fail(f"round {rounds} (kill at {delay:.2f}s): neither old ({old_err}) nor new ({new_err})")

        # Rerun to completion: exactly the new version.
        p = subprocess.run(ingest_cmd(), env=env, capture_output=True)
        if p.returncode != 0:
            fail(f"round {rounds}: rerun exited {p.returncode}: {p.stderr.decode()[-500:]}")
        if not db.integrity():
            fail(f"round {rounds}: integrity check failed after the rerun")
        err = expected_state(db.state(), versions[current]["answer"], versions[current]["sha"])
        if err:
            fail(f"round {rounds}: after the rerun: {err}")
        previous = current

    summary = {"result": "PASS", "backend": db.name, "kill": kill_what, "rows_per_file": args.rows,
               "kills": kills, "rounds": rounds, "finished_before_kill": late,
               "rolled_back": rolled_back,
               "killed_after_commit" if kill_what == "billflow" else "new_state_after_kill": committed,
               "load_seconds": round(load_seconds, 2),
               "kill_points_min_max": [min(delays), max(delays)] if delays else None,
               "reruns_exact": rounds}
    if kill_what == "server":
        summary.update({"server_restarts": server.restarts,
                        "billflow_exit_codes": {str(k): v for k, v in sorted(exit_codes.items())},
                        "outcomes": dict(sorted(outcomes.items())),
                        "failed_ledger_rows_seen": failed_rows,
                        "first_error_lines": dict(errors.most_common()),
                        "first_warning_lines": dict(warnings.most_common())})
    summary.update({"seconds": round(time.monotonic() - started_all, 1), "seed": args.seed})
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
