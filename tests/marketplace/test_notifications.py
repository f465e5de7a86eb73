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
