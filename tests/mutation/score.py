"""Score mutmut's last run per module; exit 1 below a module's floor.

Run from the project root after ``mutmut run`` (``make mutation`` does both). A
mutant counts as detected when the tests killed it (or it made them time out), or
when it is listed in ``EQUIVALENT`` below with the reason no test can tell it from
the original. Each listed mutant also names a fragment of its mutated code, which
``mutmut show`` must still print: when the code changes and mutmut numbers its
mutants anew, a stale entry fails the run instead of excusing another mutant.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

MUTMUT = str(Path(sys.executable).parent / "mutmut")


@dataclass(frozen=True)
class Module:
    label: str
    prefix: str
    floor: float


MODULES = (
    Module("engine (rules/engine/)", "rules.engine.", 99.0),
    Module("planner (conversations/checklist.py)", "conversations.checklist.", 97.0),
    Module("chain verifier (audit/chain.py)", "audit.chain.", 95.0),
)
DETECTED = frozenset({"killed", "timeout", "caught by type check"})

# mutant name -> (a fragment of its mutated line, why no test can tell it apart)
EQUIVALENT: dict[str, tuple[str, str]] = {
    # The engine's contract.
    "rules.engine.contract.x__decode__mutmut_3": (
        '"UTF-8-SIG"',
        "codec names are looked up case-insensitively: the same codec",
    ),
    "rules.engine.contract.x__is_unicode__mutmut_3": (
        'encode("UTF-8")',
        "codec names are looked up case-insensitively: the same codec",
    ),
    "rules.engine.contract.x__printable__mutmut_7": (
        'encode("UTF-8",',
        "codec names are looked up case-insensitively: the same codec",
    ),
    "rules.engine.contract.x__printable__mutmut_11": (
        'decode("UTF-8")',
        "codec names are looked up case-insensitively: the same codec",
    ),
    # The verifier.
    "audit.chain.x_canonical__mutmut_22": (
        'encode("ASCII")',
        "codec names are looked up case-insensitively: the same codec",
    ),
    "audit.chain.x_verify_file__mutmut_8": (
        'encoding="UTF-8"',
        "codec names are looked up case-insensitively: the same codec",
    ),
    "audit.chain.x_verify_file__mutmut_2": (
        "encoding=None",
        "the locale's encoding is UTF-8 wherever these tests run (C.UTF-8, and "
        "Python's coercion of the C locale); the argument stays for an auditor's "
        "machine with another locale, which a test in this process cannot switch to",
    ),
    "audit.chain.x_verify_file__mutmut_5": (
        'open(path, newline="")',
        "as x_verify_file__mutmut_2: the encoding left to the locale, UTF-8 here",
    ),
    "audit.chain.x_main__mutmut_7": (
        "status = None",
        "main returns before the loop when no file is named, and the loop's first "
        "`status = status or ...` turns None into the same 0 or 1 as from 0",
    ),
    "audit.chain.x_read_jsonl__mutmut_25": (
        '{"XXanchorXX": _jsonl_anchor(',
        "the anchor is still checked by _jsonl_anchor (a bad one refused), and the "
        "header's own anchor then holds the same seq and hash check_rows reads",
    ),
    "audit.chain.x_read_jsonl__mutmut_26": (
        '{"ANCHOR": _jsonl_anchor(',
        "as x_read_jsonl__mutmut_25",
    ),
    "audit.chain.x_read_csv__mutmut_23": (
        'anchor = ""',
        "the anchor is only tested for truth (check_rows: `if anchor and ...`), "
        "and an empty string is as false as None",
    ),
}


def results() -> dict[str, str]:
    """Return every mutant's status from ``mutmut results``."""
    output = subprocess.run(
        [MUTMUT, "results", "--all", "true"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    statuses = {}
    for line in output.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            statuses[name] = status
    return statuses


def stale_equivalents(statuses: dict[str, str]) -> list[str]:
    """Return what is wrong with the ``EQUIVALENT`` list for this run."""
    problems = []
    for name, (fragment, _reason) in EQUIVALENT.items():
        status = statuses.get(name)
        if status != "survived":
            problems.append(f"{name}: listed as equivalent but {status or 'absent'}")
            continue
        shown = subprocess.run(
            [MUTMUT, "show", name], capture_output=True, text=True, check=True
        ).stdout
        if fragment not in shown:
            problems.append(f"{name}: its diff no longer holds {fragment!r}")
    return problems


def table(statuses: dict[str, str]) -> tuple[list[str], bool]:
    """Return the table's lines, and whether every module reaches its floor."""
    lines = [
        f"{'module':<38}{'mutants':>8}{'killed':>8}{'survived':>9}"
        f"{'equiv.':>7}{'other':>6}{'score':>8}{'floor':>7}"
    ]
    all_pass = True
    for module in MODULES:
        mine = {n: s for n, s in statuses.items() if n.startswith(module.prefix)}
        counts = Counter(mine.values())
        killed = sum(counts[status] for status in DETECTED)
        equivalent = sum(1 for name in mine if name in EQUIVALENT)
        survived = counts["survived"] - equivalent
        other = len(mine) - killed - counts["survived"]
        score = 100 * (killed + equivalent) / len(mine) if mine else 0.0
        passes = score >= module.floor
        all_pass = all_pass and passes
        lines.append(
            f"{module.label:<38}{len(mine):>8}{killed:>8}{survived:>9}"
            f"{equivalent:>7}{other:>6}{score:>7.1f}%{module.floor:>6.0f}%"
            + ("" if passes else "  BELOW THE FLOOR")
        )
    return lines, all_pass


def main() -> int:
    statuses = results()
    if not statuses:
        sys.stderr.write("no mutmut results: run `mutmut run` first\n")
        return 1
    lines, all_pass = table(statuses)
    sys.stdout.write("\n".join(lines) + "\n")
    problems = stale_equivalents(statuses)
    for problem in problems:
        sys.stderr.write(f"equivalent list: {problem}\n")
    survivors = sorted(
        name
        for name, status in statuses.items()
        if status not in DETECTED and name not in EQUIVALENT
    )
    if survivors:
        sys.stdout.write(
            "not detected (`mutmut show NAME` for each):\n  "
            + "\n  ".join(f"{name}: {statuses[name]}" for name in survivors)
            + "\n"
        )
    return 0 if all_pass and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
