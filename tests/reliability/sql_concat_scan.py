"""Finds C++ statements in src/ that build SQL text at run time (a SQL literal joined with
something by `+`, `.append(` or `.assign(`), so a test can hold them to an allow-list.

Heuristic by design: comments are dropped, statements are split at ';' outside literals, and a
statement counts when one of its string literals looks like SQL and it also concatenates.
"""
import re
from pathlib import Path

SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|REPLACE\s+INTO|CREATE\s+(TEMPORARY\s+)?TABLE|"
    r"DROP\s+TABLE|ALTER\s+TABLE|LOAD\s+DATA|GET_LOCK|RELEASE_LOCK|PRAGMA|SET\s+SESSION|WHERE|VALUES|"
    r"ON\s+DUPLICATE|COLLATE=|GROUP\s+BY|ORDER\s+BY)\b")
CONCAT = re.compile(r"(\+(?!\+|=)|\.append\(|\.assign\(|\+=)")


def _strip(text):
    """Returns (code with literals replaced by placeholders, list of literal texts)."""
    out, literals, i, n = [], [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        m = re.match(r'R"([^(\s]*)\(', text[i:])
        if m:
            end = text.find(")" + m.group(1) + '"', i + m.end())
            end = n if end < 0 else end
            literals.append(text[i + m.end():end])
            out.append(f" @S{len(literals) - 1}@ ")
            i = end + len(m.group(1)) + 2
            continue
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            literals.append(text[i + 1:j])
            out.append(f" @S{len(literals) - 1}@ ")
            i = j + 1
            continue
        if c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            out.append(" 'c' ")
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out), literals


def scan(src_root):
    """Yields (relative path, line number, statement with literals restored) for each site."""
    root = Path(src_root)
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".cc", ".h") or path.name.endswith("_test.cc"):
            continue
        text = path.read_text(errors="replace")
        code, literals = _strip(text)
        # Map placeholder positions back to approximate line numbers via statement order.
        pos = 0
        for stmt in code.split(";"):
            start = pos
            pos += len(stmt) + 1
            ids = [int(x) for x in re.findall(r"@S(\d+)@", stmt)]
            if not any(SQL_WORDS.search(literals[k]) for k in ids):
                continue
            if not CONCAT.search(re.sub(r"@S\d+@", "", stmt)):
                continue
            restored = re.sub(r"@S(\d+)@", lambda m: '"' + literals[int(m.group(1))] + '"', stmt)
            line = code.count("\n", 0, start + len(stmt) - len(stmt.lstrip())) + 1
            yield str(path.relative_to(root)), line, " ".join(restored.split())


if __name__ == "__main__":
    import sys
    for rel, line, stmt in scan(sys.argv[1] if len(sys.argv) > 1 else "src"):
        print(f"{rel}:{line}: {stmt[:220]}")
