"""Payment domain errors (stable codes, translated messages)."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import Conflict, Invalid


class InvalidAmount(Invalid):
    code = "invalid_amount"
    default_message = _("Enter an amount in whole fen greater than zero.")
    field = "amount_fen"


class NotRefundable(Conflict):
    code = "not_refundable"
    default_message = _("This payment cannot be refunded (not paid, or nothing left to refund).")


class RefundTooLarge(Invalid):
    code = "refund_too_large"
    default_message = _("The refund is larger than what is left of the payment.")
    field = "amount_fen"


class DepositNotHeld(Conflict):
    code = "deposit_not_held"
    default_message = _("This deposit is not held (unpaid, already used, or being refunded).")


class WrongPayee(Invalid):
    code = "wrong_payee"
    default_message = _("Payouts go to a household, a village collective or a storage centre.")
    field = "payee"


class NoPendingPayouts(Conflict):
    code = "no_pending_payouts"
    default_message = _("There are no pending payouts to put in a batch.")


class OfflineOnly(Conflict):
    code = "offline_only"
    default_message = _("The pay-now button works only in the offline demo mode.")


class PaymentDeclined(Invalid):
    code = "payment_declined"
    default_message = _("The payment was declined. Try another card or payment method.")
