from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from audit.admin import AuditedModelAdmin

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin, DjangoGroupAdmin):
    pass


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ("name", "division", "office")
    list_filter = ("division",)
    search_fields = ("name", "office")


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "employee_number", "team")
    list_filter = ("team", "groups", "is_active")
    search_fields = ("username", "first_name", "last_name", "employee_number")
    list_select_related = ("team",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("UWV"), {"fields": ("employee_number", "team")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("UWV"), {"fields": ("employee_number", "team", "groups")}),
    )
