"""Kernel tasks."""

from celery import shared_task


@shared_task(acks_late=True, name="marketplace.email_notification")
def email_notification_task(notification_id):
    from .notifications import notification_email

    notification_email(notification_id=notification_id)


@shared_task(acks_late=True, name="contract_documents.email_notification")
def email_notification_task_before_the_move(notification_id):
    """The task's name before notifications moved to the kernel: a message queued then still
    names the same notification (the move kept the ids)."""
    from .notifications import notification_email

    notification_email(notification_id=notification_id)


@shared_task(name="marketplace.seal_audit")
def seal_audit_task():
    """On commit of every audited transaction, and by beat: chain the committed audit rows."""
    from .audit import seal

    return seal()
