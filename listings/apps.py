from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = _("产权登记与挂牌 rights and listings")

    def ready(self):
        from marketplace.todos import register as register_todos

        from .todos import listing_todos

        register_todos(listing_todos)
        from marketplace.models import User
        from marketplace.navigation import TRADING, register

        from . import conf, permissions  # noqa: F401 (registers the app's permissions)

        conf.define()
        from marketplace.household_sections import register_section

        from .household_section import listings_section

        register_section(listings_section, order=10)

        R = User.Role
        register(_("Station console"), "listings:station_home", {R.STATION_OPERATOR})
        register(_("Listing review"), "listings:review_queue", {R.EXCHANGE_STAFF}, group=TRADING)
        register(_("Parcel import"), "listings:import_home", {R.EXCHANGE_STAFF}, group=TRADING)
        register(_("My listings"), "listings:mine", {R.HOUSEHOLD})
