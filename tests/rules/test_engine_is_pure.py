"""Check that the engine runs without loading any part of Django."""

import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import datetime, json, sys
from rules.engine import Channel, Facts, evaluate
from rules.engine.contract import evaluate_document, load_document

decision = evaluate(
    Facts(date=datetime.date(2025, 2, 10), channel=Channel.PHONE,
          client_wants_to_record=True)
)
answer = evaluate_document(
    load_document(b'[{"channel": "phone", "client_wants_to_record": false}]'),
    today=datetime.date(2025, 2, 10),
)
loaded = sorted(
    name for name in sys.modules if name == "django" or name.startswith("django.")
)
print(json.dumps({"outcome": decision.outcome, "answer": answer, "django": loaded}))
"""


def test_engine_evaluates_without_loading_django():
    completed = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert completed.stdout.strip() == (
        '{"outcome": "incomplete", "answer": [{"policy_version": "2017-01", '
        '"outcome": "not_requested", "reasons": [], "missing": [], "conditions": [], '
        '"uwv_recording": "none", "uwv_missing": []}], "django": []}'
    )
