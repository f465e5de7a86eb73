"""Deal and bidding settings ([practice]/[default] numbers of RULES.md), overridable in
`settings.CONTRACTS` (a dict with any of these keys)."""

from django.conf import settings

DEFAULTS = {
    "ALREADY_LEADING_REFUSED": True,  # a leading bidder may not outbid itself
    "EXTENSION_MINUTES": 5,  # R-BID-4 soft-close window W
    "AUCTION_DURATION_MINUTES": 60,  # R-BID-4 scheduled close = start + 60 min
    "AUCTION_START_HOUR": 10,  # R-MODE-1 default start: the next working day 10:00
    "REVIEW_COUNTY_MU": 500,  # R-REG-3 tiers
    "REVIEW_PREFECTURE_MU": 1000,
    "REVIEW_WORKDAYS": 20,
    "RESULT_ANNOUNCEMENT_WORKDAYS": 5,  # R-DEAL-1
    "NEGOTIATION_WORKDAYS": 3,  # R-MODE-1 q = 1
    "PRIORITY_WORKDAYS": 1,  # R-BID-9
    "BIDDER_MIN_AGE": 18,  # R-REG-1
    "BIDDER_MAX_AGE": 70,
    "ROOM_BID_LIST_LENGTH": 50,  # bids shown in the room and the API
}


def get(name):
    return getattr(settings, "CONTRACTS", {}).get(name, DEFAULTS[name])
