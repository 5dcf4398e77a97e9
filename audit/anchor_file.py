"""The file sink of the outside anchors: where it is and what it holds.

Each line is one chain head copied out of the database (``audit.services.anchor``
appends them); the verifier compares the chain with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Anchor:
    """A chain position and the hash it had when it was copied out."""

    seq: int
    hash: str


def anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def read_anchors(path: Path | None = None) -> list[Anchor]:
    """Return the anchors written to the file sink, oldest first."""
    path = path or anchor_file()
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [Anchor(seq=record["seq"], hash=record["hash"]) for record in records]
