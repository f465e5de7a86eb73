"""Every write of the deals app. Other apps and views call these names."""

from .bidding import (
    auction_close,
    auction_reschedule,
    auctions_close_overdue,
    bid_place,
    parse_amount_fen,
    priority_claim,
    priority_windows_finish,
    registration_for_bidding,
)
from .deals import (
    deal_for_listing,
    deal_relist,
    deal_select_mode,
    deal_values,
    deal_withdraw,
    deals_due_for_mode_selection,
    deals_select_mode_due,
    negotiated_price_confirm,
    negotiations_lapse_due,
    objection_file,
    objection_resolve,
)
from .registrations import (
    deposit_received,
    deposit_refund_now,
    registration_create,
    registration_refusal,
    review_decide,
)

__all__ = [
    "auction_close",
    "auction_reschedule",
    "auctions_close_overdue",
    "bid_place",
    "deal_for_listing",
    "deal_relist",
    "deal_select_mode",
    "deal_values",
    "deal_withdraw",
    "deals_due_for_mode_selection",
    "deals_select_mode_due",
    "deposit_received",
    "deposit_refund_now",
    "negotiated_price_confirm",
    "negotiations_lapse_due",
    "objection_file",
    "objection_resolve",
    "parse_amount_fen",
    "priority_claim",
    "priority_windows_finish",
    "registration_create",
    "registration_for_bidding",
    "registration_refusal",
    "review_decide",
]
