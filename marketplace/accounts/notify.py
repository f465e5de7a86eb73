"""Notification events of self-registration (registered in `AccountsConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from marketplace.notifications import register_event


def register_events():
    register_event(
        "accounts.phone_code",
        label=_("Phone verification code"),
        subject=_("Phone verification code"),
        body="",
        sms=_("Your registration code: %(code)s, valid %(minutes)s minutes. Do not tell anyone."),
        sensitive=True,
    )
    register_event(
        "accounts.approved",
        label=_("Account opened"),
        subject=_("Your account at the exchange is open"),
        body=_(
            "The exchange approved the account of %(enterprise)s. Log in as %(username)s to "
            "register for listings and bid."
        ),
        sms=_("The account of %(enterprise)s is open: log in as %(username)s."),
    )
    register_event(
        "accounts.refused",
        label=_("Account refused"),
        subject=_("Your account application was refused"),
        body=_(
            "The exchange did not open the account of %(enterprise)s: %(reason)s. "
            "Call the exchange if you have questions."
        ),
    )
