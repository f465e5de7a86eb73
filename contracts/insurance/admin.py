from django.contrib import admin

from .models import Claim, Inspection, InsurancePolicy


class ReadOnlyStateAdmin(admin.ModelAdmin):
    """States move only through the services; the admin shows them."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InsurancePolicy)
class InsurancePolicyAdmin(ReadOnlyStateAdmin):
    list_display = ("number", "insurer", "county", "starts_on", "ends_on", "premium_fen")
    list_filter = ("county", "insurer")
    search_fields = ("number",)
    raw_id_fields = ("right",)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyStateAdmin):
    list_display = ("number", "policy", "cause", "loss_on", "state", "amount_fen")
    list_filter = ("state", "cause")
    search_fields = ("number", "policy__number")
    readonly_fields = ("state",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyStateAdmin):
    list_display = ("claim", "inspected_on", "accepted", "survival_rate_pct")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
