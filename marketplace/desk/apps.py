from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The station desk (R-SVC-1, "三个三"): households' requests at their service station."""

    name = "marketplace.desk"
    label = "desk"
    verbose_name = _("Station desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from marketplace.todos import register as register_todos

        from .todos import desk_todos

        register_todos(desk_todos)
        from marketplace.navigation import register, register_panel

        from . import conf, permissions  # noqa: F401  (permissions registers the rules)
        from .notify import register_events

        conf.define()
        register_events()
        from marketplace.household_sections import register_section

        from .household import payouts_section
        from .views import household_panel, requests_section

        register_section(payouts_section, order=30)
        register_section(requests_section, order=90)
        register_panel(household_panel)
        register(_("My land and money"), "desk:my_household", {"household"}, weight=10)
        register(
            _("Station desk"),
            "desk:index",
            {"station_operator", "exchange_staff", "auditor"},
            weight=20,
        )
