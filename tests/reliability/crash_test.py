#!/usr/bin/python3
"""Crash safety: SIGKILL billflow at seeded random moments of large loads, then rerun.

    crash_test.py --bin BILLFLOW --gen BILLFLOW_GEN [--kills 50] [--rows 1000000] [--seed 2025]
                  [--workdir DIR] [--keep]

Two generated files (seeds S and S+1, answers from billflow_gen, which shares no code with
billflow) take turns at ONE path, so loads alternate between a first load and a replacement of
the previous version; every fifth round starts from an empty database. Each round:
  1. copy the round's content to the path, start `billflow ingest`, SIGKILL it after a random
     delay in [0, 1.1 x the measured load time];
  2. the database must be exactly the previous state or exactly the new one (never a mix), with
     PRAGMA integrity_check ok and the ledger consistent;
  3. rerun the ingest to completion: exactly the new file's rows (count, distinct ids, rejects,
     USD total in cents), ledger row 'loaded' with the content's SHA-256, integrity ok.
A kill that lands after the process has exited does not count; rounds go on until --kills
kills hit a live process. Prints one JSON summary line; exit 1 on the first violation.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time


def sh(*args, **kw):
    return subprocess.run(list(map(str, args)), check=True, **kw)


class SqliteDb:
    def __init__(self, path):
        self.path = path
        self.url = f"sqlite:{path}"

    def reset(self):
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)

    def query(self, sql):
        if not os.path.exists(self.path):
            return None
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()

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
    db = SqliteDb(os.path.join(work, "crash.db"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILLFLOW_")}

    def ingest_cmd():
        return [args.bin, "ingest", "--db", db.url, "-q", target]

    def put(version):
        tmp = target + ".tmp"
        shutil.copyfile(version["path"], tmp)
        os.replace(tmp, target)

    def fail(message):
        print(json.dumps({"result": "FAIL", "message": message, "workdir": work}), flush=True)
        sys.exit(1)

    # Baseline: how long one load of this size takes here (first load, from empty).
    db.reset()
    put(versions[0])
    started = time.monotonic()
    sh(*ingest_cmd(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    load_seconds = time.monotonic() - started
    err = expected_state(db.state(), versions[0]["answer"], versions[0]["sha"])
    if err:
        fail(f"baseline load: {err}")

    kills = late = rounds = rolled_back = committed = 0
    previous = 0  # index of the version the database holds (None = empty)
    delays = []
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
        proc = subprocess.Popen(ingest_cmd(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            pass
        alive = proc.poll() is None
        if alive:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        if alive:
            kills += 1
            delays.append(round(delay / load_seconds, 3))
        else:
            late += 1
            if proc.returncode != 0:
                fail(f"round {rounds}: ingest exited {proc.returncode} before the kill")

        # Right after the kill: exactly the old state or exactly the new one.
        if not db.integrity():
            fail(f"round {rounds}: integrity_check failed after the kill")
        state = db.state()
        new_err = expected_state(state, versions[current]["answer"], versions[current]["sha"])
        if previous is None:
            empty = state is None or (state[0] == [] and state[1] == [] and state[2] == [])
            old_err = None if empty else f"not empty: {state[0]}"
        else:
            old_err = expected_state(state, versions[previous]["answer"], versions[previous]["sha"])
        if new_err is None:
            committed += alive
        elif old_err is None:
            rolled_back += 1
            if not alive:
                fail(f"round {rounds}: load finished but the database holds the old state")
        else:
            fail(f"round {rounds} (kill at {delay:.2f}s): neither old ({old_err}) nor new ({new_err})")

        # Rerun to completion: exactly the new version.
        p = subprocess.run(ingest_cmd(), env=env, capture_output=True)
        if p.returncode != 0:
            fail(f"round {rounds}: rerun exited {p.returncode}: {p.stderr.decode()[-500:]}")
        if not db.integrity():
            fail(f"round {rounds}: integrity_check failed after the rerun")
        err = expected_state(db.state(), versions[current]["answer"], versions[current]["sha"])
        if err:
            fail(f"round {rounds}: after the rerun: {err}")
        previous = current

    summary = {"result": "PASS", "backend": "sqlite", "rows_per_file": args.rows, "kills": kills,
               "rounds": rounds, "finished_before_kill": late, "rolled_back": rolled_back,
               "killed_after_commit": committed, "load_seconds": round(load_seconds, 2),
               "kill_points_min_max": [min(delays), max(delays)] if delays else None,
               "reruns_exact": rounds, "seed": args.seed}
    print(json.dumps(summary), flush=True)
    if not args.keep and not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
