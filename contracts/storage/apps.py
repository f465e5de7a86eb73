from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorageConfig(AppConfig):
    """Floor-price storage (保底价兜底收储, issue 11): offers, storage contracts, yearly guarantees.

    Its own app label (`storage`) so its migrations never collide with the deals app's.
    """

    name = "contracts.storage"
    label = "storage"
    verbose_name = _("Floor-price storage")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from marketplace.todos import register as register_todos

        from .todos import storage_todos

        register_todos(storage_todos)
        from . import conf, permissions, receivers  # noqa: F401  (registers perms and signals)

        conf.define()
        receivers.connect()

        from marketplace.models import User
        from marketplace.navigation import STORAGE_AND_INSURANCE, register

        roles = {
            User.Role.STORAGE_OPERATOR,
            User.Role.STATION_OPERATOR,
            User.Role.EXCHANGE_STAFF,
            User.Role.AUDITOR,
        }
        register(_("Floor-price storage"), "storage:dashboard", roles, group=STORAGE_AND_INSURANCE)

        from marketplace.household_sections import register_money, register_section

        from .household_section import guarantee_money, storage_section

        register_section(storage_section, order=40)
        register_money(guarantee_money)
