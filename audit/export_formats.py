"""The export files' formats: CSV and JSON Lines, their labels, and their names.

Pure: handed the rows (``chain.Row``) and the anchor, it yields the lines; reading
the trail and recording the export is ``audit.services.export``'s.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from audit import chain
from audit.catalogue import Action, Result

if TYPE_CHECKING:
    from audit.models import AuditAnchor, AuditCheckpoint


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    JSONL = "jsonl", _("JSON Lines")


CONTENT_TYPES: dict[str, str] = {
    ExportFormat.CSV.value: "text/csv; charset=utf-8",
    ExportFormat.JSONL.value: "application/jsonl; charset=utf-8",
}


class _Echo:
    """A file-like object that hands back what the csv writer writes."""

    def write(self, value: str) -> str:
        return value


def _json(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n"


def _anchor_json(anchor: AuditAnchor | None) -> dict[str, Any] | None:
    return {"seq": anchor.seq, "hash": anchor.hash} if anchor else None


def _checkpoint_json(checkpoint: AuditCheckpoint | None) -> dict[str, Any] | None:
    if checkpoint is None:
        return None
    return {"seq": checkpoint.last_seq, "hash": checkpoint.last_hash}


def jsonl_lines(
    batches: Iterable[list[chain.Row]],
    *,
    anchor: AuditAnchor | None,
    filters: dict[str, Any],
    at: dt.datetime,
    checkpoint: AuditCheckpoint | None = None,
) -> Iterator[str]:
    """Yield a JSON Lines export: a header, one line per event, a footer."""
    yield _json(
        {
            "type": "header",
            "format": chain.FORMAT,
            "version": chain.VERSION,
            "anchor": _anchor_json(anchor),
            # The chain goes on from here: the months before it were retired.
            "checkpoint": _checkpoint_json(checkpoint),
            "filters": filters,
            "exported_at": at.isoformat(),
        }
    )
    readable = Readable()
    rows = 0
    for batch in batches:
        rows += len(batch)
        yield "".join(_json(_event_record(row, readable)) for row in batch)
    yield _json({"type": "footer", "rows": rows})


def _event_record(row: chain.Row, readable: Readable) -> dict[str, Any]:
    return {
        "type": "event",
        "seq": row.seq,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
        "event": row.event,
        # Beside the chained fields, never hashed: the verifier reads "event" only.
        "readable": dict(zip(READABLE_KEYS, readable.cells(row.event), strict=True)),
    }


# Column labels of the chained fields; the CSV header names each field in brackets
# after its label ("Tijdstip [occurred_at_us]"), which is what the verifier reads.
FIELD_LABELS: dict[str, Any] = {
    "seq": _("Positie in de keten"),
    "prev_hash": _("Vorige hash"),
    "hash": _("Hash"),
    "id": _("Gebeurtenis (nummer)"),
    "occurred_at_us": _("Tijdstip (microseconden sinds 1970, UTC)"),
    "actor_id": _("Medewerker (id)"),
    "actor_username": _("Gebruikersnaam"),
    "actor_name": _("Medewerker"),
    "actor_role": _("Rol"),
    "team_id": _("Team (id)"),
    "team_name": _("Team"),
    "action": _("Handeling (code)"),
    "object_type": _("Soort object (code)"),
    "object_id": _("Object (id)"),
    "client_ref": _("Klantreferentie"),
    "result": _("Resultaat (code)"),
    "changes": _("Wijzigingen"),
    "data": _("Gegevens"),
    "ip": _("IP-adres"),
    "user_agent": _("Browser"),
    "request_id": _("Verzoek (id)"),
    "origin": _("Herkomst (code)"),
}
READABLE_KEYS = ("occurred_at", "action", "result")
READABLE_LABELS = (
    _("Tijdstip (Nederlandse tijd)"),
    _("Handeling"),
    _("Resultaat"),
)


class Readable:
    """An event's time, action and result as a reader says them, in one language.

    The language is the one active when the export was asked for; a streamed
    export is written after the view returned, so it is kept here.
    """

    def __init__(self) -> None:
        self.language = translation.get_language() or settings.LANGUAGE_CODE

    def header(self) -> list[str]:
        with translation.override(self.language):
            machine = [f"{FIELD_LABELS[name]} [{name}]" for name in chain.CSV_FIELDS]
            return machine + [str(label) for label in READABLE_LABELS]

    def cells(self, event: dict[str, Any]) -> list[str]:
        moment = chain.EPOCH + dt.timedelta(microseconds=event["occurred_at_us"])
        with translation.override(self.language):
            return [
                date_format(timezone.localtime(moment), "j F Y, H:i:s"),
                str(dict(Action.choices).get(event["action"], event["action"])),
                str(dict(Result.choices).get(event["result"], event["result"])),
            ]


def csv_lines(
    batches: Iterable[list[chain.Row]],
    *,
    anchor: AuditAnchor | None,
    checkpoint: AuditCheckpoint | None = None,
) -> Iterator[str]:
    """Yield a CSV export: the anchor, a header, one row per event, the count.

    Every cell goes through ``chain.csv_cell``, so no spreadsheet runs one as a
    formula, and the verifier reads the original value back. The header labels
    each column in words and names its field in brackets; the columns after the
    chained fields say the time, action and result in words.
    """
    writer = csv.writer(_Echo())
    readable = Readable()
    yield writer.writerow(
        [
            f"#{chain.FORMAT} v{chain.VERSION}",
            f"anchor_seq={anchor.seq if anchor else ''}",
            f"anchor_hash={anchor.hash if anchor else ''}",
            f"checkpoint_seq={checkpoint.last_seq if checkpoint else ''}",
            f"checkpoint_hash={checkpoint.last_hash if checkpoint else ''}",
        ]
    )
    yield writer.writerow([chain.csv_cell(label) for label in readable.header()])
    rows = 0
    for batch in batches:
        rows += len(batch)
        yield "".join(writer.writerow(_csv_cells(row, readable)) for row in batch)
    yield writer.writerow([f"#rows={rows}"])


def _csv_cells(row: chain.Row, readable: Readable) -> list[str]:
    values = [row.seq, row.prev_hash, row.hash]
    values += [row.event[name] for name in chain.EVENT_FIELDS]
    values += readable.cells(row.event)
    return [chain.csv_cell(value) for value in values]


def download_name(file_format: str, at: dt.datetime) -> str:
    """Return the name the browser saves an export under."""
    return f"uwvrec-audittrail-{timezone.localtime(at):%Y%m%d-%H%M%S}.{file_format}"
