from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "marketplace.payments"
    label = "payments"
    verbose_name = _("Payments and ledger")

    def ready(self):
        from marketplace.navigation import register, register_panel

        from . import checks, permissions  # noqa: F401  (production payment check; permissions)
        from .panels import payments_due_panel

        register(_("My payments"), "payments:my_payments", {"agribusiness"})
        books = {"exchange_staff", "auditor"}
        register(_("Payments"), "payments:payable_list", books)
        register(_("Ledger"), "payments:ledger", books)
        register(_("Payouts"), "payments:payouts", books)
        register(_("Reconciliation"), "payments:reconciliation", books)
        register_panel(payments_due_panel)
