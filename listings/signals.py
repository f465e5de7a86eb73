"""Signals of the listing lifecycle, sent after the transaction commits.

Receivers (the public site in `cms`) get `listing=<Listing>`; listings never imports cms.
"""

from django.dispatch import Signal

listing_published = Signal()  # approved → announced
listing_withdrawn = Signal()  # any open state → withdrawn
listing_closed = Signal()  # announced → closed (announcement period over / deal decided)
