"""Who may use the listings consoles (docs/security.md).

Station operators file listings of their township's households (R-LIST-1); exchange staff review
and publish (their county's listings; the selectors scope each listing, `listing_list_for_user`);
households see their own listings. Registered from ListingsConfig.ready().
"""

import rules

from marketplace.permissions import (
    is_auditor,
    is_exchange_staff,
    is_household,
    is_station_operator,
)

rules.add_perm("listings.use_station_console", is_station_operator)
rules.add_perm("listings.use_review_console", is_exchange_staff)
# The summary PDF of a listing (each listing further scoped by listing_get_for_user).
rules.add_perm(
    "listings.read_summary", is_station_operator | is_exchange_staff | is_household | is_auditor
)
rules.add_perm("listings.read_own_listings", is_household)
