"""Kernel tasks."""

from celery import shared_task


@shared_task(acks_late=True, name="marketplace.email_notification")
def email_notification_task(notification_id):
    from .notifications import notification_email

    notification_email(notification_id=notification_id)
