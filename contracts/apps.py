from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("交易与合同 deals and contracts")

    def ready(self):
        from marketplace.todos import register as register_todos

        from .todos import deal_todos

        register_todos(deal_todos)
        from listings.search import register_state_filter
        from marketplace.models import User
        from marketplace.navigation import TRADING, register

        from . import conf, metrics_hooks, permissions, receivers  # noqa: F401  (they register)

        conf.define()
        from .notify import register_events

        register_events()

        agribusiness = {User.Role.AGRIBUSINESS}
        staff = {User.Role.EXCHANGE_STAFF}
        register(_("My registrations"), "contracts:my_registrations", agribusiness)
        register(_("My auctions"), "contracts:my_auctions", agribusiness)
        register(_("Deals"), "contracts:deal_list", staff | {User.Role.AUDITOR}, group=TRADING)
        register(_("Mode selection"), "contracts:mode_selection", staff, group=TRADING)
        register(_("Qualification reviews"), "contracts:review_queue", staff, group=TRADING)
        register_state_filter(
            "auction",
            lambda qs: qs.filter(deal__state="auction", deal__auction__state="scheduled"),
            label=_("In online auction"),
        )
