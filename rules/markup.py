"""Read the plain-text markup of a rule text into blocks that a template renders.

A body is plain text, never HTML: the template escapes every word of it. The markup:

- a line ``## Heading`` is a section heading;
- a line ``- item`` is an item of a bullet list; items that follow each other form
  one list;
- any other line is paragraph text; lines that follow each other form one
  paragraph;
- a blank line ends a paragraph or a list;
- a heading, paragraph or item may end with a rule code in brackets (``[R5]``):
  that passage explains the rule, so the checklist can show it beside a refusal
  reason. A rule is named at most once in a text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rules.engine import Rule

HEADING_PREFIX: Final = "## "
ITEM_PREFIX: Final = "- "

_TRAILING_CODE: Final = re.compile(r"\s*\[(?P<code>R\d+)\]$")
_ANY_CODE: Final = re.compile(r"\[R\d+\]")


class BlockKind(StrEnum):
    """What a block of a rule text is."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST = "list"


@dataclass(frozen=True, slots=True)
class Passage:
    """One heading, paragraph or list item, and the rule it explains, if any."""

    text: str
    rule: Rule | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A heading or paragraph (one passage), or a list (one passage per item)."""

    kind: BlockKind
    passages: tuple[Passage, ...]

    @property
    def passage(self) -> Passage:
        """Return the first passage: the whole text of a heading or paragraph."""
        return self.passages[0]


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    kind: BlockKind | None  # None: a blank line
    text: str


def parse_body(body: str) -> tuple[Block, ...]:
    """Return the blocks of ``body``; raise ValidationError for bad markup."""
    blocks: list[Block] = []
    for kind, group in itertools.groupby(_lines(body), key=lambda line: line.kind):
        lines = list(group)
        if kind is BlockKind.HEADING:
            blocks.extend(Block(kind, (_passage(line),)) for line in lines)
        elif kind is BlockKind.LIST:
            blocks.append(Block(kind, tuple(_passage(line) for line in lines)))
        elif kind is BlockKind.PARAGRAPH:
            blocks.append(Block(kind, (_passage(_joined(lines)),)))
    if not blocks:
        raise ValidationError(_("De tekst is leeg."), code="blank")
    _check_each_rule_once(blocks)
    return tuple(blocks)


def _lines(body: str) -> Iterator[_Line]:
    for number, raw in enumerate(body.splitlines(), start=1):
        line = raw.strip()
        if not line:
            yield _Line(number, None, "")
        elif line.startswith(HEADING_PREFIX):
            yield _Line(number, BlockKind.HEADING, line.removeprefix(HEADING_PREFIX))
        elif line.startswith(ITEM_PREFIX):
            yield _Line(number, BlockKind.LIST, line.removeprefix(ITEM_PREFIX))
        else:
            yield _Line(number, BlockKind.PARAGRAPH, line)


def _joined(lines: list[_Line]) -> _Line:
    """Join the lines of one paragraph; a rule code may only end the last one."""
    text = " ".join(line.text for line in lines)
    return _Line(lines[-1].number, BlockKind.PARAGRAPH, text)


def _passage(line: _Line) -> Passage:
    text, rule = line.text.strip(), None
    if match := _TRAILING_CODE.search(text):
        rule = _rule(match["code"], line.number)
        text = text[: match.start()].strip()
    if _ANY_CODE.search(text):
        raise ValidationError(
            _(
                "Regel %(line)s: een regelcode zoals [R5] hoort aan het eind van "
                "een kop, alinea of opsommingsteken."
            ),
            code="misplaced_rule",
            params={"line": line.number},
        )
    if not text:
        raise ValidationError(
            _("Regel %(line)s heeft geen tekst."),
            code="empty_line",
            params={"line": line.number},
        )
    return Passage(text, rule)


def _rule(code: str, number: int) -> Rule:
    try:
        return Rule(code)
    except ValueError:
        raise ValidationError(
            _("Regel %(line)s: %(code)s is geen bekende regelcode (R1 tot en met R9)."),
            code="unknown_rule",
            params={"line": number, "code": code},
        ) from None


def _check_each_rule_once(blocks: list[Block]) -> None:
    rules = [p.rule for block in blocks for p in block.passages if p.rule]
    if twice := sorted({rule for rule in rules if rules.count(rule) > 1}):
        raise ValidationError(
            _("%(rules)s staat meer dan één keer in de tekst."),
            code="duplicate_rule",
            params={"rules": ", ".join(twice)},
        )
