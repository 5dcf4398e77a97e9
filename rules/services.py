from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.catalogue import Result
from audit.payloads import RULE_TEXT_PUBLISHED, RuleTextRefused
from audit.services.record import audit_record, audit_record_refusal
from rules.access import may_publish_rule_text
from rules.models import RuleText


def rule_text_publish(
    *,
    actor: User,
    policy_version: str,
    language: str,
    audience: str,
    title: str,
    body: str,
) -> RuleText:
    """Publish the next version of a rule text; every earlier version stays as it is.

    Raises PermissionDenied unless ``actor`` may publish rule texts (the admin
    role), and ValidationError for a blank or unreadable text.
    """
    which: RuleTextRefused = {"policy_version": policy_version,
                              "language": language, "audience": audience}  # fmt: skip
    if not may_publish_rule_text(actor):
        _record_refusal(actor, which, Result.DENIED)
        raise PermissionDenied(
            _("Alleen een functioneel beheerder mag spelregelteksten publiceren.")
        )
    text = RuleText(**which, title=title.strip(), body=_normalised(body),
                    published_by=actor)  # fmt: skip
    try:
        _rule_text_checked(text)
    except ValidationError:
        _record_refusal(actor, which, Result.FAILED)
        raise
    with transaction.atomic():
        _lock_versions_of(text)
        text.text_version = _next_text_version(text)
        text.save()
        audit_record(
            actor=actor,
            event=RULE_TEXT_PUBLISHED({**which, "text_version": text.text_version}),
            obj=text,
        )
    return text


def _record_refusal(actor: User, which: RuleTextRefused, result: Result) -> None:
    audit_record_refusal(
        actor=actor,
        event=RULE_TEXT_PUBLISHED.refused(which),
        object_type="rules.ruletext",
        result=result,
    )


def _rule_text_checked(text: RuleText) -> RuleText:
    if not text.body:
        raise ValidationError(
            {
                "body": _(
                    "Vul de tekst in. Een lege tekst kan niet worden gepubliceerd."
                )
            },
            code="blank",
        )
    text.full_clean(exclude=["text_version"], validate_constraints=False)
    return text


def _normalised(body: str) -> str:
    """Return the body with Unix line ends and no trailing spaces or blank ends."""
    return "\n".join(line.rstrip() for line in body.strip().splitlines())


def _lock_versions_of(text: RuleText) -> None:
    """Make publishers of the same text take turns until their transaction ends.

    An advisory lock rather than SELECT ... FOR UPDATE: the first version of a
    new language or policy version has no row yet to lock.
    """
    key = f"rules.ruletext:{text.policy_version}:{text.language}:{text.audience}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def _next_text_version(text: RuleText) -> int:
    latest = RuleText.objects.filter(
        policy_version=text.policy_version,
        language=text.language,
        audience=text.audience,
    ).aggregate(latest=Max("text_version"))["latest"]
    return (latest or 0) + 1
