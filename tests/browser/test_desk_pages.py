"""Browser tests of the households' side (issue 13): the station desk, the profile page with
its channels and the header's inbox count, and the SMS log."""

import datetime as dt

import pytest
from django.utils import timezone

from marketplace.desk import services
from marketplace.models import SmsMessage
from tests import factories
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_operator_records_and_acknowledges_a_request_and_sees_overdue_clocks_in_red(page):
    # given an operator of a station, a household of its township, and a request 10 min old
    station = factories.ServiceStationFactory()
    operator = factories.OperatorFactory(username="desk1", station=station)
    village = factories.VillageFactory(township=station.township)
    household = factories.HouseholdFactory(name="田示一", village=village)
    services.request_record(
        operator=operator,
        household=household,
        channel="phone",
        topic="payment",
        text="问租金",
        received_at=timezone.now() - dt.timedelta(minutes=10),
    )
    login(page, "desk1")
    page.goto(page.base_url + "/desk/")
    # then the old request's first clock is overdue, in red (R-SVC-1: 3 minutes)
    overdue = page.locator("[data-testid=open-requests] [data-clock=ack][data-state=overdue]")
    assert overdue.count() == 1 and "err" in overdue.get_attribute("class")
    # when the operator records a walk-in request through the form
    form = page.get_by_test_id("record-form")
    form.get_by_label("农户").select_option(label=f"田示一 · {village.name}")
    form.get_by_label("来源方式").select_option("walk_in")
    form.get_by_label("事项").select_option("contract")
    form.get_by_label("诉求").fill("合同面积和证上不一样")
    with page.expect_navigation():
        form.get_by_role("button", name="登记").click()
    # then its page shows it received, and acknowledging it meets clock 1
    assert "已收到" in page.get_by_test_id("state").inner_text()
    with page.expect_navigation():
        page.get_by_test_id("acknowledge").get_by_role("button", name="受理").click()
    assert "已受理" in page.get_by_test_id("state").inner_text()
    assert page.locator("[data-testid=clocks] [data-clock=ack]").get_attribute("data-state") == (
        "met"
    )


def test_a_user_chooses_channels_on_the_profile_page_and_sees_the_inbox_count(page):
    from marketplace.notifications import notification_send, preferences

    user = factories.UserFactory(username="prof1", email="p@example.cn", phone="13912345678")
    notification_send(recipient=user, subject="挂牌已公告", body="b")
    login(page, "prof1")
    # the header counts the unread message on every page
    assert page.get_by_test_id("inbox-unread").inner_text() == "1"
    page.get_by_test_id("who").click()
    assert "13912345678" in page.get_by_test_id("profile-phone").inner_text()
    form = page.get_by_test_id("channels-form")
    form.get_by_label("短信").uncheck()
    with page.expect_navigation():
        form.get_by_role("button", name="保存").click()
    assert page.get_by_text("通知方式已保存").is_visible()
    prefs = preferences(user)
    assert prefs.email and not prefs.sms


def test_staff_read_the_sms_log(page):
    factories.UserFactory(username="staff9", role="exchange_staff", is_staff=True)
    SmsMessage.objects.create(
        phone="13800000000", text="【湘西农交】签约验证码：123456", segments=1
    )
    login(page, "staff9")
    page.goto(page.base_url + "/console/sms/")
    assert "123456" in page.get_by_test_id("sms-log").inner_text()


def test_a_household_opens_its_own_page_from_the_menu(page):
    # given a household with a login and an open request at its station
    station = factories.ServiceStationFactory()
    operator = factories.OperatorFactory(station=station)
    village = factories.VillageFactory(township=station.township)
    household = factories.HouseholdFactory(name="向示二", village=village)
    factories.UserFactory(username="hh1", role="household", household=household)
    made = services.request_record(
        operator=operator, household=household, channel="phone", topic="payment", text="问租金"
    )
    login(page, "hh1")
    # when it follows "my land and money"
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name="我的土地和收益").click()
    # then its page names it and shows the open request with its clocks
    assert page.get_by_test_id("household-name").inner_text() == "向示二"
    assert made.number in page.get_by_test_id("household-requests").inner_text()


def test_the_operator_sees_where_the_households_money_is_and_gets_the_one_page_pdf(
    page, django_capture_on_commit_callbacks, tmp_path
):
    import subprocess

    from marketplace.desk.household import payouts_of
    from marketplace.payments.services import (
        payout_batch_create,
        payout_batch_mark_confirmed,
        payout_batch_mark_sent,
    )
    from tests.documents.factories import awarded_deal, pay, sign_both

    # given a let parcel: signed, the first year paid and paid out (the bank confirmed it)
    a = awarded_deal(django_capture_on_commit_callbacks)
    sign_both(a, django_capture_on_commit_callbacks)
    pay(a, django_capture_on_commit_callbacks)
    household = a.deal.listing.transferor_household
    payouts = list(payouts_of(household).values_list("pk", flat=True))
    batch = payout_batch_create(actor=a.staff, only=payouts)
    payout_batch_mark_sent(batch=batch, actor=a.staff)
    payout_batch_mark_confirmed(batch=batch, actor=a.staff)
    login(page, a.operator.username)
    page.goto(page.base_url + f"/desk/household/{household.pk}/")
    # then "where is my money?" is answered at the top: paid this year and what is due next
    paid = payouts_of(household).get().amount_fen
    assert f"¥{paid / 100:,.2f}" in page.get_by_test_id("money-paid").inner_text()
    assert "租金" in page.get_by_test_id("money-due").inner_text()
    # the parcels are on the map, with who rents them until when
    assert page.get_by_test_id("household-map").locator("svg path").count() >= 1
    row = page.locator("[data-testid=household-parcels] tr[data-let=let]").first
    assert a.buyer.enterprise.name in row.inner_text()
    end = a.deal.listing.term_end
    assert f"{end.year}年{end.month}月{end.day}日" in row.inner_text()
    assert page.locator("[data-testid=household-payouts] tr[data-payout=paid]").count() == 1
    # and the one-page PDF the operator hands over carries the same facts
    href = page.get_by_test_id("household-pdf").get_attribute("href")
    response = page.request.get(page.base_url + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    path = tmp_path / "household.pdf"
    path.write_bytes(response.body())
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert household.name in flat and a.buyer.enterprise.name in flat
    assert f"¥{paid / 100:,.2f}" in flat


def test_the_households_own_login_signs_its_contract_online_with_an_sms_code(
    page, settings, django_capture_on_commit_callbacks
):
    from contracts.documents.models import Signature
    from marketplace.models import Notification
    from tests.documents.factories import awarded_deal

    settings.CONTRACT_DOCUMENTS = {"SHOW_SIGNING_CODE": True}
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    household = a.deal.listing.transferor_household
    user = factories.UserFactory(username="hh-sign", role="household", household=household)
    login(page, "hh-sign")
    # the household's menu leads to its page, which offers to sign the ready contract
    page.goto(page.base_url + "/desk/my-land/")
    assert page.get_by_test_id("household-name").inner_text() == household.name
    assert page.get_by_test_id("money-summary").is_visible()
    page.get_by_test_id("sign-online").click()
    page.get_by_test_id("send-code").click()
    code = page.get_by_test_id("demo-code").locator("strong").inner_text()
    # the code went by SMS only (R-DEAL-2), never to the household's inbox
    assert SmsMessage.objects.filter(text__contains=code).exists()
    assert not Notification.objects.filter(recipient=user, body__contains=code).exists()
    page.fill("#id_password", "pw-12345678")
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.get_by_test_id("sign").click()
    assert page.get_by_test_id("sig-transferor").locator(".badge.ok").is_visible()
    signature = Signature.objects.get(contract=a.contract)
    assert (signature.party, signature.method) == ("transferor", "online")
    # the transferee has not signed yet; the household can no longer sign again
    assert page.get_by_test_id("sig-transferee").locator(".badge.warn").is_visible()
    assert page.get_by_test_id("sign-form").count() == 0
