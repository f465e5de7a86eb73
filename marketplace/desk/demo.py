"""Demo desk (R-SVC-1): requests in every state at 默戎镇 station, overdue ones among them, and
a household login (`household`, password demo12345) whose page shows its let parcels on the map,
the first year's rent paid to its account (the bank confirmed the transfer) and the next years
due. Idempotent: seeds once per station."""

import datetime as dt

from django.utils import timezone

from marketplace.demo import DEMO_PASSWORD
from marketplace.models import Household, ServiceStation, User

from . import services
from .models import Request

# (minutes ago, topic, text, steps): steps run in order, each (action, minutes after receipt)
SCRIPT = [
    (2, "payment", "问今年的租金什么时候到账", []),  # clock 1 running
    (25, "contract", "合同上的地块面积和证上不一样", []),  # clock 1 overdue
    (50, "listing", "想把河边两亩地挂牌出租", [("ack", 1)]),
    (5 * 60, "storage", "流拍了，收储怎么办", [("ack", 2, True)]),  # visit overdue
    (26 * 60, "dispute", "邻户说界桩移了", [("ack", 1), ("escalate", 30)]),
    (4 * 24 * 60, "insurance", "茶园冻了能赔吗", [("ack", 5)]),  # clock 3 overdue
    (3 * 24 * 60, "contract", "合同签了还要去哪里盖章", [("ack", 1), ("resolve", 120)]),
    (
        2 * 24 * 60,
        "other",
        "帮忙看看银行卡号对不对",
        [("ack", 2, True), ("visit", 100), ("resolve", 200)],
    ),
]


def seed(log) -> None:
    station = ServiceStation.objects.filter(township__name="默戎镇").first()
    operator = User.objects.filter(username="station").first()
    if station is None or operator is None:
        return
    households = list(Household.objects.filter(village__township_id=station.township_id))
    if not households:
        return
    household = _household_login(households, log)
    if household is not None:
        _household_paid(household, log)
    if Request.objects.filter(station=station).exists():
        return
    now = timezone.now()
    staff = User.objects.filter(username="staff").first()
    for n, (ago, topic, text, steps) in enumerate(SCRIPT):
        received = now - dt.timedelta(minutes=ago)
        request = services.request_record(
            operator=operator,
            household=households[n % len(households)],
            channel=["walk_in", "phone", "wechat"][n % 3],
            topic=topic,
            text=text,
            received_at=received,
        )
        for step in steps:
            action, after = step[0], dt.timedelta(minutes=step[1])
            if action == "ack":
                services.request_acknowledge(
                    request=request,
                    actor=operator,
                    at=received + after,
                    needs_visit=len(step) > 2,
                )
            elif action == "visit":
                services.request_visit(request=request, actor=operator, at=received + after)
            elif action == "escalate":
                services.request_escalate(request=request, actor=operator, note="村里调解不成")
            elif action == "resolve":
                services.request_resolve(
                    request=request,
                    actor=staff if request.state == Request.State.ESCALATED else operator,
                    resolution="已当面答复",
                    at=received + after,
                )
    log(f"desk: {len(SCRIPT)} requests at {station.name} (every state, some overdue)")


def _with_rent(households):
    """A household whose land is let with a rent schedule (looked up by name: the kernel
    imports no app)."""
    from django.apps import apps

    try:
        rent = apps.get_model("contract_documents", "RentInstalment")
    except LookupError:
        return None
    ids = set(rent.objects.values_list("deal__listing__transferor_household", flat=True))
    return next((h for h in households if h.pk in ids), None)


def _household_login(households, log):
    """The household whose land is let with rent (paid and due), else one with a listing."""
    household = (
        _with_rent(households)
        or next((h for h in households if h.listings.exists()), None)
        or households[0]
    )
    user = User.objects.filter(username="household").first() or User(username="household")
    if User.objects.filter(household=household).exclude(pk=user.pk).exists():
        return None
    user.role = User.Role.HOUSEHOLD
    user.household = household
    user.display_name = household.name
    if user.pk is None or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    log(f"login: household ({household.name}, password {DEMO_PASSWORD})")
    return household


def _household_paid(household, log):
    """The household's pending payouts (the deal's first year of rent) go to the bank in a batch
    of their own, which the bank confirms: its page shows money paid this year."""
    from django.contrib.contenttypes.models import ContentType

    from marketplace.payments.models import Payout
    from marketplace.payments.services import (
        payout_batch_create,
        payout_batch_mark_confirmed,
        payout_batch_mark_sent,
    )

    mine = Payout.objects.filter(
        payee_content_type=ContentType.objects.get_for_model(Household),
        payee_object_id=str(household.pk),
    )
    pending = list(mine.filter(state=Payout.State.PENDING).values_list("pk", flat=True))
    if not pending or mine.filter(state=Payout.State.CONFIRMED).exists():
        return
    staff = User.objects.filter(username="staff").first()
    batch = payout_batch_create(actor=staff, only=pending)
    payout_batch_mark_sent(batch=batch, actor=staff)
    payout_batch_mark_confirmed(batch=batch, actor=staff)
    log(f"desk: {len(pending)} payout(s) to {household.name} confirmed by the bank ({batch})")
