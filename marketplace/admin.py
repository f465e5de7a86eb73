from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AuditEvent,
    Collective,
    County,
    Enterprise,
    HolidayYear,
    Household,
    Insurer,
    Prefecture,
    ServiceStation,
    StorageCenter,
    Township,
    User,
    Village,
    WorkdayOverride,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Role and scope"),
            {
                "fields": (
                    "role",
                    "display_name",
                    "phone",
                    "station",
                    "county",
                    "enterprise",
                    "storage_center",
                    "household",
                    "insurer",
                )
            },
        ),
    )
    list_display = ("username", "display_name", "role", "station", "county", "enterprise")
    list_filter = ("role", *BaseUserAdmin.list_filter)


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("name", "village", "is_relocated", "phone")
    list_filter = ("is_relocated", "village__township__county")
    search_fields = ("name", "id_number")
    raw_id_fields = ("village",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "uscc", "is_commercial_capital")
    list_filter = ("kind", "is_commercial_capital")
    search_fields = ("name", "uscc")


class ExchangeStaffAdmin(admin.ModelAdmin):
    """Prefecture-wide tables (R-TIME-3 holidays, working-day overrides): every exchange staff
    member sees them; only prefecture staff change them (`marketplace.manage_prefecture`)."""

    def has_module_permission(self, request):
        return request.user.has_perm("marketplace.write_staff_pages")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return request.user.has_perm("marketplace.manage_prefecture")

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    has_delete_permission = has_change_permission


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(ExchangeStaffAdmin):
    list_display = ("date", "is_workday", "note", "entered_by")
    list_filter = ("is_workday",)

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("id", "at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("object_id", "action")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


for model in (
    Prefecture,
    County,
    Township,
    Village,
    Collective,
    ServiceStation,
    StorageCenter,
    Insurer,
):
    admin.site.register(model)


@admin.register(HolidayYear)
class HolidayYearAdmin(ExchangeStaffAdmin):
    list_display = ("year", "confirmed_by", "confirmed_at")

    def save_model(self, request, obj, form, change):
        obj.confirmed_by = request.user
        super().save_model(request, obj, form, change)
