"""Read-only admin views of the payments tables (writes go through the services and screens)."""

from django.contrib import admin

from . import models


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Payable)
class PayableAdmin(ReadOnly):
    list_display = ["id", "kind", "description", "amount_fen", "state", "payer", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["description", "idempotency_key", "payment_intent_id"]


@admin.register(models.Refund)
class RefundAdmin(ReadOnly):
    list_display = ["id", "payable", "amount_fen", "state", "refund_id", "created_at"]
    list_filter = ["state"]


@admin.register(models.Payout)
class PayoutAdmin(ReadOnly):
    list_display = ["id", "payee_name", "amount_fen", "state", "batch", "created_at"]
    list_filter = ["state"]


@admin.register(models.WebhookEvent)
class WebhookEventAdmin(ReadOnly):
    list_display = ["event_id", "type", "object_id", "outcome", "received_at"]
    list_filter = ["type", "outcome"]
    search_fields = ["event_id", "object_id"]


admin.site.register([models.PayoutBatch, models.LedgerAccount, models.LedgerTransaction,
                     models.ReconciliationRun], ReadOnly)  # fmt: skip
