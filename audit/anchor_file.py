"""The file sink of the outside anchors: where it is and what it holds.

Each line is one chain head copied out of the database (``audit.services.anchor``
appends them), or the checkpoint of a retired month (``{"checkpoint": {...}}``);
the verifier compares the chain with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Anchor:
    """A chain position and the hash it had when it was copied out."""

    seq: int
    hash: str


def anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


@dataclass(frozen=True)
class Checkpoint:
    """What stays of a retired month of the chain, as copied out of the database."""

    month: str
    first_seq: int
    last_seq: int
    events: int
    last_hash: str
    digest: str


def _records(path: Path | None) -> list[dict[str, Any]]:
    path = path or anchor_file()
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def read_anchors(path: Path | None = None) -> list[Anchor]:
    """Return the anchors written to the file sink, oldest first."""
    return [
        Anchor(seq=record["seq"], hash=record["hash"])
        for record in _records(path)
        if "checkpoint" not in record
    ]


def read_checkpoints(path: Path | None = None) -> list[Checkpoint]:
    """Return the checkpoints written to the file sink (lines ``{"checkpoint": …}``)."""
    return [
        Checkpoint(**record["checkpoint"])
        for record in _records(path)
        if "checkpoint" in record
    ]
