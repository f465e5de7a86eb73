from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    """Forest insurance (森林保险): policies, claims paid in two parts, replanting inspections."""

    name = "contracts.insurance"
    label = "insurance"
    verbose_name = _("Forest insurance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from marketplace.todos import register as register_todos

        from .todos import insurance_todos

        register_todos(insurance_todos)
        from marketplace.models import User
        from marketplace.navigation import STORAGE_AND_INSURANCE, register

        from . import conf, permissions, receivers  # noqa: F401  (rules and signals)

        conf.define()
        R = User.Role
        register(_("Insurance claims"), "insurance:insurer_queue", {R.INSURER})
        register(_("Replanting inspections"), "insurance:inspector_desk", {R.FORESTRY_INSPECTOR})
        register(_("Forest insurance"), "insurance:station_claims", {R.STATION_OPERATOR})
        register(
            _("Insurance report"),
            "insurance:county_report",
            {R.EXCHANGE_STAFF, R.AUDITOR},
            group=STORAGE_AND_INSURANCE,
        )

        from marketplace.household_sections import register_section

        from .household_section import insurance_section

        register_section(insurance_section, order=50)
