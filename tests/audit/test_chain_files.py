"""The standalone verifier on export files written here, as an auditor runs it.

No database and no Django: the files are built with the verifier's own canonical
form and hash, in both formats the application exports (JSON Lines, and CSV with
labelled or bare column names), then broken in every way a file can be broken.
"""

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from audit import chain

# What the CSV export writes after the chained fields: the time, action, result in
# words. The verifier reads those columns and leaves them aside.
READABLE = ("Tijdstip (Nederlandse tijd)", "Handeling", "Resultaat")


def event(event_id: int, **changes) -> dict:
    """Return an event's chained fields, as the export writes them."""
    fields = {
        "id": event_id,
        "occurred_at_us": 1_764_633_600_000_000 + event_id,
        "actor_id": 7,
        "actor_username": "mdevries",
        "actor_name": "Maria de Vries",
        "actor_role": "employee",
        "team_id": 3,
        "team_name": "Team Noord",
        "action": "auth.logged_in",
        "object_type": "accounts.user",
        "object_id": "7",
        "client_ref": "",
        "result": "success",
        "changes": {},
        "data": {"username": "mdevries"},
        "ip": "10.1.2.3",
        "user_agent": "Mozilla/5.0",
        "request_id": f"req-{event_id}",
        "origin": "web",
    }
    return fields | changes


def link(event_fields: dict, *, seq: int, prev: str) -> chain.Row:
    """Return the row of ``event_fields`` chained at ``seq`` after ``prev``."""
    data = chain.canonical(event_fields, seq=seq, prev=prev)
    return chain.Row(seq, prev, chain.digest(data), event_fields)


def chained(count: int, *, first: int = 1, prev: str = chain.GENESIS) -> list:
    """Return ``count`` rows linked from position ``first`` on."""
    rows = []
    for seq in range(first, first + count):
        rows.append(link(event(100 + seq), seq=seq, prev=prev))
        prev = rows[-1].hash
    return rows


def rechained(rows: list, start: int) -> list:
    """Recompute every hash from ``rows[start]`` on, as a careful forger would."""
    rows = list(rows)
    for i in range(start, len(rows)):
        prev = rows[i - 1].hash if i else rows[i].prev_hash
        rows[i] = link(rows[i].event, seq=rows[i].seq, prev=prev)
    return rows


def anchor_of(row: chain.Row) -> dict:
    return {"seq": row.seq, "hash": row.hash}


def jsonl_text(rows, *, anchor=None, footer: int | None = -1) -> str:
    """Return a JSON Lines export of ``rows``; ``footer=None`` leaves it out."""
    records = [
        {
            "type": "header",
            "format": chain.FORMAT,
            "version": chain.VERSION,
            "anchor": anchor,
            "filters": {},
            "exported_at": "2026-12-02T01:00:00+01:00",
        }
    ]
    for row in rows:
        records.append(
            {"type": "event", "seq": row.seq, "prev_hash": row.prev_hash,
             "hash": row.hash, "event": row.event,
             "readable": {"action": "Ingelogd"}}
        )  # fmt: skip
    if footer is not None:
        records.append({"type": "footer", "rows": len(rows) if footer < 0 else footer})
    return "".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n"
                   for r in records)  # fmt: skip


def csv_text(rows, *, anchor=None, footer: int | None = -1, labelled=True) -> str:
    """Return a CSV export of ``rows``: labelled columns, or bare names (older)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [f"#{chain.FORMAT} v{chain.VERSION}",
         f"anchor_seq={anchor['seq'] if anchor else ''}",
         f"anchor_hash={anchor['hash'] if anchor else ''}"]
    )  # fmt: skip
    if labelled:
        names = [f"Veld {name} [{name}]" for name in chain.CSV_FIELDS] + [*READABLE]
    else:
        names = list(chain.CSV_FIELDS)
    writer.writerow([chain.csv_cell(name) for name in names])
    for row in rows:
        values = [row.seq, row.prev_hash, row.hash]
        values += [row.event[name] for name in chain.EVENT_FIELDS]
        if labelled:
            values += ["2 december 2026, 01:00:00", "Ingelogd", "Gelukt"]
        writer.writerow([chain.csv_cell(value) for value in values])
    if footer is not None:
        writer.writerow([f"#rows={len(rows) if footer < 0 else footer}"])
    return out.getvalue()


WRITERS = {"jsonl": jsonl_text, "csv": csv_text}


@pytest.fixture(params=["jsonl", "csv"])
def file_format(request) -> str:
    return request.param


def write(tmp_path: Path, file_format: str, rows, **options) -> Path:
    path = tmp_path / f"export.{file_format}"
    path.write_text(WRITERS[file_format](rows, **options), encoding="utf-8",
                    newline="")  # fmt: skip
    return path


def verify(capsys, *paths: Path) -> tuple[int, list[str]]:
    """Run the verifier on ``paths`` as an auditor would; return code and lines."""
    code = chain.main([str(path) for path in paths])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def problems(capsys, path: Path) -> list[str]:
    """Return what the verifier says is wrong with ``path``, with its exit code 1."""
    code, lines = verify(capsys, path)
    assert code == 1, lines
    prefix = f"{path}: "
    assert all(line.startswith(prefix) for line in lines), lines
    return [line.removeprefix(prefix) for line in lines]


# Intact files.


def test_an_intact_export_verifies(tmp_path, capsys, file_format):
    rows = chained(4)
    path = write(tmp_path, file_format, rows, anchor=anchor_of(rows[-1]))
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_an_intact_csv_with_bare_column_names_verifies(tmp_path, capsys):
    rows = chained(3)
    path = write(tmp_path, "csv", rows, anchor=anchor_of(rows[1]), labelled=False)
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_an_export_without_an_anchor_verifies(tmp_path, capsys, file_format):
    path = write(tmp_path, file_format, chained(2), anchor=None)
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_an_anchor_outside_the_rows_is_not_compared(tmp_path, capsys, file_format):
    rows = chained(3)
    later = {"seq": 9, "hash": "f" * 64}
    path = write(tmp_path, file_format, rows, anchor=later)
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_a_filtered_export_skips_positions_and_verifies(tmp_path, capsys, file_format):
    rows = chained(7)
    kept = [rows[0], rows[1], rows[4], rows[6]]
    path = write(tmp_path, file_format, kept, anchor=anchor_of(rows[4]))
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_an_export_that_starts_later_in_the_chain_verifies(
    tmp_path, capsys, file_format
):
    rows = chained(3, first=5, prev="ab" * 32)
    path = write(tmp_path, file_format, rows)
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_an_export_of_no_events_verifies(tmp_path, capsys, file_format):
    path = write(tmp_path, file_format, [])
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_nulls_json_and_formulas_survive_the_csv_cells(tmp_path, capsys):
    formula = '=HYPERLINK("http://example.org","klik")'
    rows = [
        link(
            event(1, actor_id=None, team_id=None, ip=None, object_id=formula,
                  actor_name="-Jan", team_name="+31", client_ref="@klant",
                  user_agent="\tagent", request_id="'quoted", data={"list": ["=1"]},
                  changes={"result": ["success", "failed"]}),
            seq=1, prev=chain.GENESIS,
        )
    ]  # fmt: skip
    path = write(tmp_path, "csv", rows)
    cells = [
        cell for line in csv.reader(io.StringIO(path.read_text())) for cell in line
    ]
    assert "'" + formula in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in cells)
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_every_file_named_is_checked_and_one_broken_file_fails_the_run(
    tmp_path, capsys
):
    good = write(tmp_path, "jsonl", chained(2))
    bad = tmp_path / "cut.csv"
    bad.write_text(csv_text(chained(2), footer=None), encoding="utf-8")
    code, lines = verify(capsys, good, bad, good)
    assert code == 1
    assert lines == [
        f"{good}: intact",
        f"{bad}: the file has no closing line: it was cut off",
        f"{good}: intact",
    ]


def test_without_a_file_the_verifier_says_how_to_use_it(capsys):
    assert chain.main([]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        "usage: chain.py EXPORT.jsonl|EXPORT.csv ...\n",
    )


def test_the_copied_file_runs_alone_with_the_standard_library(tmp_path):
    """An auditor copies chain.py anywhere and runs it; exit 0 intact, 1 broken."""
    checker = tmp_path / "chain.py"
    shutil.copyfile(Path(chain.__file__), checker)
    intact = write(tmp_path, "jsonl", chained(2))
    broken = tmp_path / "broken.csv"
    broken.write_text(csv_text(chained(2), footer=3), encoding="utf-8")

    def run(*args: Path) -> tuple[int, str]:
        result = subprocess.run(
            [sys.executable, str(checker), *map(str, args)],
            cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        return result.returncode, result.stdout + result.stderr

    assert run(intact) == (0, f"{intact}: intact\n")
    assert run(broken) == (1, f"{broken}: the file promises 3 rows but holds 2\n")


# Changed rows.


def test_a_changed_field_breaks_that_rows_hash(tmp_path, capsys, file_format):
    rows = chained(3)
    rows[1] = replace(rows[1], event=rows[1].event | {"result": "denied"})
    path = write(tmp_path, file_format, rows)
    assert problems(capsys, path) == ["seq 2 (event 102): hash does not match"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occurred_at_us", 1_764_633_600_000_001),
        ("actor_id", None),
        ("team_id", 4),
        ("data", {"username": "iemand"}),
        ("changes", {"result": ["success", "denied"]}),
        ("ip", None),
        ("client_ref", "K-1"),
    ],
)
def test_any_chained_field_changed_is_found(
    tmp_path, capsys, file_format, field, value
):
    rows = chained(2)
    rows[0] = replace(rows[0], event=rows[0].event | {field: value})
    path = write(tmp_path, file_format, rows)
    assert problems(capsys, path) == ["seq 1 (event 101): hash does not match"]


def test_a_changed_column_outside_the_chain_is_not_a_break(tmp_path, capsys):
    path = write(tmp_path, "csv", chained(2))
    path.write_text(path.read_text().replace("Ingelogd", "Uitgelogd"))
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_a_changed_hash_breaks_the_row_and_the_next_link(tmp_path, capsys, file_format):
    rows = chained(3)
    rows[1] = replace(rows[1], hash="e" * 64)
    path = write(tmp_path, file_format, rows)
    assert problems(capsys, path) == [
        "seq 2 (event 102): hash does not match",
        "seq 3: does not link to seq 2",
    ]


def test_an_edit_with_recomputed_hashes_is_caught_by_the_anchor(
    tmp_path, capsys, file_format
):
    rows = chained(4)
    anchor = anchor_of(rows[-1])
    rows[1] = replace(rows[1], event=rows[1].event | {"result": "denied"})
    path = write(tmp_path, file_format, rechained(rows, 1), anchor=anchor)
    assert problems(capsys, path) == ["seq 4: differs from the anchored chain head"]


def test_a_wrong_anchor_is_found(tmp_path, capsys, file_format):
    rows = chained(3)
    path = write(tmp_path, file_format, rows, anchor={"seq": 2, "hash": "0" * 64})
    assert problems(capsys, path) == ["seq 2: differs from the anchored chain head"]


def test_an_edit_rechained_only_up_to_the_next_row_breaks_a_link(
    tmp_path, capsys, file_format
):
    rows = chained(3)
    rows[1] = replace(rows[1], event=rows[1].event | {"result": "denied"})
    rows[1] = link(rows[1].event, seq=2, prev=rows[0].hash)
    path = write(tmp_path, file_format, rows)
    assert problems(capsys, path) == ["seq 3: does not link to seq 2"]


def test_a_row_linked_to_another_hash_is_found(tmp_path, capsys, file_format):
    rows = chained(3)
    rows[2] = link(rows[2].event, seq=3, prev="c" * 64)
    path = write(tmp_path, file_format, rows)
    assert problems(capsys, path) == ["seq 3: does not link to seq 2"]


def test_a_first_link_that_does_not_start_from_zeros_is_found(
    tmp_path, capsys, file_format
):
    rows = rechained([link(event(101), seq=1, prev="1" * 64), *chained(2)[1:]], 0)
    path = write(tmp_path, file_format, rows)
    assert problems(capsys, path) == ["seq 1: does not start the chain"]


def test_a_changed_position_breaks_the_hash(tmp_path, capsys, file_format):
    rows = chained(3)
    rows[1] = replace(rows[1], seq=5)
    path = write(tmp_path, file_format, rows)
    assert problems(capsys, path) == [
        "seq 5 (event 102): hash does not match",
        "seq 3: out of order after seq 5",
    ]


def test_a_changed_link_breaks_the_hash(tmp_path, capsys, file_format):
    rows = chained(3)
    rows[2] = replace(rows[2], prev_hash=rows[0].hash)
    path = write(tmp_path, file_format, rows)
    assert problems(capsys, path) == [
        "seq 3 (event 103): hash does not match",
        "seq 3: does not link to seq 2",
    ]


# Rows removed, added, or moved.


def test_a_removed_row_is_found_by_the_count(tmp_path, capsys, file_format):
    rows = chained(4)
    path = write(tmp_path, file_format, [*rows[:2], *rows[3:]], footer=4)
    assert problems(capsys, path) == ["the file promises 4 rows but holds 3"]


def test_a_duplicated_row_is_out_of_order(tmp_path, capsys, file_format):
    rows = chained(3)
    path = write(tmp_path, file_format, [*rows[:2], rows[1], rows[2]], footer=3)
    assert problems(capsys, path) == [
        "seq 2: out of order after seq 2",
        "the file promises 3 rows but holds 4",
    ]


def test_swapped_rows_are_out_of_order(tmp_path, capsys, file_format):
    rows = chained(4)
    path = write(tmp_path, file_format, [rows[0], rows[2], rows[1], rows[3]])
    assert problems(capsys, path) == ["seq 2: out of order after seq 3"]


def test_a_row_moved_to_the_front_is_out_of_order(tmp_path, capsys, file_format):
    rows = chained(3)
    path = write(tmp_path, file_format, [rows[2], rows[0], rows[1]])
    assert problems(capsys, path) == ["seq 1: out of order after seq 3"]


def test_a_forged_row_inserted_is_found(tmp_path, capsys, file_format):
    rows = chained(3)
    forged = link(event(999), seq=3, prev=rows[1].hash)
    path = write(tmp_path, file_format, [*rows[:2], forged, rows[2]], footer=4)
    assert problems(capsys, path) == ["seq 3: out of order after seq 3"]


def test_more_rows_than_the_count_promises_is_found(tmp_path, capsys, file_format):
    path = write(tmp_path, file_format, chained(3), footer=2)
    assert problems(capsys, path) == ["the file promises 2 rows but holds 3"]


# Cut off or unreadable files.


def test_a_file_cut_at_a_line_end_is_found(tmp_path, capsys, file_format):
    path = write(tmp_path, file_format, chained(3), footer=None)
    assert problems(capsys, path) == ["the file has no closing line: it was cut off"]


def test_a_jsonl_file_cut_after_its_header_is_found(tmp_path, capsys):
    path = tmp_path / "export.jsonl"
    path.write_text(jsonl_text(chained(2)).splitlines(keepends=True)[0])
    assert problems(capsys, path) == ["the file has no closing line: it was cut off"]


def test_an_empty_jsonl_file_is_found(tmp_path, capsys):
    path = tmp_path / "export.jsonl"
    path.write_text("")
    assert problems(capsys, path) == ["the file has no closing line: it was cut off"]


def unreadable(capsys, path: Path) -> str:
    """Return the one thing the verifier says of a file it cannot read."""
    [problem] = problems(capsys, path)
    assert problem.startswith("the file cannot be read: "), problem
    return problem.removeprefix("the file cannot be read: ")


def test_a_file_cut_within_a_line_cannot_be_read(tmp_path, capsys, file_format):
    text = WRITERS[file_format](chained(3))
    path = tmp_path / f"export.{file_format}"
    path.write_text(text[: text.index(chained(3)[2].hash) + 10])
    line = {"jsonl": "line 4: ", "csv": "line 5: "}[file_format]
    assert unreadable(capsys, path).startswith(line)


def test_bad_json_cannot_be_read(tmp_path, capsys):
    path = tmp_path / "export.jsonl"
    lines = jsonl_text(chained(2)).splitlines(keepends=True)
    lines[2] = lines[2].replace('"seq":2', '"seq":2,,')
    path.write_text("".join(lines))
    assert unreadable(capsys, path).startswith("line 3: Expecting ")


@pytest.mark.parametrize(
    "line",
    ['{"type":"event","seq":3}', '["event"]', '{"seq":3}', '"footer"'],
    ids=["no hash", "not an object", "no type", "a string"],
)
def test_a_jsonl_record_not_of_an_export_cannot_be_read(tmp_path, capsys, line):
    path = tmp_path / "export.jsonl"
    lines = jsonl_text(chained(2)).splitlines(keepends=True)
    path.write_text("".join([*lines[:3], line + "\n", *lines[3:]]))
    assert unreadable(capsys, path).startswith("line 4: ")


def test_an_event_of_the_wrong_shape_cannot_be_read(tmp_path, capsys):
    path = tmp_path / "export.jsonl"
    lines = jsonl_text(chained(2)).splitlines(keepends=True)
    lines[1] = lines[1].replace('"seq":1', '"seq":"1"')
    path.write_text("".join(lines))
    assert unreadable(capsys, path) == "line 2: seq is not a whole number"


def test_text_that_is_not_utf8_cannot_be_read(tmp_path, capsys, file_format):
    path = tmp_path / f"export.{file_format}"
    path.write_bytes(WRITERS[file_format](chained(2)).encode() + b"\xff\xfe\n")
    assert unreadable(capsys, path) == "it is not UTF-8 text"


def test_a_missing_file_cannot_be_read(tmp_path, capsys):
    path = tmp_path / "elders.jsonl"
    assert unreadable(capsys, path) == "No such file or directory"


def test_an_empty_csv_file_cannot_be_read(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text("")
    assert unreadable(capsys, path) == "line 1: no anchor line"


def test_a_csv_file_without_its_header_cannot_be_read(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(csv_text(chained(1)).splitlines(keepends=True)[0])
    assert unreadable(capsys, path) == "line 2: no header line"


def test_a_csv_anchor_line_of_another_shape_cannot_be_read(tmp_path, capsys):
    path = tmp_path / "export.csv"
    lines = csv_text(chained(1)).splitlines(keepends=True)
    path.write_text("".join(["#uwvrec-audit-export v1,anchor\r\n", *lines[1:]]))
    assert unreadable(capsys, path).startswith("line 1: ")


@pytest.mark.parametrize("name", ["hash", "prev_hash", "seq", "result", "data"])
def test_a_csv_without_a_chained_column_cannot_be_read(tmp_path, capsys, name):
    path = tmp_path / "export.csv"
    rows = [list(line) for line in csv.reader(io.StringIO(csv_text(chained(2))))]
    column = [chain.field_name(cell) for cell in rows[1]].index(name)
    for line in rows[1:-1]:
        del line[column]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue())
    assert unreadable(capsys, path) == f"line 2: no column {name}"


def test_a_csv_row_with_a_cell_too_few_cannot_be_read(tmp_path, capsys):
    path = tmp_path / "export.csv"
    lines = csv_text(chained(2)).splitlines(keepends=True)
    lines[3] = lines[3].rsplit(",", 1)[0] + "\r\n"
    path.write_text("".join(lines))
    assert unreadable(capsys, path).startswith("line 4: ")


@pytest.mark.parametrize(
    ("name", "cell"), [("seq", "twee"), ("id", "1.5"), ("data", "{kapot")]
)
def test_a_csv_cell_that_does_not_read_back_cannot_be_read(
    tmp_path, capsys, name, cell
):
    rows = list(csv.reader(io.StringIO(csv_text(chained(2)))))
    column = [chain.field_name(c) for c in rows[1]].index(name)
    rows[3][column] = cell
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = tmp_path / "export.csv"
    path.write_text(out.getvalue())
    assert unreadable(capsys, path).startswith("line 4: ")


def test_a_neutralised_cell_stripped_of_its_quote_breaks_the_hash(tmp_path, capsys):
    rows = [link(event(1, actor_name="-Jan"), seq=1, prev=chain.GENESIS)]
    path = write(tmp_path, "csv", rows)
    path.write_text(path.read_text().replace(",'-Jan,", ",-Jan,"))
    assert verify(capsys, path) == (0, [f"{path}: intact"])
    path.write_text(path.read_text().replace(",-Jan,", ",''-Jan,"))
    assert problems(capsys, path) == ["seq 1 (event 1): hash does not match"]


# The pieces an auditor reads about in the module's docstring.


def test_the_canonical_form_is_compact_sorted_ascii_json():
    data = chain.canonical({"b": "é", "a": [1, None]}, seq=3, prev="p")
    assert data == (b'{"event":{"a":[1,null],"b":"\\u00e9"},"prev":"p","seq":3,"v":1}')
    assert chain.digest(data) == (
        "ffb3d62721386b9f63b76b4773298cf7b5c16c4da941274f2f26eae3fbef8758"
    )


def test_moments_are_whole_microseconds_since_the_epoch_in_utc():
    moment = dt.datetime(
        2026, 12, 2, 1, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert chain.microseconds(moment) == 1_796_169_600_123_456
    assert chain.microseconds(chain.EPOCH - dt.timedelta(microseconds=1)) == -1


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        ({"b": 1, "a": [True]}, '{"a":[true],"b":1}'),
        (["=x"], '["=x"]'),
        (12, "12"),
        ("=1+1", "'=1+1"),
        ("+31", "'+31"),
        ("-1", "'-1"),
        ("@SUM", "'@SUM"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'x", "''x"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_csv_cell_never_starts_a_formula(value, cell):
    assert chain.csv_cell(value) == cell


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Tijdstip (microseconden sinds 1970, UTC) [occurred_at_us]", "occurred_at_us"),
        ("Soort [a] [object_type]", "object_type"),
        ("'[hash]", "hash"),
        ("seq", "seq"),
        ("'-seq", "-seq"),
        ("Tijdstip [occurred_at_us", "Tijdstip [occurred_at_us"),
        ("occurred_at_us]", "occurred_at_us]"),
        ("[]", ""),
    ],
)
def test_a_csv_column_names_its_field_in_brackets(header, name):
    assert chain.field_name(header) == name


def test_moments_are_whole_numbers_not_floats():
    moment = dt.datetime(2026, 12, 2, 0, 0, 0, 1, tzinfo=dt.UTC)
    assert type(chain.microseconds(moment)) is int


def test_a_line_break_inside_a_csv_cell_reads_back_unchanged(tmp_path, capsys):
    rows = [link(event(1, user_agent="Mozilla\r\nEvil\rAgent\nX"), seq=1,
                 prev=chain.GENESIS)]  # fmt: skip
    path = write(tmp_path, "csv", rows)
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_a_row_after_the_closing_line_is_still_counted(tmp_path, capsys):
    rows = chained(3)
    text = csv_text(rows[:2])
    forged = csv_text([rows[2]]).splitlines(keepends=True)[2]
    path = tmp_path / "export.csv"
    path.write_text(text + forged, newline="")
    assert problems(capsys, path) == ["the file promises 2 rows but holds 3"]


def test_other_cells_of_the_anchor_line_are_left_aside(tmp_path, capsys):
    rows = chained(2)
    path = write(tmp_path, "csv", rows, anchor=anchor_of(rows[1]))
    text = path.read_text()
    path.write_text(text.replace("\r\n", ",note=a=b\r\n", 1), newline="")
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def jsonl_with(tmp_path: Path, number: int, line: str) -> Path:
    """Return a JSON Lines export whose line ``number`` is ``line`` instead."""
    lines = jsonl_text(chained(2)).splitlines(keepends=True)
    lines[number - 1] = line + "\n"
    path = tmp_path / "export.jsonl"
    path.write_text("".join(lines))
    return path


@pytest.mark.parametrize(
    ("number", "line", "message"),
    [
        (1, '{"type":"header","anchor":[2]}', "the anchor is not a JSON object"),
        (1, '{"type":"header","anchor":{"seq":"2","hash":"x"}}',
         "the anchor's seq is not a whole number"),
        (1, '{"type":"header","anchor":{"hash":"x"}}', "no seq"),
        (2, "[1]", "the line is not a JSON object"),
        (2, '{"type":"event","seq":1,"prev_hash":"","hash":"","event":[]}',
         "event is not a JSON object"),
        (2, '{"type":"event","seq":true,"prev_hash":"","hash":"","event":{}}',
         "seq is not a whole number"),
        (4, '{"type":"footer","rows":"2"}', "rows is not a whole number"),
        (4, '{"type":"footer"}', "no rows"),
    ],
)  # fmt: skip
def test_a_jsonl_line_of_the_wrong_shape_is_named(tmp_path, capsys, number, line,
                                                  message):  # fmt: skip
    path = jsonl_with(tmp_path, number, line)
    assert unreadable(capsys, path) == f"line {number}: {message}"


def test_a_jsonl_anchor_of_null_is_no_anchor(tmp_path, capsys):
    path = jsonl_with(tmp_path, 1, '{"type":"header","anchor":null}')
    assert verify(capsys, path) == (0, [f"{path}: intact"])


def test_an_anchor_cell_holding_a_second_equals_sign_cannot_be_read(tmp_path, capsys):
    rows = chained(2)
    path = write(tmp_path, "csv", rows, anchor=anchor_of(rows[1]))
    path.write_text(path.read_text().replace("anchor_seq=2", "anchor_seq=2=2"),
                    newline="")  # fmt: skip
    assert unreadable(capsys, path) == (
        "line 1: invalid literal for int() with base 10: '2=2'"
    )
