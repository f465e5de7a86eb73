from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "marketplace.payments"
    label = "payments"
    verbose_name = _("Payments and ledger")

    def ready(self):
        from marketplace.todos import register as register_todos

        from .todos import payment_todos

        register_todos(payment_todos)
        from marketplace.navigation import CONTRACTS_AND_MONEY, register, register_panel

        from . import checks, permissions  # noqa: F401  (production payment check; permissions)
        from .panels import payments_due_panel

        register(_("My payments"), "payments:my_payments", {"agribusiness"})
        books = {"exchange_staff", "auditor"}
        register(_("Payments"), "payments:payable_list", books, group=CONTRACTS_AND_MONEY)
        register(_("Ledger"), "payments:ledger", books, group=CONTRACTS_AND_MONEY)
        register(_("Payouts"), "payments:payouts", books, group=CONTRACTS_AND_MONEY)
        register(_("Reconciliation"), "payments:reconciliation", books, group=CONTRACTS_AND_MONEY)
        register_panel(payments_due_panel)
