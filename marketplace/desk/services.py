"""The desk's services (R-SVC-1): record a household's request, acknowledge it, go on site,
resolve or answer it, escalate a dispute to the exchange for mediation. Each locks the row,
calls the thin transition, saves and writes the audit event in one transaction; notifications
are queued with it (sent after commit)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Invalid
from marketplace.fsm import transition
from marketplace.numbering import next_in_sequence

from .errors import BadTime, OtherStation, WrongState
from .models import Request, RequestSequence


def _check_time(at, *, not_before, field):
    """A time entered at the desk: not in the future, not before the request was received."""
    now = timezone.now()
    if at is None:
        return now
    if at > now + timezone.timedelta(minutes=1):
        raise BadTime(_("%(field)s: the time is in the future.") % {"field": field}, field=field)
    if not_before is not None and at < not_before:
        raise BadTime(
            _("%(field)s: the time is before the request was received.") % {"field": field},
            field=field,
        )
    return at


def _text(value, *, field, label):
    value = (value or "").strip()
    if not value:
        raise Invalid(_("%(label)s: this field is required.") % {"label": label}, field=field)
    return value


def request_record(*, operator, household, channel, topic, text, received_at=None) -> Request:
    """The operator records a request of a household of its own station's township."""
    station = operator.station
    if station is None or household.village.township_id != station.township_id:
        raise OtherStation()
    if channel not in Request.Channel.values:
        raise Invalid(_("How it came: choose walk-in, phone or WeChat."), field="channel")
    if topic not in Request.Topic.values:
        raise Invalid(_("Topic: choose one of the list."), field="topic")
    text = _text(text, field="text", label=_("Request"))
    received_at = _check_time(received_at, not_before=None, field="received_at")
    with transaction.atomic():
        year = timezone.localdate().year
        serial = next_in_sequence(RequestSequence, station=station, year=year)
        request = Request.objects.create(
            number=f"FW-{station.township.full_code}-{year}-{serial:05d}",
            station=station,
            household=household,
            channel=channel,
            topic=topic,
            text=text,
            received_at=received_at,
            recorded_by=operator,
        )
        audit.record(
            action="desk.request_recorded",
            obj=request,
            actor=operator,
            payload={"topic": topic, "channel": channel, "rule": "R-SVC-1"},
        )
    return request


def _wrong_state(_request):
    return WrongState()


def _locked(request):
    return Request.objects.select_for_update().get(pk=request.pk)


def request_acknowledge(*, request, actor, at=None, needs_visit=False) -> Request:
    """Clock 1: the household is told its request is taken (and whether someone comes)."""
    with transaction.atomic():
        request = _locked(request)
        if request.state != Request.State.RECEIVED:
            raise WrongState()
        at = _check_time(at, not_before=request.received_at, field="acknowledged_at")
        request.needs_visit = bool(needs_visit)
        transition(
            request,
            "acknowledge",
            at=at,
            actor=actor,
            action="desk.request_acknowledged",
            payload={"at": at, "needs_visit": request.needs_visit},
            refuse=_wrong_state,
        )
    return request


def request_visit(*, request, actor, at=None) -> Request:
    """Clock 2: someone was on site."""
    with transaction.atomic():
        request = _locked(request)
        if request.state == Request.State.RECEIVED or request.visited_at:
            raise WrongState()
        at = _check_time(at, not_before=request.received_at, field="visited_at")
        request.needs_visit = True
        request.visited_at = at
        request.save(update_fields=["needs_visit", "visited_at"])
        audit.record(action="desk.request_visited", obj=request, actor=actor, payload={"at": at})
    return request


def request_resolve(*, request, actor, resolution, at=None) -> Request:
    """Clock 3: resolved or answered; by exchange staff when it was escalated (mediation)."""
    resolution = _text(resolution, field="resolution", label=_("Answer or resolution"))
    with transaction.atomic():
        request = _locked(request)
        if request.state not in (Request.State.ACKNOWLEDGED, Request.State.ESCALATED):
            raise WrongState()
        at = _check_time(at, not_before=request.received_at, field="resolved_at")
        mediator = actor if request.state == Request.State.ESCALATED else None
        transition(
            request,
            "resolve",
            at=at,
            resolution=resolution,
            mediator=mediator,
            actor=actor,
            action="desk.request_resolved",
            payload={"at": at, "mediated": mediator is not None},
            refuse=_wrong_state,
        )
        from marketplace.notifications import notification_send

        notification_send(
            recipient=request.household,
            event="desk.resolved",
            context={"number": request.number, "resolution": resolution[:40]},
            obj=request,
        )
    return request


def request_escalate(*, request, actor, note) -> Request:
    """A dispute goes to exchange staff for mediation; the record stays with the request."""
    note = _text(note, field="note", label=_("Why it is escalated"))
    with transaction.atomic():
        request = _locked(request)
        if request.state != Request.State.ACKNOWLEDGED or request.topic != Request.Topic.DISPUTE:
            raise WrongState(_("Only an acknowledged dispute can be escalated."))
        transition(
            request,
            "escalate",
            at=timezone.now(),
            note=note,
            actor=actor,
            action="desk.request_escalated",
            payload={"note": note},
            refuse=_wrong_state,
        )
        from marketplace.notifications import notify_users

        from .selectors import mediators

        notify_users(
            mediators(request),
            event="desk.escalated",
            context={"number": request.number, "station": request.station.name},
            obj=request,
            url=request.get_absolute_url(),
        )
    return request
