import datetime

from rules.engine import policy_for
from rules.models import RuleText


def rule_text_current(*, policy_version: str, language: str, audience: str) -> RuleText:
    """Return the newest text of one policy version, language and audience.

    Raises RuleText.DoesNotExist when no such text was ever published.
    """
    return RuleText.objects.filter(
        policy_version=policy_version, language=language, audience=audience
    ).latest("text_version")


def rule_text_in_force(*, on: datetime.date, language: str, audience: str) -> RuleText:
    """Return the newest text of the policy version in force on ``on``.

    Raises RuleText.DoesNotExist when that version has no such text, and
    PolicyNotInForce for a date before the first policy version.
    """
    return rule_text_current(
        policy_version=policy_for(on).version, language=language, audience=audience
    )
