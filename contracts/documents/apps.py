from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractDocumentsConfig(AppConfig):
    """Contracts, signatures, the buyer's payment, settlement and certificates (issue 7).

    A separate app label (`contract_documents`) so its migrations never collide with the
    deals app's (`contracts`), which another engineer edits at the same time.
    """

    name = "contracts.documents"
    label = "contract_documents"
    verbose_name = _("Contracts and certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from marketplace.todos import register as register_todos

        from .todos import document_todos

        register_todos(document_todos)
        from marketplace.models import User
        from marketplace.navigation import CONTRACTS_AND_MONEY, register

        from . import conf, permissions, receivers  # noqa: F401  (receivers connects its signals)

        conf.define()
        from .notify import register_events

        register_events()
        from marketplace.household_sections import register_money, register_section

        from .household_section import deals_section, land_section, rent_money

        register_section(land_section, order=5)
        register_section(deals_section, order=20)
        register_money(rent_money)

        staff = {User.Role.EXCHANGE_STAFF, User.Role.AUDITOR}
        register(_("My contracts"), "contract_documents:my_contracts", {User.Role.AGRIBUSINESS})
        register(
            _("Contracts to sign"),
            "contract_documents:station_signing",
            {User.Role.STATION_OPERATOR},
        )
        register(
            _("Lease contracts of the storage centre"),
            "contract_documents:centre_contracts",
            {User.Role.STORAGE_OPERATOR},
        )
        register(
            _("Deal documents"),
            "contract_documents:staff_documents",
            staff,
            group=CONTRACTS_AND_MONEY,
        )
        register(
            _("Rent schedule"), "contract_documents:rent_overdue", staff, group=CONTRACTS_AND_MONEY
        )
