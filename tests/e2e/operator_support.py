"""What the operator end-to-end tests (operator_test.py, watch_test.py) share: the binaries, the
example and test-data files, a CSV builder, figure lines for ctest -V, and a test case with a temp
directory and the seeded generator.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
sys.path.insert(0, str(Path(__file__).parent))
import billflow_test as bt  # noqa: E402

BIN = bt.binary()
GEN = bt.generator()
EXAMPLES = bt.EXAMPLES
EXAMPLE_FILES = bt.EXAMPLE_FILES
MEAT = EXAMPLES / "billing_meat_2025_06.csv"
DATA = Path(os.environ.get("TEST_DATA_DIR", Path(__file__).resolve().parents[1] / "data"))
HEADER = bt.HEADER
CHROMIUM = shutil.which("chromium")


def run(*args, env=None, timeout=600):
    return bt.run(*args, env=env, timeout=timeout)


def rows_csv(rows):
    return HEADER + "".join(",".join(r) + "\n" for r in rows)


def figure(name, value):
    """Measured numbers, printed so a ctest -V log shows them."""
    print(f"\nFIGURE {name}: {value}", flush=True)


class OperatorTestCase(bt.TempDirTestCase):
    TEMP_PREFIX = "billflow_ops_"

    def generate(self, rows, seed, name):
        out = self.dir / name
        answer = self.dir / (name + ".answer.json")
        subprocess.run([GEN, "--rows", str(rows), "--seed", str(seed), "--out", str(out), "--answer", str(answer)],
                       check=True, capture_output=True, timeout=600)
        return out, json.loads(answer.read_text())
