"""The rule texts of policy version 2017-01, shipped by migration 0002."""

import re

import pytest

from rules.engine import Rule
from rules.models import RuleText

pytestmark = pytest.mark.django_db


def shipped(language: str, audience: str) -> RuleText:
    return RuleText.objects.get(
        policy_version="2017-01", language=language, audience=audience
    )


def test_ships_dutch_and_english_handout_and_phone_script_as_version_1():
    texts = RuleText.objects.filter(policy_version="2017-01")
    assert sorted(texts.values_list("language", "audience", "text_version")) == [
        ("en", "handout", 1),
        ("en", "phone_script", 1),
        ("nl", "handout", 1),
        ("nl", "phone_script", 1),
    ]
    assert all(text.published_by is None for text in texts)
    assert all(text.published_at is not None for text in texts)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("audience", ["handout", "phone_script"])
def test_every_text_explains_each_rule_once(language, audience):
    text = shipped(language, audience)
    named = [p.rule for block in text.blocks for p in block.passages if p.rule]
    assert sorted(named) == list(Rule)


@pytest.mark.parametrize(
    ("rule", "passage"),
    [
        (
            Rule.R1,
            "U mag alleen geluid opnemen. Beeldopnamen zijn niet toegestaan. "
            "U mag het gesprek dus niet filmen.",
        ),
        (
            Rule.R2,
            "Wilt u het gesprek opnemen? Zeg dat dan vooraf tegen de medewerker. "
            "Dan kunnen wij besluiten of wij zelf ook een opname maken.",
        ),
        (
            Rule.R3,
            "Bent u het niet eens met deze spelregels? Dan gaat het gesprek wel "
            "door. Maar dan mag u het gesprek niet opnemen.",
        ),
        (
            Rule.R4,
            "De geluidsopname is alleen bedoeld voor gebruik in uw huiselijke "
            "kring. Dus voor uzelf, uw gezin, uw familie of goede vrienden.",
        ),
        (
            Rule.R5,
            "Als er een derde persoon aan het gesprek meedoet die geen toestemming "
            "geeft voor de opname. Een derde persoon is iemand anders dan u en de "
            "medewerkers van UWV. Bijvoorbeeld uw partner, een tolk, uw advocaat "
            "of uw werkgever.",
        ),
        (
            Rule.R6,
            "Als het een mediationgesprek is en niet alle betrokkenen ermee "
            "instemmen. Bij mediation moeten alle partijen én de mediator "
            "instemmen met de opname.",
        ),
        (Rule.R7, "Als er sprake is van een verhoor door een opsporingsambtenaar."),
        (Rule.R8, "Als u zich eerder niet aan deze spelregels heeft gehouden."),
        (
            Rule.R9,
            "UWV maakt zelf geen geluidsopname, tenzij daar een goede reden voor "
            "is. Neemt UWV het gesprek wel op? Dan schrijven wij de reden op. En "
            "wij vertellen aan iedereen die aan het gesprek meedoet dat wij het "
            "gesprek opnemen.",
        ),
    ],
)
def test_dutch_handout_states_each_rule_as_the_announcement_does(rule, passage):
    assert shipped("nl", "handout").passage(rule) == passage


def test_dutch_handout_lists_when_recording_is_not_allowed():
    headings = [
        block.passage.text
        for block in shipped("nl", "handout").blocks
        if block.kind == "heading"
    ]
    assert headings == [
        "De spelregels",
        "Wanneer mag u geen geluidsopname maken?",
        "Neemt UWV het gesprek ook op?",
    ]


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("nl", "Bent u het eens met deze spelregels?"),
        ("en", "Do you agree with these rules?"),
    ],
)
def test_phone_script_ends_by_asking_whether_the_client_agrees(language, question):
    last = shipped(language, "phone_script").blocks[-1]
    assert last.kind == "paragraph"
    assert last.passage.text == question


@pytest.mark.parametrize("audience", ["handout", "phone_script"])
def test_dutch_texts_address_the_client_as_u(audience):
    body = shipped("nl", audience).body
    assert " u " in body
    assert not re.search(r"\b(je|jij|jou|jouw)\b", body, re.IGNORECASE)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_phone_script_speaks_in_short_sentences(language):
    blocks = shipped(language, "phone_script").blocks
    passages = [passage.text for block in blocks for passage in block.passages]
    sentences = [s for text in passages for s in re.split(r"(?<=[.?])\s+", text)]
    assert max(len(sentence.split()) for sentence in sentences) <= 15


def test_english_handout_states_the_same_rules():
    text = shipped("en", "handout")
    assert (
        text.passage(Rule.R7) == "When you are interviewed by an investigating officer."
    )
    assert text.passage(Rule.R8) == "When you did not keep to these rules before."
    assert text.passage(Rule.R1) == (
        "You may only record sound. Video recordings are not allowed. "
        "So you may not film the conversation."
    )
