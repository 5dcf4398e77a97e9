"""Function lengths of the application code, side by side for git revisions.

    python bench/function_lengths.py [REV ...]

Without a revision it measures the work tree. A function's length is its lines
from ``def`` to its last line (decorators and docstring included, nested
functions counted on their own too). Migrations, tests and benchmarks are left
out: they are not the code a newcomer maintains.
"""

import ast
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "audit", "conversations", "rules", "violations", "uwvrec")


def sources_at(rev):
    """(path, text) of every application module at ``rev`` (None: work tree)."""
    if rev is None:
        for app in APPS:
            for path in sorted((ROOT / app).rglob("*.py")):
                rel = path.relative_to(ROOT).as_posix()
                if "/migrations/" not in rel:
                    yield rel, path.read_text()
        return
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", rev, *APPS],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for rel in listing:
        if rel.endswith(".py") and "/migrations/" not in rel:
            text = subprocess.run(
                ["git", "show", f"{rev}:{rel}"],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            yield rel, text


def lengths(rev):
    found = []
    for rel, text in sources_at(rev):
        for node in ast.walk(ast.parse(text, filename=rel)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                found.append((node.end_lineno - first + 1, f"{rel}:{node.name}"))
    return found


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(revs):
    rows = []
    for rev in revs or [None]:
        found = lengths(rev)
        sizes = [size for size, _ in found]
        longest = max(found)
        rows.append(
            (
                rev or "work tree",
                len(sizes),
                statistics.median(sizes),
                percentile(sizes, 0.9),
                longest[0],
                longest[1],
            )
        )
    header = ("revision", "functions", "median", "p90", "max")
    print("{:<12} {:>9} {:>6} {:>4} {:>4}  longest".format(*header))
    for rev, count, median, p90, most, where in rows:
        print(f"{rev[:12]:<12} {count:>9} {median:>6g} {p90:>4} {most:>4}  {where}")


if __name__ == "__main__":
    main(sys.argv[1:])
