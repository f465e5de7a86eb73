"""Who may see and do what on deals (docs/security.md): staff and auditors in the deal's county,
the deal's registered bidders in its auction room, prefecture staff for prefecture-tier reviews.

Registered from ContractsConfig.ready(); asked as ``user.has_perm("contracts.<perm>", obj)``.
"""

import rules

from marketplace.permissions import (
    is_active,
    is_prefecture_staff,
    reader_in_scope,
    staff_in_scope,
)


def _deal_of(obj):
    """The deal an auction, a registration or a deal itself belongs to."""
    return getattr(obj, "deal", None) or obj


@rules.predicate
def is_deal_bidder(user, obj):
    """The user's enterprise is a registered bidder (has a bidder number) of the deal."""
    if obj is None or not is_active(user) or not getattr(user, "enterprise_id", None):
        return False
    from .models import Registration

    return Registration.objects.filter(
        deal_id=_deal_of(obj).pk, enterprise_id=user.enterprise_id, bidder_number__isnull=False
    ).exists()


@rules.predicate
def is_county_tier(user, review):
    """R-REG-3: a county-tier review (500-1000 mu); the prefecture tier needs prefecture staff."""
    from .models import QualificationReview

    return review is not None and review.tier == QualificationReview.Tier.COUNTY


# Staff console pages of a deal (bidders' names, timeline): staff and auditors of its county.
rules.add_perm("contracts.read_deal", reader_in_scope)
# Staff actions on a deal: mode selection, relisting, objections, closing the auction.
rules.add_perm("contracts.manage_deal", staff_in_scope)
# The live room and its API: the deal's registered bidders, staff and auditors in scope.
rules.add_perm("contracts.watch_auction", is_deal_bidder | reader_in_scope)
# R-REG-3 reviews: county staff in scope decide the county tier, prefecture staff any tier.
rules.add_perm("contracts.decide_review", staff_in_scope & (is_county_tier | is_prefecture_staff))
