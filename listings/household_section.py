"""The household page's section of listings (issue 13): its listings and their parcels."""


def listings_section(household, user):
    listings = list(household.listings.prefetch_related("parcels").order_by("-created_at")[:20])
    if not listings:
        return None
    return {"template": "listings/household/section.html", "listings": listings}
