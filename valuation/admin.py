"""Django admin for the benchmark tables (staff add rows; history is kept) and reports (read-only)."""

from django.contrib import admin

from marketplace import permissions as policy
from marketplace.models import County

from .models import (
    BenchmarkRent,
    CapitalisationRate,
    FloorPrice,
    ForestParameter,
    PriceObservation,
    ValuationReport,
)


def _is_exchange_staff(request):
    user = request.user
    return user.is_active and user.is_staff and user.is_exchange_staff


class StaffViewMixin:
    """Exchange staff see the valuation tables without per-model permissions being granted."""

    def has_module_permission(self, request):
        return _is_exchange_staff(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _is_exchange_staff(request) or super().has_view_permission(request, obj)


class BenchmarkAdmin(StaffViewMixin, admin.ModelAdmin):
    """Staff add rows (a later effective date replaces a figure); only superusers edit or delete
    a row, to correct a typing error, because the history is what reports were computed from."""

    list_filter = ["county", "effective_from"]
    autocomplete_fields: list = []
    raw_id_fields = ["township"]
    readonly_fields = ["created_by", "created_at"]
    date_hierarchy = "effective_from"

    def has_add_permission(self, request):
        return _is_exchange_staff(request) or super().has_add_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """County staff add rows for their own county only (valuation.manage_county_tables)."""
        if db_field.name == "county" and not policy.has_whole_prefecture(request.user):
            kwargs["queryset"] = County.objects.filter(pk=request.user.county_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        policy.require(request.user, "valuation.manage_county_tables", obj)
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(BenchmarkRent)
class BenchmarkRentAdmin(BenchmarkAdmin):
    list_display = [
        "county",
        "township",
        "land_class",
        "rent_per_mu_year_fen",
        "effective_from",
        "source",
    ]
    list_filter = ["county", "land_class", "effective_from"]


@admin.register(CapitalisationRate)
class CapitalisationRateAdmin(BenchmarkAdmin):
    list_display = ["county", "township", "land_class", "rate", "effective_from", "source"]


@admin.register(ForestParameter)
class ForestParameterAdmin(BenchmarkAdmin):
    list_display = [
        "county",
        "township",
        "species",
        "stumpage_price_fen",
        "harvest_cost_fen",
        "rotation_age",
        "effective_from",
        "source",
    ]
    list_filter = ["county", "species", "effective_from"]


@admin.register(FloorPrice)
class FloorPriceAdmin(BenchmarkAdmin):
    list_display = [
        "county",
        "township",
        "land_class",
        "floor_per_mu_year_fen",
        "effective_from",
        "source",
    ]
    list_filter = ["county", "land_class", "effective_from"]


@admin.register(ValuationReport)
class ValuationReportAdmin(StaffViewMixin, admin.ModelAdmin):
    """Reports are written by the valuation service only: the admin shows them."""

    list_display = [
        "pk",
        "subject_label",
        "county",
        "method",
        "value_fen",
        "valuer",
        "created_at",
        "locked_at",
    ]
    list_filter = ["county", "method"]
    search_fields = ["subject_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PriceObservation)
class PriceObservationAdmin(StaffViewMixin, admin.ModelAdmin):
    list_display = [
        "township",
        "land_class",
        "price_per_mu_year_fen",
        "area_mu",
        "completed_on",
        "source_ref",
    ]
    list_filter = ["land_class", "completed_on"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
