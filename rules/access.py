"""Who may read and who may publish rule texts: the one place that decides."""

from __future__ import annotations

from accounts.access import Visitor, may_act
from accounts.models import User

PUBLISH_PERMISSION = "rules.add_ruletext"


def may_read_rules(user: Visitor) -> bool:
    """Everyone who works in uwvrec reads, prints and reads out the rules."""
    return may_act(user)


def may_publish_rule_text(user: User) -> bool:
    """The admin role publishes the next version of a rule text (and superusers)."""
    return may_act(user) and user.has_perm(PUBLISH_PERMISSION)
