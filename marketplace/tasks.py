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


@shared_task(bind=True, acks_late=True, name="marketplace.deliver_notification")
def deliver_notification_task(self, delivery_id):
    """Send one e-mail or SMS delivery; a failure is retried with backoff, then failed."""
    from .notifications import delivery_attempt

    wait = delivery_attempt(delivery_id=delivery_id)
    if wait is not None and not self.request.is_eager:
        raise self.retry(countdown=wait, max_retries=None)


@shared_task(acks_late=True, name="marketplace.deliveries_retry")
def deliveries_retry_task():
    """Beat: queue again the deliveries whose retry is overdue (a retry lost with a worker)."""
    from .notifications import deliveries_due

    for pk in deliveries_due():
        deliver_notification_task.delay(pk)
