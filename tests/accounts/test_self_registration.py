"""Agribusiness self-registration (issue 16): the USCC checked with python-stdnum, the e-mail
proved by a signed link, the phone by an SMS code from the SMS provider, then the account opens,
or waits for exchange staff where R-REG-3 needs it (companies and individual businesses may be
industrial and commercial capital); password reset by e-mail; rate limits by address."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import AccountApplication, PhoneCode
from marketplace.demo import make_uscc
from marketplace.models import Enterprise, SmsMessage, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_commit(django_capture_on_commit_callbacks):
    """The SMS is queued after commit (Celery runs eagerly here): run those callbacks."""
    global CAPTURE
    CAPTURE = django_capture_on_commit_callbacks


CAPTURE = None

COMPANY = make_uscc("433126", "91", 71001)
COOPERATIVE = make_uscc("433126", "93", 71002)


def form(**over):
    data = {
        "company_name": "古丈县茶旅发展有限公司",
        "kind": "company",
        "uscc": COMPANY,
        "legal_representative": "向明",
        "address": "古丈县古阳镇",
        "contact_name": "彭丽",
        "phone": "138 0743 1234",
        "email": "pengli@example.com",
        "username": "chalv_gz",
        "password1": "Tea-garden-2027",
        "password2": "Tea-garden-2027",
    }
    data.update(over)
    return data


def apply(client, **over):
    with CAPTURE(execute=True):
        return client.post(reverse("accounts:signup"), form(**over))


def resend(client):
    with CAPTURE(execute=True):
        return client.post(reverse("accounts:verify"), {"action": "resend_sms"}, follow=True)


def can_log_in(username, password):
    """Through the login form (the axes backend needs the request)."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def sms_code(phone="13807431234"):
    text = SmsMessage.objects.filter(phone=phone).first().text
    return re.search(r"(\d{6})", text).group(1)


def email_link():
    return re.search(r"https?://\S+/accounts/register/email/\S+/", mail.outbox[-1].body).group(0)


def test_a_bad_uscc_is_refused_next_to_its_field_and_nothing_is_written():
    # given a code with a wrong check digit
    bad = COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1")
    response = apply(Client(), uscc=bad)
    # then the form says what is wrong with the code, and no enterprise or login was made
    assert response.status_code == 422
    html = response.content.decode()
    assert "统一社会信用代码无效（校验位错误）" in html
    assert html.index("统一社会信用代码无效") > html.index('for="id_uscc"')
    assert not Enterprise.objects.filter(name="古丈县茶旅发展有限公司").exists()
    assert not User.objects.filter(username="chalv_gz").exists()


def test_a_cooperative_kind_needs_a_93_code():
    response = apply(Client(), kind="cooperative")
    assert "93" in response.content.decode()
    assert not AccountApplication.objects.exists()


def test_a_code_already_registered_and_a_taken_login_are_refused():
    factories.EnterpriseFactory(uscc=COMPANY)
    factories.UserFactory(username="chalv_gz")
    response = apply(Client())
    html = response.content.decode()
    assert "已注册" in html or "已经注册" in html
    assert not AccountApplication.objects.exists()


def test_r_reg_3_a_company_verifies_email_and_phone_then_waits_for_staff(
    django_capture_on_commit_callbacks,
):
    client = Client()
    # when a company applies
    response = apply(client)
    assert response.status_code == 302 and response.url == reverse("accounts:verify")
    application = AccountApplication.objects.get()
    user = application.user
    # then its login exists but is closed, and an e-mail link and an SMS code went out
    assert not user.is_active and user.role == "agribusiness"
    assert application.enterprise.uscc == COMPANY and application.needs_approval
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pengli@example.com"]
    code = sms_code()
    # the code is kept as a hash only
    assert not PhoneCode.objects.filter(code_hash__contains=code).exists()
    # a wrong code is refused next to the field
    response = client.post(
        reverse("accounts:verify"),
        {"action": "code", "code": "000000" if code != "000000" else "111111"},
    )
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.phone_verified_at is None
    # the right code and the e-mail link verify both
    client.post(reverse("accounts:verify"), {"action": "code", "code": code})
    response = Client().get(email_link())
    assert response.status_code == 302
    application.refresh_from_db()
    user.refresh_from_db()
    # R-REG-3: a company waits for the exchange; it cannot log in yet
    assert application.state == AccountApplication.State.PENDING
    assert not user.is_active
    assert not can_log_in("chalv_gz", "Tea-garden-2027")


def test_a_cooperative_is_open_once_verified(django_capture_on_commit_callbacks):
    client = Client()
    apply(client, kind="cooperative", uscc=COOPERATIVE, username="coop_gz")
    application = AccountApplication.objects.get()
    assert not application.needs_approval
    client.get(email_link())
    client.post(reverse("accounts:verify"), {"action": "code", "code": sms_code()})
    application.refresh_from_db()
    assert application.state == AccountApplication.State.APPROVED
    assert can_log_in("coop_gz", "Tea-garden-2027")


def test_a_tampered_email_link_is_refused():
    client = Client()
    apply(client)
    link = email_link()
    response = Client().get(link[:-3] + "xx/")
    assert response.status_code == 400
    assert "链接" in response.content.decode()
    assert AccountApplication.objects.get().email_verified_at is None


def test_staff_approve_and_the_applicant_is_told(django_capture_on_commit_callbacks):
    client = Client()
    apply(client)
    client.get(email_link())
    client.post(reverse("accounts:verify"), {"action": "code", "code": sms_code()})
    application = AccountApplication.objects.get()
    staff = factories.UserFactory(role="exchange_staff")
    staff_client = Client()
    staff_client.force_login(staff)
    # the list shows it waiting
    listing = staff_client.get(reverse("accounts:applications")).content.decode()
    assert "古丈县茶旅发展有限公司" in listing
    # refusing needs a reason
    url = reverse("accounts:application_detail", args=[application.pk])
    response = staff_client.post(url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"decision": "approve", "commercial_capital": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == AccountApplication.State.APPROVED
    assert application.decided_by == staff
    assert application.enterprise.is_commercial_capital  # R-REG-3 reviews follow from it
    assert can_log_in("chalv_gz", "Tea-garden-2027")
    assert any("chalv_gz" in m.body for m in mail.outbox[1:])


def test_only_exchange_staff_decide():
    application = _pending()
    auditor = factories.UserFactory(role="auditor")
    client = Client()
    client.force_login(auditor)
    url = reverse("accounts:application_detail", args=[application.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "approve"}).status_code == 403
    bidder = factories.AgribusinessUserFactory()
    client.force_login(bidder)
    assert client.get(url).status_code == 403


def _pending():
    client = Client()
    apply(client)
    application = AccountApplication.objects.get()
    client.get(email_link())
    client.post(reverse("accounts:verify"), {"action": "code", "code": sms_code()})
    application.refresh_from_db()
    assert application.state == AccountApplication.State.PENDING
    return application


def test_sms_codes_are_limited(settings):
    settings.ACCOUNTS = {"CODE_RESEND_SECONDS": 0, "CODES_PER_APPLICATION": 2}
    client = Client()
    apply(client)  # the first code
    resend(client)  # the second
    response = resend(client)
    assert PhoneCode.objects.count() == 2
    assert "发送的验证码次数过多" in response.content.decode()


def test_wrong_codes_use_the_code_up(settings):
    settings.ACCOUNTS = {"CODE_ATTEMPTS": 2}
    client = Client()
    apply(client)
    code = sms_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        client.post(reverse("accounts:verify"), {"action": "code", "code": wrong})
    response = client.post(reverse("accounts:verify"), {"action": "code", "code": code})
    assert response.status_code == 422
    assert AccountApplication.objects.get().phone_verified_at is None


def test_applications_from_one_address_are_limited(settings):
    settings.ACCOUNTS = {"SIGNUPS_PER_ADDRESS_HOUR": 1}
    apply(Client())
    response = apply(
        Client(), uscc=COOPERATIVE, kind="cooperative", username="other_one", email="o@example.com"
    )
    assert response.status_code == 429
    assert AccountApplication.objects.count() == 1


def test_password_reset_by_email_end_to_end():
    user = factories.AgribusinessUserFactory(username="bidder_x", email="bidder@example.com")
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "bidder@example.com"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/reset/\S+/\S+/", mail.outbox[0].body).group(0)
    assert "bidder_x" in mail.outbox[0].body
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "New-pass-2027x", "new_password2": "New-pass-2027x"}
    )
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("New-pass-2027x")


def test_password_reset_requests_from_one_address_are_limited(settings):
    settings.ACCOUNTS = {"RESETS_PER_ADDRESS_HOUR": 2}
    from django.core.cache import cache

    cache.clear()
    client = Client()
    codes = [
        client.post(reverse("password_reset"), {"email": "x@example.com"}).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]


def test_the_login_page_links_to_reset_and_registration():
    html = Client().get(reverse("login")).content.decode()
    assert reverse("password_reset") in html and reverse("accounts:signup") in html


def test_an_empty_form_is_refused_with_each_required_field_named():
    response = Client().post(reverse("accounts:signup"), {})
    assert response.status_code == 422
    assert response.content.decode().count('role="alert"') >= 9
    assert not AccountApplication.objects.exists()
