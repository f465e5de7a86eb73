"""The kernel's notifications: one list per user, e-mailed once, read when opened."""

import pytest
from django.core import mail
from django.urls import reverse

from marketplace.models import Notification
from marketplace.notifications import notification_email, notification_send, unread_count
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_notification_is_listed_and_emailed_once(django_capture_on_commit_callbacks):
    user = factories.UserFactory(email="op@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        note = notification_send(recipient=user, subject="挂牌退回", body="四至不清", url="/x/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "挂牌退回"
    assert "四至不清" in mail.outbox[0].body and "/x/" in mail.outbox[0].body
    notification_email(notification_id=note.pk)  # a retried task sends nothing twice
    assert len(mail.outbox) == 1


def test_a_user_without_an_address_still_gets_the_list_entry(django_capture_on_commit_callbacks):
    user = factories.UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=user, subject="s", body="b")
    assert not mail.outbox
    assert unread_count(user) == 1


def test_the_list_page_shows_them_and_marks_them_read(client):
    user = factories.UserFactory()
    notification_send(recipient=user, subject="挂牌已公告", body="公告至 2026-12-11")
    client.force_login(user)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "1 条新消息" in dashboard
    page = client.get(reverse("notifications")).content.decode()
    assert "挂牌已公告" in page
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert "新消息" not in client.get(reverse("dashboard")).content.decode()


def test_nobody_reads_anothers_notifications(client):
    notification_send(recipient=factories.UserFactory(), subject="私信", body="b")
    client.force_login(factories.UserFactory())
    assert "私信" not in client.get(reverse("notifications")).content.decode()


def test_a_second_delivery_during_the_first_send_does_not_email_twice(monkeypatch):
    """Celery delivers acks_late tasks at least once: a second worker that runs the task while
    the first is still sending must not send the e-mail again."""
    import marketplace.notifications as notifications

    user = factories.UserFactory(email="op@example.cn")
    note = Notification.objects.create(recipient=user, subject="s", body="b")
    real_send = mail.send_mail
    calls = []

    def send_while_another_worker_runs(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            notification_email(notification_id=note.pk)  # the redelivered task
        return real_send(*args, **kwargs)

    monkeypatch.setattr("django.core.mail.send_mail", send_while_another_worker_runs)
    notifications.notification_email(notification_id=note.pk)
    assert len(mail.outbox) == 1


def test_a_failed_send_is_sent_by_the_retry(monkeypatch):
    user = factories.UserFactory(email="op@example.cn")
    note = Notification.objects.create(recipient=user, subject="s", body="b")

    def smtp_down(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.send_mail", smtp_down)
    with pytest.raises(OSError):
        notification_email(notification_id=note.pk)
    monkeypatch.undo()
    notification_email(notification_id=note.pk)
    assert len(mail.outbox) == 1


def test_opening_the_list_marks_read_only_what_it_shows(client):
    """The page shows the newest 50: older unread ones stay unread (and counted) until shown."""
    user = factories.UserFactory()
    for n in range(52):
        notification_send(recipient=user, subject=f"消息{n}", body="b")
    client.force_login(user)
    client.get(reverse("notifications"))
    assert unread_count(user) == 2


@pytest.mark.django_db(transaction=True)
def test_the_move_to_the_kernel_keeps_the_notifications_and_their_ids():
    """contract_documents 0005 copies the rows with their ids (a queued e-mail task names one
    by id) and the kernel's id sequence continues after them."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("contract_documents", "0004_default_reason_labels")]
    after = [("contract_documents", "0005_notifications_moved_to_kernel")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Old = old_apps.get_model("contract_documents", "Notification")
    user = factories.UserFactory()
    Old.objects.create(id=41, recipient_id=user.pk, subject="旧通知", body="b")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Notification.objects.get(pk=41).subject == "旧通知"
    assert notification_send(recipient=user, subject="新", body="b").pk > 41
