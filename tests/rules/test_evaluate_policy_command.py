"""Run ``manage.py evaluate_policy`` as a user would, with no service reachable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_FILE = Path(__file__).parents[2] / "docs" / "policy-examples.json"
EXAMPLES = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
# Unreachable on purpose: the command must not need PostgreSQL or Redis.
ENV = os.environ | {
    "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "DJANGO_SETTINGS_MODULE": "uwvrec.settings.dev",
}
VALID = {"channel": "phone", "client_wants_to_record": False}


def run_command(*args, stdin=b""):
    return subprocess.run(
        [sys.executable, "manage.py", "evaluate_policy", *args],
        cwd=PROJECT_ROOT,
        env=ENV,
        input=stdin,
        capture_output=True,
        check=False,
        timeout=60,
    )


def run_json(document, *args):
    return run_command(*args, stdin=json.dumps(document).encode())


def assert_refused(completed, error, path):
    """Assert exit 2, empty stdout, and exactly one JSON error object on stderr."""
    stderr = completed.stderr.decode()
    assert completed.returncode == 2, stderr
    assert completed.stdout == b""
    assert "Traceback" not in stderr
    assert stderr.endswith("\n")
    assert stderr.count("\n") == 1
    assert json.loads(stderr) == {"error": error, "path": path}


def test_decides_the_examples_read_as_an_array_from_stdin():
    completed = run_json([example["request"] for example in EXAMPLES])

    assert completed.returncode == 0, completed.stderr.decode()
    assert json.loads(completed.stdout) == [e["decision"] for e in EXAMPLES]
    assert completed.stderr == b""


def test_decides_the_examples_read_from_a_file(tmp_path):
    requests = tmp_path / "requests.json"
    requests.write_text(json.dumps([example["request"] for example in EXAMPLES]))

    completed = run_command(str(requests))

    assert completed.returncode == 0, completed.stderr.decode()
    assert json.loads(completed.stdout) == [e["decision"] for e in EXAMPLES]


def test_prints_indented_utf8_json_ending_in_a_newline():
    example = EXAMPLES[0]
    document = example["request"] | {"id": "gesprek met Zoë"}

    completed = run_json(document)

    expected = example["decision"] | {"id": "gesprek met Zoë"}
    text = json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    assert completed.stdout.decode("utf-8") == text


def test_answers_a_single_object_with_a_single_object():
    completed = run_json(VALID)

    assert completed.returncode == 0
    assert json.loads(completed.stdout) == {
        "policy_version": "2017-01",
        "outcome": "not_requested",
        "reasons": [],
        "missing": [],
        "conditions": [],
        "uwv_recording": "none",
        "uwv_missing": [],
    }


def test_answers_an_empty_array_with_an_empty_array():
    completed = run_command(stdin=b"[]")

    assert (completed.returncode, completed.stdout) == (0, b"[]\n")


def test_decides_a_request_without_date_under_todays_policy():
    completed = run_json(VALID)

    assert json.loads(completed.stdout)["policy_version"] == "2017-01"


@pytest.mark.parametrize(
    ("stdin", "error", "path"),
    [
        pytest.param(
            b"{nope",
            "input is not valid JSON: Expecting property name enclosed in double "
            "quotes (line 1, column 2)",
            None,
            id="not-json",
        ),
        pytest.param(b"", "input is not valid JSON: Expecting value", None, id="empty"),
        pytest.param(b'"\xff"', "input is not valid UTF-8", None, id="not-utf8"),
        pytest.param(
            b"42",
            "expected a request object or an array of request objects",
            None,
            id="number",
        ),
        pytest.param(
            b'{"chanel": "phone"}', "unknown field 'chanel'", "chanel", id="typo"
        ),
        pytest.param(
            b'{"channel": "phone", "client_wants_to_record": 1}',
            "expected a boolean",
            "client_wants_to_record",
            id="number-for-boolean",
        ),
        pytest.param(
            b'{"channel": "fax", "client_wants_to_record": true}',
            "unknown value 'fax'; expected one of: face_to_face, phone",
            "channel",
            id="unknown-value",
        ),
        pytest.param(
            b'{"channel": "phone", "client_wants_to_record": true,'
            b' "date": "2025-02-30"}',
            "invalid date '2025-02-30': no such day",
            "date",
            id="impossible-date",
        ),
        pytest.param(
            b'{"channel": "phone", "client_wants_to_record": true,'
            b' "date": "2016-12-31"}',
            "no recording policy in force on that date",
            "date",
            id="date-before-2017",
        ),
        pytest.param(
            b'{"channel": "phone", "client_wants_to_record": true, "participants":'
            b' [{"id": "x", "role": "interpreter", "consents": null},'
            b' {"id": "x", "role": "third_person", "consents": true}]}',
            "duplicate participant id 'x'",
            "participants[1].id",
            id="duplicate-participant",
        ),
        pytest.param(
            b"[" * 50_000,
            "input is nested too deeply",
            None,
            id="nested-too-deeply",
        ),
    ],
)
def test_refuses_bad_input_with_one_json_error(stdin, error, path):
    completed = run_command(stdin=stdin)

    error_object = json.loads(completed.stderr)
    assert_refused(completed, error_object["error"], path)
    assert error_object["error"].startswith(error)


def test_prints_no_decision_when_one_element_of_an_array_is_bad():
    requests = [VALID, VALID, VALID, VALID | {"channel": "fax"}]

    completed = run_json(requests)

    assert_refused(
        completed,
        "unknown value 'fax'; expected one of: face_to_face, phone",
        "[3].channel",
    )


def test_refuses_a_missing_file(tmp_path):
    missing = tmp_path / "nothing.json"

    completed = run_command(str(missing))

    assert_refused(
        completed, f"cannot read {str(missing)!r}: No such file or directory", "FILE"
    )


def test_refuses_a_directory_for_a_file(tmp_path):
    completed = run_command(str(tmp_path))

    assert_refused(completed, f"cannot read {str(tmp_path)!r}: Is a directory", "FILE")


def test_refuses_extra_arguments_with_a_json_error():
    completed = run_command("a.json", "b.json")

    assert_refused(completed, "unrecognized arguments: b.json", None)


def test_refuses_a_lone_surrogate_it_could_not_print():
    completed = run_command(
        stdin=b'{"id": "\\ud800", "channel": "phone", "client_wants_to_record": true}'
    )

    assert_refused(completed, "invalid string: contains a lone surrogate", "id")
