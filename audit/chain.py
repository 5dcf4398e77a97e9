#!/usr/bin/env python3
"""The audit chain's canonical form, and a standalone verifier of exported files.

Standard library only, so that an auditor can copy this one file and check an export
without the application::

    python3 chain.py export.jsonl      # or export.csv

Every chained event is hashed over canonical bytes: compact JSON with sorted keys,
ASCII only, holding the chain position (``seq``), the previous link's hash
(``prev``) and the event's fields, its time as integer microseconds since the Unix
epoch (UTC). ``hash = sha256(canonical)``; the first link's ``prev`` is 64 zeros.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

FORMAT = "uwvrec-audit-export"
VERSION = 1
GENESIS = "0" * 64
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EVENT_FIELDS = (
    "id", "occurred_at_us", "actor_id", "actor_username", "actor_name", "actor_role",
    "team_id", "team_name", "action", "object_type", "object_id", "client_ref",
    "result", "changes", "data", "ip", "user_agent", "request_id", "origin",
)  # fmt: skip
INTEGER_FIELDS = frozenset({"id", "occurred_at_us", "actor_id", "team_id"})
JSON_FIELDS = frozenset({"changes", "data"})
NULLABLE_FIELDS = frozenset({"actor_id", "team_id", "ip"})
CSV_FIELDS = ("seq", "prev_hash", "hash", *EVENT_FIELDS)
# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def microseconds(moment: dt.datetime) -> int:
    """Return ``moment`` as whole microseconds since the epoch, without floats."""
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


def canonical(event: dict[str, Any], *, seq: int, prev: str) -> bytes:
    """Return the exact bytes hashed for ``event`` at position ``seq``."""
    document = {"v": VERSION, "seq": seq, "prev": prev, "event": event}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return text.encode("ascii")


def digest(data: bytes) -> str:
    """Return the SHA-256 of ``data`` in hex."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Row:
    """One chained event as exported: its link and its fields."""

    seq: int
    prev_hash: str
    hash: str
    event: dict[str, Any]


def check_rows(
    rows: Iterable[Row],
    anchor: dict[str, Any] | None,
    checkpoint: dict[str, Any] | None = None,
) -> list[str]:
    """Return what is wrong with exported rows (empty when all is intact).

    Each row must hash to its link; rows at consecutive positions must link up; the
    anchor, when its position is among the rows, must match. A filtered export
    skips positions, so only consecutive ones can be linked. Where months were
    retired, the chain goes on from the checkpoint: no row may come before it, and
    the row right after it must link to it.
    """
    problems: list[str] = []
    previous: Row | None = None
    if checkpoint:
        previous = Row(checkpoint["seq"], "", checkpoint["hash"], {})
    seen: dict[int, str] = {}
    for row in rows:
        problems.extend(_check_row(row, previous))
        seen[row.seq] = row.hash
        previous = row
    if anchor and anchor["seq"] in seen and seen[anchor["seq"]] != anchor["hash"]:
        problems.append(f"seq {anchor['seq']}: differs from the anchored chain head")
    return problems


def _check_row(row: Row, previous: Row | None) -> Iterator[str]:
    expected = canonical(row.event, seq=row.seq, prev=row.prev_hash)
    if digest(expected) != row.hash:
        yield f"seq {row.seq} (event {row.event.get('id')}): hash does not match"
    if previous is not None and row.seq <= previous.seq and previous.event:
        yield f"seq {row.seq}: out of order after seq {previous.seq}"
    if (
        previous is not None
        and row.seq == previous.seq + 1
        and row.prev_hash != previous.hash
    ):
        yield f"seq {row.seq}: does not link to seq {previous.seq}"
    if row.seq == 1 and row.prev_hash != GENESIS:
        yield "seq 1: does not start the chain"
    if previous is not None and not previous.event and row.seq <= previous.seq:
        yield f"seq {row.seq}: comes before the checkpoint at seq {previous.seq}"


class UnreadableFileError(Exception):
    """The file is not an export as this verifier reads it; the message says where."""


@contextmanager
def _line(number: int) -> Iterator[None]:
    """Report a failure to read line ``number`` as the file being unreadable there."""
    try:
        yield
    except UnicodeDecodeError:
        raise
    except KeyError as error:
        raise UnreadableFileError(f"line {number}: no {error.args[0]}") from error
    except (ValueError, TypeError) as error:
        raise UnreadableFileError(f"line {number}: {error}") from error


def _whole(value: Any, name: str) -> int:
    if type(value) is not int:
        raise ValueError(f"{name} is not a whole number")
    return value


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{name} is not a JSON object")
    return value


def _jsonl_anchor(value: Any, name: str = "the anchor") -> dict[str, Any] | None:
    if value is None:
        return None
    anchor = _object(value, name)
    return {"seq": _whole(anchor["seq"], f"{name}'s seq"), "hash": anchor["hash"]}


def read_jsonl(lines: Iterable[str]) -> tuple[dict[str, Any], list[Row], int | None]:
    """Parse a JSON Lines export: header, rows, and the row count of its footer."""
    header: dict[str, Any] = {}
    rows: list[Row] = []
    footer_rows = None
    for number, line in enumerate(lines, 1):
        with _line(number):
            record = _object(json.loads(line), "the line")
            if record["type"] == "header":
                header = record | {
                    "anchor": _jsonl_anchor(record.get("anchor")),
                    "checkpoint": _jsonl_anchor(
                        record.get("checkpoint"), "the checkpoint"
                    ),
                }
            elif record["type"] == "event":
                seq, event = _whole(record["seq"], "seq"), record["event"]
                rows.append(Row(seq, record["prev_hash"], record["hash"],
                                _object(event, "event")))  # fmt: skip
            elif record["type"] == "footer":
                footer_rows = _whole(record["rows"], "rows")
    return header, rows, footer_rows


def csv_cell(value: Any) -> str:
    """Return ``value`` as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True, separators=(",", ":"))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _from_cell(name: str, cell: str) -> Any:
    text = cell[1:] if cell.startswith("'") else cell
    if name in NULLABLE_FIELDS and text == "":
        return None
    if name in INTEGER_FIELDS:
        return int(text)
    if name in JSON_FIELDS:
        return json.loads(text)
    return text


def field_name(header: str) -> str:
    """Return the field a CSV column holds: ``Tijdstip [occurred_at_us]`` names
    ``occurred_at_us``; a bare name (files before labels) is the field itself.

    Columns of no chained field (the time in words) are read and left aside.
    """
    text = header[1:] if header.startswith("'") else header
    if text.endswith("]") and "[" in text:
        return text[text.rindex("[") + 1 : -1]
    return text


def read_csv(lines: Iterable[str]) -> tuple[dict[str, Any], list[Row], int | None]:
    """Parse a CSV export: a ``#`` preamble row with the anchor, a header, rows."""
    reader = csv.reader(lines)
    with _line(1):
        first = next(reader, None)
        if first is None:
            raise ValueError("no anchor line")
        preamble = dict(cell.split("=", 1) for cell in first[1:])
        anchor = checkpoint = None
        if preamble.get("anchor_seq"):
            anchor = {"seq": int(preamble["anchor_seq"]),
                      "hash": preamble["anchor_hash"]}  # fmt: skip
        if preamble.get("checkpoint_seq"):
            checkpoint = {"seq": int(preamble["checkpoint_seq"]),
                          "hash": preamble["checkpoint_hash"]}  # fmt: skip
    with _line(2):
        names = [field_name(cell) for cell in next(reader, None) or ()]
        if not names:
            raise ValueError("no header line")
        for name in CSV_FIELDS:
            if name not in names:
                raise ValueError(f"no column {name}")
    rows = []
    footer_rows = None
    for cells in reader:
        with _line(reader.line_num):
            if cells and cells[0].startswith("#rows="):
                footer_rows = int(cells[0].removeprefix("#rows="))
                continue
            values = {
                name: _from_cell(name, cell)
                for name, cell in zip(names, cells, strict=True)
            }
            event = {name: values[name] for name in EVENT_FIELDS}
            rows.append(
                Row(int(values["seq"]), values["prev_hash"], values["hash"], event)
            )
    return {"anchor": anchor, "checkpoint": checkpoint}, rows, footer_rows


def verify_file(path: str) -> list[str]:
    """Return what is wrong with an exported file (empty when intact)."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = read_csv if path.endswith(".csv") else read_jsonl
            header, rows, footer_rows = reader(handle)
    except UnreadableFileError as error:
        return [f"the file cannot be read: {error}"]
    except UnicodeDecodeError:
        return ["the file cannot be read: it is not UTF-8 text"]
    except OSError as error:
        return [f"the file cannot be read: {error.strerror}"]
    problems = check_rows(rows, header.get("anchor"), header.get("checkpoint"))
    if footer_rows is None:
        problems.append("the file has no closing line: it was cut off")
    elif footer_rows != len(rows):
        problems.append(f"the file promises {footer_rows} rows but holds {len(rows)}")
    return problems


def main(argv: list[str]) -> int:
    """Verify the files named in ``argv``; exit 0 when all are intact, else 1."""
    if not argv:
        sys.stderr.write("usage: chain.py EXPORT.jsonl|EXPORT.csv ...\n")
        return 2
    status = 0
    for path in argv:
        problems = verify_file(path)
        for problem in problems:
            sys.stdout.write(f"{path}: {problem}\n")
        if not problems:
            sys.stdout.write(f"{path}: intact\n")
        status = status or (1 if problems else 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
