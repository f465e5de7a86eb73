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
    link = settings.SITE_URL.rstrip("/") + note.url if note.url else ""
    send_mail(
        note.subject,
        f"{note.body}\n\n{link}".strip(),
        settings.DEFAULT_FROM_EMAIL,
        [note.recipient.email],
    )
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_for(user, limit=50):
    return Notification.objects.filter(recipient=user)[:limit]


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
