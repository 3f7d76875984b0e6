"""`make bench`: run every benchmark in bench/, each in its own process, one after another.

A benchmark is a module here with a `main()`; `bench/run.py NAME...` runs just those.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks() -> list[str]:
    return sorted(
        path.stem
        for path in HERE.glob("*.py")
        if path.stem != "run" and "\ndef main(" in path.read_text()
    )


def main(names: list[str]) -> int:
    available = benchmarks()
    unknown = sorted(set(names) - set(available))
    if unknown:
        print(f"bench: no benchmark {', '.join(unknown)}; there are: {', '.join(available)}")
        return 2
    failed = []
    for name in names or available:
        print(f"\n=== bench/{name}.py", flush=True)
        # Own process each: one benchmark's memory or servers never skew the next.
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent).returncode:
            failed.append(name)
    if failed:
        print(f"\nbench: failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
