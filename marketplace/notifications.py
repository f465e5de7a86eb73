"""Notifications: every event that concerns someone, on the channels they can be reached by.

Events are registered once, at start-up, by the app that owns them (`register_event` in its
`AppConfig.ready`): a key, who receives it (optional), and a translated template per channel.
`notification_send(recipient=..., event=..., context=..., obj=..., url=...)` then

- puts a copy in the recipient's in-site inbox (the list on the console; the header counts the
  unread ones on every page);
- queues an e-mail (Django's mail backend) when the user has an address and wants e-mail;
- queues an SMS through the provider (`marketplace.sms`, `SMS_PROVIDER`) when there is a phone
  and the user wants SMS.

A household is reached through its own login when it has one, else by SMS to its phone; a
household with neither is routed to its service station's inbox (each operator of the station),
and the message says so. Every delivery is a `Delivery` row: queued, then sent, or failed with
the reason. E-mail and SMS go out in Celery after commit; a failing provider is retried with
backoff (1, 2, 4, 8 minutes) and then marked failed — the inbox copy stays. A worker claims a
queued delivery with a conditional UPDATE before it sends; every later move is a transition
(`marketplace.fsm.transition`), and every move is in the audit log (docs/delivery-states.md).

`(recipient, event, object[, dedupe])` is a delivery's dedupe key: sending the same event about
the same object to the same person again (a redelivered task, a sweep run twice) sends nothing.

A *sensitive* event (the one-time signing code) goes by SMS only: never to the inbox or e-mail,
never to a log line; its text is erased from the delivery row once sent.

The old form `notification_send(recipient=user, subject=..., body=..., url=...)` and
`notify_users(...)` still work (event "message": inbox and e-mail, no SMS).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import audit
from .fsm import transition
from .models import Delivery, Household, Notification, NotificationPreference, User

RETRY_MINUTES = (1, 2, 4, 8)  # backoff between attempts; then the delivery is failed
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1
INBOX, EMAIL, SMS = Delivery.Channel.INBOX, Delivery.Channel.EMAIL, Delivery.Channel.SMS


# ---------------------------------------------------------------- the event registry


@dataclass(frozen=True)
class Event:
    """One kind of notification. Templates are %-format strings over the context's keys."""

    key: str
    label: str
    subject: str
    body: str
    sms: str | None = None
    channels: tuple = (INBOX, EMAIL, SMS)
    recipients: object = None  # callable(obj, context) -> users/households, for `event_send`
    sensitive: bool = False
    rule: str = ""
    extra: dict = field(default_factory=dict)


_EVENTS: dict[str, Event] = {}


def register_event(
    key,
    *,
    label,
    subject,
    body,
    sms=None,
    channels=None,
    recipients=None,
    sensitive=False,
    rule="",
):
    """Declare an event (call from `AppConfig.ready`). `subject`/`body` serve the inbox and the
    e-mail, `sms` the SMS (None: no SMS). A sensitive event is SMS-only."""
    if sensitive:
        channels = (SMS,)
        if not sms:
            raise ValueError(f"sensitive event {key} needs an SMS template")
    if channels is None:
        channels = (INBOX, EMAIL, SMS) if sms else (INBOX, EMAIL)
    _EVENTS[key] = Event(
        key=key,
        label=label,
        subject=subject,
        body=body,
        sms=sms,
        channels=tuple(channels),
        recipients=recipients,
        sensitive=sensitive,
        rule=rule,
    )
    return _EVENTS[key]


def event_get(key) -> Event:
    try:
        return _EVENTS[key]
    except KeyError:
        raise LookupError(f"notification event {key!r} is not registered") from None


def events() -> list[Event]:
    return sorted(_EVENTS.values(), key=lambda e: e.key)


register_event("message", label=_("Message"), subject="%(subject)s", body="%(body)s")


class _Context(dict):
    def __missing__(self, key):
        return ""


def _render(template, context) -> str:
    if template is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return str(template) % _Context({k: str(v) for k, v in context.items()})


# ---------------------------------------------------------------- routing


def preferences(user) -> NotificationPreference:
    prefs = NotificationPreference.objects.filter(user=user).first()
    return prefs or NotificationPreference(user=user)


def phone_of(user) -> str:
    """Where an SMS to this user goes: their own phone, their household's, their company's."""
    if user.phone:
        return user.phone
    if user.household_id and user.household.phone:
        return user.household.phone
    if user.enterprise_id and user.enterprise.contact_phone:
        return user.enterprise.contact_phone
    return ""


def _login_of(household):
    return User.objects.filter(household=household, is_active=True).first()


def station_operators(household):
    return list(
        User.objects.filter(
            role=User.Role.STATION_OPERATOR,
            is_active=True,
            station__township_id=household.village.township_id,
        )
    )


@dataclass
class Target:
    channel: str
    user: object = None
    household: object = None
    address: str = ""
    on_behalf_of: object = None


def route(recipient, event: Event) -> list[Target]:
    """The channels that reach `recipient` (a User or a Household) for `event`."""
    if isinstance(recipient, Household):
        user = _login_of(recipient)
        if user is not None:
            return _route_user(user, event, household=recipient)
        targets = []
        if SMS in event.channels and recipient.phone:
            targets.append(Target(SMS, household=recipient, address=recipient.phone))
        elif INBOX in event.channels and not event.sensitive:
            # No phone, no login: the station reads it for the household (and says so).
            targets += [
                Target(INBOX, user=op, household=recipient, on_behalf_of=recipient)
                for op in station_operators(recipient)
            ]
        return targets
    return _route_user(recipient, event)


def _route_user(user, event, household=None) -> list[Target]:
    prefs = preferences(user)
    targets = []
    if INBOX in event.channels:
        targets.append(Target(INBOX, user=user, household=household))
    if EMAIL in event.channels and user.email and prefs.email:
        targets.append(Target(EMAIL, user=user, household=household, address=user.email))
    phone = phone_of(user) or (household.phone if household else "")
    if SMS in event.channels and phone and (prefs.sms or event.sensitive):
        targets.append(Target(SMS, user=user, household=household, address=phone))
    return targets


def _dedupe_key(event, target, obj, dedupe) -> str | None:
    if obj is None and dedupe is None:
        return None
    who = f"u{target.user.pk}" if target.user else f"h{target.household.pk}"
    what = f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else ""
    key = f"{event.key}|{who}|{what}|{dedupe or ''}|{target.channel}"
    if len(key) > 200:
        key = hashlib.sha256(key.encode()).hexdigest()
    return key


# ---------------------------------------------------------------- sending


def notification_send(
    *,
    recipient,
    event=None,
    context=None,
    url="",
    obj=None,
    dedupe=None,
    subject=None,
    body=None,
):
    """Send `event` (a registered key) about `obj` to `recipient` (User or Household).

    Returns the recipient's inbox copy (a Notification) when there is one. Call inside the
    caller's transaction: rows are written with it, e-mail and SMS are queued after commit.
    """
    if event is None:  # the old form: a ready subject and body
        event, context = "message", {"subject": subject or "", "body": body or ""}
    spec = event_get(event)
    context = dict(context or {})
    url = (url or "")[:300]
    subject_text = _render(spec.subject, context)[:200]
    body_text = _render(spec.body, context)
    sms_body = _render(spec.sms, context) if spec.sms else ""
    inbox_copy = None
    targets = route(recipient, spec)
    if not targets:
        _record_failed(spec, recipient, subject_text, obj, dedupe)
        return None
    for target in targets:
        key = _dedupe_key(spec, target, obj, dedupe)
        if key and Delivery.objects.filter(dedupe_key=key).exists():
            continue
        note = None
        if target.channel == INBOX:
            subject_line, text = subject_text, body_text
            if target.on_behalf_of is not None:
                hh = target.on_behalf_of
                subject_line = str(
                    _("For household %(name)s (no phone or login): %(subject)s")
                    % {"name": hh.name, "subject": subject_text}
                )[:200]
                note_text = _(
                    "This household has no phone or login: please tell it at the station."
                )
                text = f"{body_text}\n\n{note_text}"
            note = Notification.objects.create(
                recipient=target.user,
                subject=subject_line,
                body=text,
                url=url,
                event=spec.key,
                on_behalf_of=target.on_behalf_of,
            )
            if inbox_copy is None and target.on_behalf_of is None:
                inbox_copy = note
        # An inbox delivery is written sent (the inbox copy is the message): its state is given
        # at creation, as a protected FSM field allows, not assigned afterwards.
        inbox = target.channel == INBOX
        delivery = Delivery(
            state=Delivery.State.SENT if inbox else Delivery.State.QUEUED,
            sent_at=note.created_at if inbox else None,
            event=spec.key,
            channel=target.channel,
            recipient=target.user,
            household=target.household,
            notification=note or (inbox_copy if target.channel == EMAIL else None),
            address=target.address,
            subject=subject_text,
            body="" if inbox else body_text,
            sensitive=spec.sensitive,
            dedupe_key=key,
        )
        if target.channel == SMS:
            from .sms import sms_segments, sms_text

            delivery.body = sms_text(_sms_signature() + sms_body)
            delivery.segments = sms_segments(delivery.body)
        elif url and not inbox:
            delivery.body = f"{body_text}\n\n{settings.SITE_URL.rstrip('/')}{url}"
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError:  # the same key written meanwhile: already sent
            if note is not None:
                if inbox_copy is note:
                    inbox_copy = None
                note.delete()
            continue
        if target.channel != INBOX:
            from .tasks import deliver_notification_task

            transaction.on_commit(partial(deliver_notification_task.delay, delivery.pk))
    return inbox_copy


def _sms_signature() -> str:
    return getattr(settings, "SMS_SIGNATURE", "【湘西农交】")


def _record_failed(spec, recipient, subject_text, obj, dedupe):
    household = recipient if isinstance(recipient, Household) else None
    user = recipient if isinstance(recipient, User) else None
    Delivery.objects.create(
        event=spec.key,
        channel=SMS if spec.sensitive else INBOX,
        recipient=user,
        household=household,
        subject=subject_text,
        state=Delivery.State.FAILED,
        reason=str(_("No channel reaches this recipient (no phone, login or station).")),
    )


def event_send(event, *, obj=None, context=None, url="", dedupe=None):
    """Send `event` to the recipients its registration names for `obj`."""
    spec = event_get(event)
    if spec.recipients is None:
        raise LookupError(f"event {event!r} names no recipients: use notification_send")
    for recipient in spec.recipients(obj, context or {}):
        notification_send(
            recipient=recipient, event=event, context=context, url=url, obj=obj, dedupe=dedupe
        )


def notify_users(
    users, *, subject=None, body=None, url="", event=None, context=None, obj=None, dedupe=None
):
    for user in users:
        notification_send(
            recipient=user,
            subject=subject,
            body=body,
            url=url,
            event=event,
            context=context,
            obj=obj,
            dedupe=dedupe,
        )


# ---------------------------------------------------------------- delivering (Celery)


class DeliveryFailed(Exception):
    pass


def _send(delivery):
    if delivery.channel == EMAIL:
        from django.core.mail import send_mail

        send_mail(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [delivery.address])
    elif delivery.channel == SMS:
        from .sms import get_sms_provider

        get_sms_provider().send(phone=delivery.address, text=delivery.body)


def delivery_attempt(*, delivery_id, now=None):
    """Task body: send one queued delivery once. Returns the seconds to wait before the next
    attempt when it failed and may be retried, else None (sent, failed for good, or taken)."""
    now = now or timezone.now()
    # Claim it first: a redelivered task running meanwhile (acks_late) finds it taken. The claim
    # (queued → sending, `Delivery.claim`) is a conditional UPDATE filtered on the old state,
    # not a transition on a locked row: the database lets exactly one worker win it, and no lock
    # is held while the message goes out. The audit event is written in the claim's transaction.
    with transaction.atomic():
        claimed = Delivery.objects.filter(pk=delivery_id, state=Delivery.State.QUEUED).update(
            state=Delivery.State.SENDING, attempts=F("attempts") + 1, next_attempt_at=now
        )
        if not claimed:
            return None
        delivery = Delivery.objects.get(pk=delivery_id)
        audit.record(
            action="delivery.claim",
            obj=delivery,
            payload={
                "from": Delivery.State.QUEUED,
                "to": delivery.state,
                "attempt": delivery.attempts,
            },
        )
    # From here on only the winner of the claim moves the delivery, by transitions.
    if delivery.channel == EMAIL and delivery.notification_id:
        # The old e-mail task may run for the same inbox copy: claim it there too.
        taken = Notification.objects.filter(
            pk=delivery.notification_id, emailed_at__isnull=True
        ).update(emailed_at=now)
        if not taken:
            _delivery_move(delivery, "mark_sent", at=now, erase_body=delivery.sensitive)
            return None
    try:
        _send(delivery)
    except Exception as exc:  # any provider/backend error: recorded, retried with backoff
        reason = f"{type(exc).__name__}: {exc}"[:300]
        if delivery.notification_id and delivery.channel == EMAIL:
            Notification.objects.filter(pk=delivery.notification_id).update(emailed_at=None)
        if delivery.attempts >= MAX_ATTEMPTS:
            _delivery_move(delivery, "mark_failed", reason=reason, erase_body=delivery.sensitive)
            return None
        wait = RETRY_MINUTES[delivery.attempts - 1] * 60
        _delivery_move(delivery, "retry_later", reason=reason, at=now + timedelta(seconds=wait))
        return wait
    _delivery_move(delivery, "mark_sent", at=timezone.now(), erase_body=delivery.sensitive)
    return None


def _delivery_move(delivery, method, **kwargs):
    """One move of a claimed delivery: the transition, saved with its fields and audited."""
    with transaction.atomic():
        transition(
            delivery,
            method,
            fields=["sent_at", "reason", "next_attempt_at", "body"],
            payload={"attempt": delivery.attempts},
            **kwargs,
        )


def deliveries_due(now=None, *, grace_seconds=120):
    """Queued deliveries whose retry is overdue (a lost Celery retry): the beat re-queues them."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(
            state=Delivery.State.QUEUED,
            next_attempt_at__lte=now - timedelta(seconds=grace_seconds),
        ).values_list("pk", flat=True)[:500]
    )


def notification_email(*, notification_id) -> None:
    """Body of the old e-mail tasks (messages queued before deliveries): send once."""
    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None or note.emailed_at or not note.recipient.email:
        return
    # Claim it first: a redelivered task running meanwhile (acks_late) finds it taken.
    claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True)
    if not claimed.update(emailed_at=timezone.now()):
        return
    from django.core.mail import send_mail

    link = settings.SITE_URL.rstrip("/") + note.url if note.url else ""
    try:
        send_mail(
            note.subject,
            f"{note.body}\n\n{link}".strip(),
            settings.DEFAULT_FROM_EMAIL,
            [note.recipient.email],
        )
    except Exception:
        Notification.objects.filter(pk=note.pk).update(emailed_at=None)  # the retry sends it
        raise


# ---------------------------------------------------------------- the inbox and preferences


def notifications_mark_read(*, user, shown=None) -> int:
    """Mark the user's unread notifications read: those `shown` (ids), or all of them."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if shown is not None:
        unread = unread.filter(pk__in=list(shown))
    return unread.update(read_at=timezone.now())


def notifications_for(user, limit=50):
    return Notification.objects.filter(recipient=user).select_related("on_behalf_of")[:limit]


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preferences_set(*, user, email: bool, sms: bool) -> NotificationPreference:
    prefs, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": bool(email), "sms": bool(sms)}
    )
    return prefs
