"""Notification events of contracts, payments and certificates (issue 13), registered with the
kernel's registry at start-up (`ContractDocumentsConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from marketplace.notifications import register_event


def register_events():
    register_event(
        "contract.ready",
        label=_("Contract ready to sign"),
        subject=_("Contract %(number)s is ready to sign"),
        body=_("Deal %(deal)s. Both parties sign by %(deadline)s (R-DEAL-2)."),
        sms=_("Contract %(number)s is ready: sign by %(deadline)s at your station."),
        rule="R-DEAL-2",
    )
    register_event(
        "contract.signing_code",
        label=_("Signing code"),
        subject=_("Signing code"),
        body="",
        sms=_("Signing code for contract %(number)s: %(code)s, valid %(minutes)s minutes."),
        sensitive=True,
        rule="R-DEAL-2",
    )
    register_event(
        "payment.due",
        label=_("Payment due"),
        subject=_("Pay for deal %(deal)s"),
        body=_("Both parties have signed. Pay %(amount)s by %(deadline)s (R-DEAL-3)."),
        sms=_("Deal %(deal)s: pay %(amount)s by %(deadline)s."),
        rule="R-DEAL-3",
    )
    register_event(
        "rent.due",
        label=_("Rent due"),
        subject=_("Rent due on %(date)s for deal %(deal)s"),
        body=_("Instalment %(n)s: %(amount)s, due in %(days)s days."),
        sms=_("Deal %(deal)s: rent %(amount)s due %(date)s."),
        rule="R-DEAL-3",
    )
    register_event(
        "rent.overdue",
        label=_("Rent overdue"),
        subject=_("Rent for deal %(deal)s is overdue"),
        body=_("Instalment %(n)s of %(amount)s was due on %(date)s and is not paid."),
        sms=_("Deal %(deal)s: rent %(amount)s due %(date)s is overdue."),
        rule="R-DEAL-3",
    )
    register_event(
        "certificate.issued",
        label=_("Certificate issued"),
        subject=_("Certificate %(number)s issued for deal %(deal)s"),
        body=_("The transfer certificate %(number)s for deal %(deal)s is issued (R-DEAL-8)."),
        sms=_("Certificate %(number)s for deal %(deal)s issued."),
        rule="R-DEAL-8",
    )


def household_of(deal):
    """The transferor household of a deal (None for a collective or storage centre)."""
    return deal.listing.transferor_household
