import pytest
from django.core.exceptions import ValidationError

from rules.engine import Rule
from rules.markup import Block, BlockKind, Passage, parse_body


def test_reads_headings_paragraphs_and_lists():
    body = (
        "Eerste zin\nloopt door.\n\n"
        "## Een kop\n"
        "- een punt [R1]\n- nog een punt\n\n"
        "Slot. [R9]"
    )
    assert parse_body(body) == (
        Block(BlockKind.PARAGRAPH, (Passage("Eerste zin loopt door."),)),
        Block(BlockKind.HEADING, (Passage("Een kop"),)),
        Block(
            BlockKind.LIST,
            (Passage("een punt", Rule.R1), Passage("nog een punt")),
        ),
        Block(BlockKind.PARAGRAPH, (Passage("Slot.", Rule.R9),)),
    )


def test_a_blank_line_starts_a_new_list():
    blocks = parse_body("- a\n\n- b")
    assert [block.kind for block in blocks] == [BlockKind.LIST, BlockKind.LIST]


def test_html_stays_plain_text_for_the_template_to_escape():
    (block,) = parse_body("<b>vet</b> & <script>x</script>")
    assert block.passage.text == "<b>vet</b> & <script>x</script>"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "De tekst is leeg."),
        ("  \n\n ", "De tekst is leeg."),
        ("Zin [R10]", "Regel 1: R10 is geen bekende regelcode (R1 tot en met R9)."),
        (
            "Zin [R3] en meer",
            "Regel 1: een regelcode zoals [R5] hoort aan het eind van een kop, "
            "alinea of opsommingsteken.",
        ),
        ("- a [R2]\n- b [R2]", "R2 staat meer dan één keer in de tekst."),
        ("Tekst\n\n- [R4]", "Regel 3 heeft geen tekst."),
    ],
)
def test_refuses_unreadable_markup_with_a_dutch_message(body, message):
    with pytest.raises(ValidationError) as caught:
        parse_body(body)
    assert caught.value.messages == [message]
