"""Notifications by inbox, e-mail and SMS (issue 13): the event registry, routing, the delivery
record, dedupe, retries with backoff, and the SMS text rules."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from marketplace import notifications
from marketplace.audit import events_for
from marketplace.models import Delivery, Notification, SmsMessage
from marketplace.notifications import (
    MAX_ATTEMPTS,
    delivery_attempt,
    notification_send,
    register_event,
    unread_count,
)
from marketplace.sms import sms_parts, sms_segments, sms_text
from tests import factories

pytestmark = pytest.mark.django_db

register_event(
    "test.deposit_received",
    label="Deposit received",
    subject="保证金已到账 %(listing)s",
    body="您的保证金 %(amount)s 元已到账。",
    sms="保证金%(amount)s元已到账（%(listing)s）",
)
register_event(
    "test.code",
    label="Code",
    subject="验证码",
    body="-",
    sms="签约验证码%(code)s",
    sensitive=True,
)


def send(recipient, obj=None, **kw):
    return notification_send(
        recipient=recipient,
        event=kw.pop("event", "test.deposit_received"),
        context=kw.pop("context", {"listing": "GZ-1", "amount": "2,000.00"}),
        obj=obj,
        url="/x/",
        **kw,
    )


def test_a_user_gets_inbox_email_and_sms_each_recorded_as_sent(
    django_capture_on_commit_callbacks,
):
    user = factories.UserFactory(email="a@example.cn", phone="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        note = send(user)
    assert note.subject == "保证金已到账 GZ-1" and unread_count(user) == 1
    assert [m.subject for m in mail.outbox] == ["保证金已到账 GZ-1"]
    assert "/x/" in mail.outbox[0].body
    sms = SmsMessage.objects.get()
    assert sms.phone == "13912345678" and "保证金2,000.00元已到账" in sms.text
    states = dict(Delivery.objects.values_list("channel", "state"))
    assert states == {"inbox": "sent", "email": "sent", "sms": "sent"}


def test_the_same_event_about_the_same_object_is_never_sent_twice(
    django_capture_on_commit_callbacks,
):
    user = factories.UserFactory(email="a@example.cn", phone="13912345678")
    household = factories.HouseholdFactory()  # any object stands for the deal
    with django_capture_on_commit_callbacks(execute=True):
        send(user, obj=household)
        send(user, obj=household)  # a redelivered event
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1 and SmsMessage.objects.count() == 1
    # a second object is a second message
    with django_capture_on_commit_callbacks(execute=True):
        send(user, obj=factories.HouseholdFactory())
    assert SmsMessage.objects.count() == 2


def test_a_redelivered_task_sends_nothing_twice(django_capture_on_commit_callbacks):
    user = factories.UserFactory(phone="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        send(user)
    sms = Delivery.objects.get(channel="sms")
    assert delivery_attempt(delivery_id=sms.pk) is None
    assert SmsMessage.objects.count() == 1


def test_users_choose_their_channels(django_capture_on_commit_callbacks):
    user = factories.UserFactory(email="a@example.cn", phone="13912345678")
    notifications.preferences_set(user=user, email=False, sms=False)
    with django_capture_on_commit_callbacks(execute=True):
        send(user)
    assert unread_count(user) == 1  # the inbox is always on
    assert not mail.outbox and not SmsMessage.objects.exists()


def test_a_household_without_login_is_reached_by_sms_only(django_capture_on_commit_callbacks):
    household = factories.HouseholdFactory(phone="13700001111")
    with django_capture_on_commit_callbacks(execute=True):
        note = send(household)
    assert note is None
    assert SmsMessage.objects.get().phone == "13700001111"
    assert Delivery.objects.get().household == household


def test_a_household_without_phone_or_login_goes_to_its_stations_inbox_which_says_so(
    django_capture_on_commit_callbacks,
):
    household = factories.HouseholdFactory(phone="")
    station = factories.ServiceStationFactory(township=household.village.township)
    operator = factories.OperatorFactory(station=station)
    elsewhere = factories.OperatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        send(household)
    note = Notification.objects.get(recipient=operator)
    assert household.name in note.subject and note.on_behalf_of == household
    assert "no phone or login" in note.body or "没有手机" in note.body
    assert not Notification.objects.filter(recipient=elsewhere).exists()
    assert not SmsMessage.objects.exists()


def test_a_household_with_its_own_login_gets_it_in_its_inbox_and_by_sms(
    django_capture_on_commit_callbacks,
):
    household = factories.HouseholdFactory(phone="13700002222")
    user = factories.UserFactory(role="household", household=household)
    with django_capture_on_commit_callbacks(execute=True):
        send(household)
    assert unread_count(user) == 1
    assert SmsMessage.objects.get().phone == "13700002222"


def test_a_failing_sms_provider_is_retried_with_backoff_then_failed_and_the_inbox_stays(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_PROVIDER = "marketplace.sms.console.FailingSmsProvider"
    user = factories.UserFactory(phone="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        send(user)  # first attempt (the task) fails
    sms = Delivery.objects.get(channel="sms")
    assert sms.state == "queued" and sms.attempts == 1 and "unavailable" in sms.reason
    waits = [60]
    now = timezone.now()
    while True:
        wait = delivery_attempt(delivery_id=sms.pk, now=now)
        if wait is None:
            break
        waits.append(wait)
    sms.refresh_from_db()
    assert waits == [60, 120, 240, 480]  # 1, 2, 4, 8 minutes
    assert sms.state == "failed" and sms.attempts == MAX_ATTEMPTS and sms.reason
    assert sms.next_attempt_at is None
    assert unread_count(user) == 1  # the inbox copy stays
    # and every move is in the audit log: claimed and put back four times, then failed
    actions = [e.action for e in events_for(sms).order_by("id")]
    attempt = ["delivery.claim", "delivery.retry_later"]
    assert actions == attempt * (MAX_ATTEMPTS - 1) + ["delivery.claim", "delivery.mark_failed"]


def test_each_move_of_a_delivery_is_audited_once_and_a_redelivery_adds_none(
    django_capture_on_commit_callbacks,
):
    # given an SMS sent by its task
    user = factories.UserFactory(phone="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        send(user)
    sms = Delivery.objects.get(channel="sms")
    # when the task runs again (redelivered), it finds the delivery taken
    assert delivery_attempt(delivery_id=sms.pk) is None
    # then the claim (a conditional update) and the send are recorded once each
    moves = [(e.action, e.payload["from"], e.payload["to"]) for e in events_for(sms).order_by("id")]
    assert moves == [
        ("delivery.claim", "queued", "sending"),
        ("delivery.mark_sent", "sending", "sent"),
    ]
    # and the inbox copy, written sent, has no move at all
    assert not events_for(Delivery.objects.get(channel="inbox")).exists()


def test_the_signing_code_goes_by_sms_only_and_its_text_is_not_kept(
    django_capture_on_commit_callbacks, caplog
):
    user = factories.UserFactory(email="a@example.cn", phone="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        note = send(user, event="test.code", context={"code": "493817"})
    assert note is None and not Notification.objects.exists() and not mail.outbox
    assert "493817" in SmsMessage.objects.get().text  # the phone (console provider's outbox)
    delivery = Delivery.objects.get()
    assert delivery.channel == "sms" and delivery.state == "sent" and delivery.body == ""
    assert "493817" not in caplog.text


def test_an_sms_never_carries_an_id_number():
    id_number = factories.HouseholdFactory.build().id_number
    text = sms_text(f"户主身份证{id_number}，账户6230500000000001")
    assert id_number not in text and "6230500000000001" not in text
    assert f"尾号{id_number[-4:]}" in text and "尾号0001" in text


def test_sms_segments_are_70_characters_or_parts_of_67():
    assert sms_segments("字" * 70) == 1
    assert sms_segments("字" * 71) == 2
    assert [len(p) for p in sms_parts("字" * 140)] == [67, 67, 6]


def test_the_header_counts_unread_messages_on_every_page(client):
    user = factories.UserFactory()
    send(user)
    client.force_login(user)
    page = client.get(reverse("profile")).content.decode()
    assert 'data-testid="inbox-unread">1<' in page


def test_the_profile_page_saves_the_channels(client):
    user = factories.UserFactory(email="a@example.cn", phone="13912345678")
    client.force_login(user)
    client.post(reverse("profile"), {"email": "on"})
    prefs = notifications.preferences(user)
    assert prefs.email and not prefs.sms


def test_only_exchange_staff_read_the_sms_log(client, staff_user):
    client.force_login(factories.OperatorFactory())
    assert client.get(reverse("sms_log")).status_code == 403
    SmsMessage.objects.create(phone="139", text="签约验证码123456", segments=1)
    client.force_login(staff_user)
    assert "123456" in client.get(reverse("sms_log")).content.decode()
