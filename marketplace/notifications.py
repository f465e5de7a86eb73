"""Notifications: a list per user on the console, each also e-mailed through Django's mail
backend after commit (when the user has an address). Every app notifies through here."""

from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notification_send(*, recipient, subject, body, url="") -> Notification:
    """Add a notification to the user's list; e-mail it after commit (when they have an address)."""
    note = Notification.objects.create(
        recipient=recipient, subject=str(subject)[:200], body=str(body), url=url[:300]
    )
    if recipient.email:
        from .tasks import email_notification_task

        transaction.on_commit(partial(email_notification_task.delay, note.pk))
    return note


def notify_users(users, *, subject, body, url=""):
    for user in users:
        notification_send(recipient=user, subject=subject, body=body, url=url)


def notification_email(*, notification_id) -> None:
    """Task body: send one notification by e-mail, once."""
    from django.conf import settings
    from django.core.mail import send_mail

    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None or note.emailed_at or not note.recipient.email:
        return
    # Claim it first: a redelivered task running meanwhile (acks_late) finds it taken.
    claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True)
    if not claimed.update(emailed_at=timezone.now()):
        return
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


def notifications_mark_read(*, user, shown=None) -> int:
    """Mark the user's unread notifications read: those `shown` (ids), or all of them."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if shown is not None:
        unread = unread.filter(pk__in=list(shown))
    return unread.update(read_at=timezone.now())


def notifications_for(user, limit=50):
    return Notification.objects.filter(recipient=user)[:limit]


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
