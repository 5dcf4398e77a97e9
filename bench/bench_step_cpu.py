"""Measure the checklist step's cost in CPU time per request, in one process.

``bench_checklist.py`` measures requests per second under load, which a busy
neighbour on the machine moves by more than a change of a few per cent. This one
counts what a single request costs the app itself: the CPU time of the Python
process (``time.process_time``: not the time it waits for the database or for a
core); the tests count the queries per page. It runs the step page (GET, and
POST of the same answer) through Django's test client: ``BENCH_STEP_REQUESTS``
requests (default 500) per batch, ``BENCH_STEP_BATCHES`` batches (default 5),
and gives the median batch. It uses ``bench_checklist.py``'s database (run that
first: ``make bench`` does, in alphabetical order). Prints a Markdown table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from common import PROJECT_ROOT, database_url

REQUESTS = int(os.environ.get("BENCH_STEP_REQUESTS", "500"))
BATCHES = int(os.environ.get("BENCH_STEP_BATCHES", "5"))
DATABASE = "uwvrec_bench_checklist"

MEASURE = """
import json, statistics, sys, time
import django
django.setup()
from django.test import Client
from accounts.models import User
from conversations.models import Conversation

requests, batches = int(sys.argv[1]), int(sys.argv[2])
clients = []
for user in User.objects.filter(username__startswith="bench").order_by("id")[:20]:
    conversation = (Conversation.objects.filter(team_id=user.team_id, status="planned")
                    .order_by("id").first())
    Conversation.objects.filter(pk=conversation.pk).update(kind_confirmed=True)
    client = Client()
    client.force_login(user)
    clients.append((client, f"/gesprekken/{conversation.pk}/checklist/opnemen/"))

def get(client, url):
    return client.get(url)

def post(client, url):
    return client.post(url, {"wish": "audio"})

results = {}
for name, call, ok in (("GET", get, 200), ("POST", post, 302)):
    for client, url in clients:  # warm up: prepared statements, caches
        for _ in range(3):
            assert call(client, url).status_code == ok
    cpu, wall = [], []
    for _ in range(batches):
        started_cpu, started = time.process_time(), time.perf_counter()
        for n in range(requests):
            client, url = clients[n % len(clients)]
            call(client, url)
        cpu.append((time.process_time() - started_cpu) / requests * 1000)
        wall.append((time.perf_counter() - started) / requests * 1000)
    results[name] = {"cpu": cpu, "wall": wall}
json.dump(results, sys.stdout)
"""


def main() -> None:
    env = os.environ | {
        "DATABASE_URL": database_url("DATABASE_URL", DATABASE),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(PROJECT_ROOT),
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(REQUESTS), str(BATCHES)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(
            "the step could not be measured (run bench/bench_checklist.py first, "
            f"it seeds {DATABASE}):\n{result.stderr[-2000:]}"
        )
    _print(json.loads(result.stdout))


def _print(results: dict[str, dict]) -> None:
    print(
        f"The checklist step in one process (Django's test client), {BATCHES} "
        f"batches of {REQUESTS} requests over 20 users; the median batch.\n"
    )
    print("| request | CPU ms per request | wall ms per request | CPU per batch |")
    print("| --- | ---: | ---: | --- |")
    for name, figures in results.items():
        cpu = sorted(figures["cpu"])
        wall = sorted(figures["wall"])
        print(
            f"| step {name} | {cpu[len(cpu) // 2]:.3f} "
            f"| {wall[len(wall) // 2]:.3f} | "
            + ", ".join(f"{c:.3f}" for c in figures["cpu"])
            + " |"
        )


if __name__ == "__main__":
    main()
