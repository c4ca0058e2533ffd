"""clang-tidy (.clang-tidy at the repository root) on the C++ lines a change touched.

usage: clang_tidy_changed.py REPO_ROOT BUILD_DIR

The change is everything between a base commit and the work tree (uncommitted edits count):
the merge base with `main` (or `origin/main`) when HEAD is not on it, else HEAD's first parent,
so a branch is checked for all it adds and main for its last commit or merge. Each changed .cc
file with an entry in BUILD_DIR/compile_commands.json is analysed, and so is the .cc of the same
name for each changed header; only diagnostics on changed lines count, so code nobody touched
does not fail a change. Fails (exit 1) listing every diagnostic, passes when there is none or
nothing changed. The whole tree is not checked: it predates the checks, and a full run takes
longer than the rest of the suite.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SOURCES = re.compile(r"^(src|tests|bench|tools)/.*\.(cc|h)$")
HUNK = re.compile(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@")
DIAGNOSTIC = re.compile(r"^(\S+):(\d+):(\d+): (warning|error): (.*)$")


def git(root, *args, check=True):
    p = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout.strip() if p.returncode == 0 else None


def base_commit(root):
    """(commit, why) the change is measured from, or (None, why) when there is none."""
    head = git(root, "rev-parse", "HEAD")
    for ref in ("main", "origin/main"):
        if git(root, "rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False):
            merge_base = git(root, "merge-base", "HEAD", ref, check=False)
            if merge_base and merge_base != head:
                return merge_base, f"the merge base with {ref}"
            break
    parent = git(root, "rev-parse", "-q", "--verify", "HEAD~1^{commit}", check=False)
    if parent:
        return parent, "HEAD's first parent"
    return None, "HEAD has no parent (a single-commit or shallow clone)"


def changed_lines(root, base):
    """{path: [[first, last], ...]} of added or changed lines per C++ file, paths repo-relative."""
    diff = git(root, "diff", "-U0", "--no-color", "--no-ext-diff", base, "--", "*.cc", "*.h")
    lines, path = {}, None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            path = name[2:] if name.startswith("b/") and SOURCES.match(name[2:]) else None
        elif path and (m := HUNK.match(line)):
            first, count = int(m.group(1)), int(m.group(2) or 1)
            if count:
                lines.setdefault(path, []).append([first, first + count - 1])
    return lines


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    root, build = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    tidy = shutil.which("clang-tidy-14") or shutil.which("clang-tidy")
    if not tidy:
        sys.exit("FAIL - clang-tidy is not installed (bash scripts/setup.sh test installs it)")
    if git(root, "rev-parse", "--is-inside-work-tree", check=False) != "true":
        print(f"ok - {root} is not a git work tree: no change to check")
        print("1 passed, 0 failed")
        return
    database = build / "compile_commands.json"
    if not database.exists():
        sys.exit(f"FAIL - {database} is missing (CMAKE_EXPORT_COMPILE_COMMANDS is on: configure first)")
    compiled = {Path(e["file"]).resolve() for e in json.loads(database.read_text())}

    base, why = base_commit(root)
    if base is None:
        print(f"ok - {why}: no change to check")
        print("1 passed, 0 failed")
        return
    lines = changed_lines(root, base)
    units = set()
    for path in lines:
        for candidate in (root / path, (root / path).with_suffix(".cc")):
            if candidate.resolve() in compiled:
                units.add(candidate.resolve())
    print(f"clang-tidy: {len(lines)} changed C++ file(s) since {why} ({base[:12]}), "
          f"{len(units)} translation unit(s) to analyse")
    if not units:
        print("ok - no changed C++ file has a compile command (or none changed)")
        print("1 passed, 0 failed")
        return

    line_filter = json.dumps([{"name": str(root / p), "lines": r} for p, r in lines.items()])

    def analyse(unit):
        p = subprocess.run([tidy, "-p", str(build), "--quiet", f"--line-filter={line_filter}",
                            "--header-filter=.*", "--extra-arg=-Wno-unknown-warning-option", str(unit)],
                           capture_output=True, text=True, cwd=root)
        found = [line for line in p.stdout.splitlines() if DIAGNOSTIC.match(line)]
        if p.returncode != 0 and not found:
            found = [f"{unit}: clang-tidy exited {p.returncode}: {p.stderr.strip()[-500:]}"]
        return unit, found

    failures, seen = 0, set()
    with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        for unit, found in pool.map(analyse, sorted(units)):
            new = [d for d in found if d not in seen]  # a header's diagnostic shows once
            seen.update(new)
            if new:
                failures += 1
                print(f"FAIL - {unit.relative_to(root)}: {len(new)} diagnostic(s) on changed lines")
                print("\n".join("    " + d for d in new))
            else:
                print(f"ok - {unit.relative_to(root)}")
    print(f"{len(units) - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
