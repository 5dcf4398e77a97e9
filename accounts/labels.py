"""What the admin shows for roles and permissions: Dutch words, not stored codes.

A role's group keeps its code as its name (``Role``; the code looks roles up by
it), and Django stores a permission's name in English ("Can add team") when it
makes it. Neither is renamed in the database: the admin shows the label below,
in the language of the page, for every permission, one made later too.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import RoleGroup


def role_label(group: Group) -> str:
    """Return the Dutch name of a role's group ("teamleider"), else its name."""
    return str(RoleGroup(pk=group.pk, name=group.name))


def permission_label(permission: Permission) -> str:
    """Return what a permission allows: "Gesprekken | gesprekken bekijken"."""
    content_type = permission.content_type
    model = content_type.model_class()
    app = apps.get_app_config(content_type.app_label).verbose_name
    if model is None:
        return f"{capfirst(app)} | {permission.name}"
    return f"{capfirst(app)} | {_what(permission.codename, model)}"


def _what(codename: str, model: type) -> str:
    opts = model._meta  # type: ignore[attr-defined]
    actions = {
        "add": _("%(models)s toevoegen"),
        "change": _("%(models)s wijzigen"),
        "delete": _("%(models)s verwijderen"),
        "view": _("%(models)s bekijken"),
    }
    action, _sep, rest = codename.partition("_")
    if action in actions and rest == opts.model_name:
        return actions[action] % {"models": opts.verbose_name_plural}
    # A permission of the model's own Meta: its name is translatable there.
    for code, name in opts.permissions:
        if code == codename:
            return str(name)
    return codename
