"""Measure the recording-policy engine, its JSON contract, and the command.

Run: ``.venv/bin/python bench/bench_engine.py``. Prints a Markdown table. The facts
are generated from a fixed seed, so every run decides the same 10,000 requests.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from rules.engine import (  # noqa: E402 - needs the project root on sys.path
    Channel,
    Facts,
    Kind,
    Media,
    ParticipantFacts,
    ParticipantRole,
    evaluate,
)
from rules.engine.contract import (  # noqa: E402
    Request,
    evaluate_document,
    load_document,
    request_to_json,
)

REQUESTS = 10_000
RUNS = 5
COMMAND_RUNS = 3
SEED = 20170101
TODAY = datetime.date(2025, 2, 10)
# Unreachable on purpose: the command must not need PostgreSQL or Redis.
COMMAND_ENV = os.environ | {
    "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "DJANGO_SETTINGS_MODULE": "uwvrec.settings.dev",
}


def _answer(rng: random.Random) -> bool | None:
    # Mostly "yes", so that every outcome, allowed included, is well represented.
    return rng.choice((True, True, True, True, False, None))


def _participants(rng: random.Random) -> tuple[ParticipantFacts, ...]:
    return tuple(
        ParticipantFacts(
            id=f"p{index}",
            role=rng.choice(list(ParticipantRole)),
            consents=_answer(rng),
        )
        for index in range(rng.choice((0, 0, 1, 1, 2, 3, 4)))
    )


def _facts(rng: random.Random) -> Facts:
    uwv_records = rng.random() < 0.2
    return Facts(
        date=datetime.date(2017, 1, 1) + datetime.timedelta(days=rng.randrange(3000)),
        channel=rng.choice(list(Channel)),
        kind=rng.choice((Kind.REGULAR, Kind.REGULAR, Kind.REGULAR, *Kind)),
        client_wants_to_record=rng.random() < 0.85,
        media=Media.VIDEO if rng.random() < 0.1 else Media.AUDIO,
        client_informed=_answer(rng),
        client_accepts_rules=_answer(rng),
        client_has_prior_violation=rng.random() < 0.1,
        participants=_participants(rng),
        uwv_records=uwv_records,
        uwv_reason=rng.choice((None, " ", "Kopie voor het dossier")),
        participants_told_uwv_records=_answer(rng),
    )


def generate_requests() -> list[Request]:
    """Return REQUESTS varied requests, the same ones on every run."""
    rng = random.Random(SEED)  # noqa: S311 - test data, not a secret
    return [Request(facts=_facts(rng), id=f"r{index}") for index in range(REQUESTS)]


def median_seconds(work: Callable[[], object], runs: int = RUNS) -> float:
    """Return the median wall time of ``runs`` calls of ``work``."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def bench_evaluate(requests: list[Request]) -> float:
    """Return decisions per second of evaluate() alone."""
    facts = [request.facts for request in requests]
    seconds = median_seconds(lambda: [evaluate(f) for f in facts])
    return len(facts) / seconds


def bench_contract(documents: list[dict[str, object]]) -> float:
    """Return requests per second through parse, evaluate and serialise to dicts."""
    seconds = median_seconds(lambda: evaluate_document(documents, today=TODAY))
    return len(documents) / seconds


def bench_contract_text(text: bytes) -> float:
    """Return requests per second from JSON bytes to indented JSON text."""

    def work() -> str:
        answer = evaluate_document(load_document(text), today=TODAY)
        return json.dumps(answer, indent=2, ensure_ascii=False)

    return REQUESTS / median_seconds(work)


def run_command(path: Path) -> float:
    """Run ``manage.py evaluate_policy FILE`` and return its wall time."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "evaluate_policy", str(path)],
        cwd=PROJECT_ROOT,
        env=COMMAND_ENV,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def bench_command(text: bytes) -> tuple[float, float]:
    """Return the median wall time of the command on the batch and on ``[]``."""
    with tempfile.TemporaryDirectory() as directory:
        batch = Path(directory) / "batch.json"
        batch.write_bytes(text)
        empty = Path(directory) / "empty.json"
        empty.write_bytes(b"[]")
        batch_seconds = median_seconds(lambda: run_command(batch), COMMAND_RUNS)
        empty_seconds = median_seconds(lambda: run_command(empty), COMMAND_RUNS)
    return batch_seconds, empty_seconds


def outcome_mix(requests: list[Request]) -> str:
    """Describe how the generated requests spread over the outcomes."""
    counts = Counter(evaluate(request.facts).outcome for request in requests)
    return ", ".join(f"{outcome} {count:,}" for outcome, count in counts.most_common())


def main() -> None:
    """Run every benchmark and print the table."""
    requests = generate_requests()
    documents = [request_to_json(request) for request in requests]
    text = json.dumps(documents).encode()
    batch_seconds, empty_seconds = bench_command(text)
    rows = [
        ("evaluate(), in process", f"{bench_evaluate(requests):,.0f}", "decisions/s"),
        (
            "contract: parse + evaluate + to dict",
            f"{bench_contract(documents):,.0f}",
            "requests/s",
        ),
        (
            "contract: JSON bytes in, JSON text out",
            f"{bench_contract_text(text):,.0f}",
            "requests/s",
        ),
        (
            f"manage.py evaluate_policy, {REQUESTS:,} requests",
            f"{batch_seconds:.2f}",
            "s wall",
        ),
        (
            f"manage.py evaluate_policy, {REQUESTS:,} requests",
            f"{REQUESTS / batch_seconds:,.0f}",
            "decisions/s",
        ),
        (
            "manage.py evaluate_policy, empty array (start-up)",
            f"{empty_seconds:.2f}",
            "s wall",
        ),
    ]
    print(
        f"Recording-policy engine, {REQUESTS:,} generated requests, Python "
        f"{sys.version.split()[0]}, median of {RUNS} (command: {COMMAND_RUNS})\n"
    )
    print("| benchmark | figure | unit |")
    print("| --- | ---: | --- |")
    for name, figure, unit in rows:
        print(f"| {name} | {figure} | {unit} |")
    print(f"\nOutcomes of the generated requests: {outcome_mix(requests)}.")


if __name__ == "__main__":
    main()
