"""Users, teams, roles and failed-login locks in the admin site.

The admin role (functioneel beheerder) manages who is in which team and which role,
names, employee numbers and the active flag. It never grants the superuser flag or
single permissions, never changes what a role (group) may do, and never sets
someone else's password: a superuser is the operator's break-glass account, made
on the command line with ``createsuperuser``. Each rule is enforced on the server:
the forms have no such fields, so a POST of them is ignored, and the views refuse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticToken

from accounts.access import (
    groups_grantable_by,
    may_change_account,
    may_manage_privileges,
    may_remove_device,
)
from accounts.forms import StaffUserAddForm, StaffUserChangeForm
from accounts.labels import permission_label, role_label
from accounts.models import (
    AuthenticatorApp,
    FailedLogin,
    RecoveryCodes,
    RoleGroup,
    Team,
    User,
)
from accounts.passkeys.models import Passkey
from accounts.roles import Role
from accounts.services import lockout_lift
from accounts.services.second_factor import device_remove
from audit.admin import AuditedModelAdmin
from uwvrec.moments import moment_shown

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts

admin.site.unregister(Group)
# One fieldset of the admin: a title and the options (its fields).
Fieldset = tuple[Any, "_FieldOpts"]


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # the admin site let it in


def _manages_privileges(request: HttpRequest) -> bool:
    return may_manage_privileges(_actor(request))


def _lines(labels: list[str]) -> SafeString:
    return format_html_join("", "<div>{}</div>", ((label,) for label in labels))


def _label_choices(field: Any, label: Any) -> Any:
    """Give a form field's choices ``label`` instead of their stored names."""
    if field is not None:
        field.label_from_instance = label
    return field


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin, DjangoGroupAdmin):
    """Roles: what a group may do is fixed by migrations; only a superuser edits it.

    Shown by their Dutch names, their permissions as what they allow.
    """

    list_display = ("role_name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return RoleGroup.objects.order_by("name")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if _manages_privileges(request):
            return ("name", "permissions")
        return ("role_name", "permission_list")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if _manages_privileges(request) else ("role_name", "permission_list")

    @admin.display(description=_("rol"), ordering="name")
    def role_name(self, group: Group) -> str:
        return role_label(group)

    @admin.display(description=_("wat deze rol mag"))
    def permission_list(self, group: Group) -> SafeString | str:
        permissions = group.permissions.select_related("content_type")
        labels = sorted(permission_label(p) for p in permissions)
        return _lines(labels) if labels else "-"

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "permissions":
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _label_choices(field, permission_label)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _manages_privileges(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manages_privileges(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manages_privileges(request)


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ("name", "division", "office")
    list_filter = ("division",)
    search_fields = ("name", "office")


_NAME: Fieldset = (None, {"fields": ("username",)})
_PERSON: Fieldset = (
    _("Persoonlijke gegevens"),
    {"fields": ("first_name", "last_name", "email")},
)
_UWV: Fieldset = (_("UWV"), {"fields": ("employee_number", "team")})
_ROLE: Fieldset = (_("Rol en toegang"), {"fields": ("is_active", "is_staff", "groups")})
# Set by the first SSO login (accounts.services.account_from_identity), never here:
# whoever could change it could log in as another.
_IDP: Fieldset = (
    _("Inloggen met UWV-account"),
    {"fields": ("idp_issuer", "idp_subject")},
)
_DATES: Fieldset = (_("Datums"), {"fields": ("last_login", "date_joined")})
# Only a superuser (the operator's break-glass account) sees and sets these.
_SUPERUSER: Fieldset = (
    _("Alleen voor de superuser"),
    {"fields": ("password", "is_superuser", "user_permissions")},
)


def _with_roles_shown(fieldset: Fieldset) -> Fieldset:
    title, options = fieldset
    fields = tuple(
        "role_names" if name == "groups" else name for name in options["fields"]
    )
    return (title, {**options, "fields": fields})


class RoleFilter(admin.SimpleListFilter):
    """Users by role, named in Dutch."""

    title = _("rol")
    parameter_name = "rol"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, Any]]:
        return [(role.value, role.label) for role in Role]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> QuerySet[User]:
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Users: details, team and role; no password, superuser flag or permission."""

    list_display = ("username", "first_name", "last_name", "employee_number", "team")
    list_filter = ("team", RoleFilter, "is_active")
    search_fields = ("username", "first_name", "last_name", "employee_number")
    list_select_related = ("team",)
    add_form_template = "admin/accounts/user/add_form.html"
    add_form = StaffUserAddForm
    readonly_fields = ("last_login", "date_joined", "idp_issuer", "idp_subject")
    add_fieldsets = (_NAME, _PERSON, _UWV, _ROLE)
    fieldsets = (_NAME, _PERSON, _UWV, _ROLE, _IDP, _DATES)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        if _manages_privileges(request):
            return (*self.fieldsets, _SUPERUSER)
        if not self.has_change_permission(request, obj):
            # Read only: the roles by name, as the form's choices show them.
            return tuple(_with_roles_shown(fieldset) for fieldset in self.fieldsets)
        return self.fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*super().get_readonly_fields(request, obj), "role_names")

    @admin.display(description=_("rollen"))
    def role_names(self, user: User) -> str:
        return ", ".join(sorted(role_label(group) for group in user.groups.all()))

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Any]]:
        # Django's change form (with its password link) only for a superuser.
        if obj is not None and not _manages_privileges(request):
            kwargs["form"] = StaffUserChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "groups":
            kwargs["queryset"] = groups_grantable_by(_actor(request))
        if db_field.name == "user_permissions":
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        label = role_label if db_field.name == "groups" else permission_label
        return _label_choices(field, label)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An admin only reads the accounts of superusers and admins.
        if obj is not None and not may_change_account(_actor(request), obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted: the trail names their actions.
        return _manages_privileges(request) and super().has_delete_permission(
            request, obj
        )

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        if not may_change_account(_actor(request), obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        if not may_change_account(_actor(request), form.instance):
            raise PermissionDenied  # rolls the whole change back

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Nobody sets another's password but the break-glass superuser.
        if not _manages_privileges(request):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AuditedModelAdmin, AxesAccessAttemptAdmin):
    """Failed logins that count towards a lock; deleting them lifts it (audited)."""

    actions = ()
    list_display = ("attempt_time", "ip_address", "username", "failures_since_start")
    fieldsets = (
        (None, {"fields": ("username", "path_info", "failures_since_start")}),
        (_("Herkomst"), {"fields": ("ip_address", "user_agent", "attempt_time")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return FailedLogin.objects.all()

    def delete_model(self, request: HttpRequest, obj: AccessAttempt) -> None:
        lockout_lift(
            actor=request.user,  # type: ignore[arg-type]
            attempts=AccessAttempt.objects.filter(pk=obj.pk),
        )

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[AccessAttempt]
    ) -> None:
        lockout_lift(actor=request.user, attempts=queryset)  # type: ignore[arg-type]


class _DeviceAdmin(AuditedModelAdmin):
    """A second factor of a user: read, and removed (audited), never made here.

    An admin removes the device of a user who lost it; the user then sets up a
    new one at their next login. Nobody adds or changes a device in the admin
    site (an admin who made one would know its secret), nor removes one of an
    admin's or a superuser's account but a superuser (``may_remove_device``).
    """

    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    search_help_text = _("Zoek op gebruikersnaam, voornaam of achternaam.")
    ordering = ("-created_at",)
    actions = ()

    @admin.display(description=_("gebruiker"), ordering="user__username")
    def owner(self, device: Any) -> str:
        return str(device.user)

    @admin.display(description=_("ingesteld op"), ordering="created_at")
    def added(self, device: Any) -> str:
        return moment_shown(device.created_at) if device.created_at else "-"

    @admin.display(description=_("laatst gebruikt"), ordering="last_used_at")
    def last_used(self, device: Any) -> str:
        return moment_shown(device.last_used_at) if device.last_used_at else "-"

    @admin.display(description=_("onjuiste codes op rij"))
    def failures(self, device: Any) -> int:
        return int(device.throttling_failure_count)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or may_remove_device(_actor(request), obj.user)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # Django would list the codes' own rows; what goes is the device.
        devices = list(objs)
        listed = [str(device) for device in devices]
        counts = {self.opts.verbose_name_plural: len(devices)}
        return listed, counts, set(), []

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        device_remove(actor=_actor(request), device=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for device in queryset:
            device_remove(actor=_actor(request), device=device)


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(_DeviceAdmin):
    """Authenticator apps; removing a user's last one removes their codes too."""

    list_display = ("owner", "added", "last_used", "state")
    fields = ("owner", "state", "added", "last_used", "failures")
    readonly_fields = fields

    @admin.display(description=_("status"))
    def state(self, device: AuthenticatorApp) -> str:
        return str(_("in gebruik") if device.confirmed else _("nog niet bevestigd"))

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        listed, counts, perms, protected = super().get_deleted_objects(objs, request)
        owners = {device.user_id for device in objs}
        codes = RecoveryCodes.objects.filter(user_id__in=owners).select_related("user")
        listed += [str(device) for device in codes]
        if codes:
            counts[RecoveryCodes._meta.verbose_name_plural] = len(codes)
        return listed, counts, perms, protected


@admin.register(RecoveryCodes)
class RecoveryCodesAdmin(_DeviceAdmin):
    """Recovery codes: how many are left, never the codes themselves."""

    list_display = ("owner", "added", "last_used", "left")
    fields = ("owner", "added", "last_used", "left", "failures")
    readonly_fields = fields

    @admin.display(description=_("codes over"))
    def left(self, device: RecoveryCodes) -> int:
        return StaticToken.objects.filter(device=device).count()


@admin.register(Passkey)
class PasskeyAdmin(_DeviceAdmin):
    """Passkeys: when added and last used, never their keys."""

    list_display = ("owner", "added", "last_used")
    fields = ("owner", "added", "last_used")
    readonly_fields = fields
