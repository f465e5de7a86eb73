"""Signals of the deal lifecycle, sent after the transaction commits (kwargs: deal).

`deal_awarded`: the result announcement (成交公示) is due (cms.deal_pages publishes it).
`deal_failed`: the deal failed (流拍); cms publishes the 流拍公告.
`auction_closed`: an auction closed (kwargs: deal, auction).
"""

from django.dispatch import Signal

deal_awarded = Signal()
deal_failed = Signal()
auction_closed = Signal()
