"""Logins and sessions (issue 14, item 7): the client address behind trusted proxies, lockout by
username and address plus a per-address limit, signing passwords counted, expiring API tokens
revoked on a password change, and staff sessions that end when idle."""

import datetime as dt
import time

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from marketplace import security
from tests import factories

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.1"  # the documented TLS proxy in front of gunicorn
LOCKOUT = {"AXES_ENABLED": True, "AXES_FAILURE_LIMIT": 3, "TRUSTED_PROXY_COUNT": 1}


def login(client, username, password, via):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=via,
    )


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "6.6.6.6", PROXY),  # no trusted proxy: the header is the client's word, ignored
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # a forged first entry is not believed
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),
        (2, "1.2.3.4", PROXY),  # fewer entries than proxies: the header is not trusted
    ],
)
def test_the_client_address_counts_only_the_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert security.client_ip(request) == expected


@override_settings(**LOCKOUT)
def test_behind_the_proxy_one_address_cannot_lock_out_anothers_account(client):
    # given a bidder, and someone at another address who knows the bidder's username
    factories.AgribusinessUserFactory(username="bidder9")
    statuses = [login(client, "bidder9", "wrong", via="203.0.113.66").status_code for _ in "abc"]
    assert statuses == [200, 200, 429]  # the third failure reaches the limit
    # then that address is locked for the username
    assert login(client, "bidder9", "pw-12345678", via="203.0.113.66").status_code == 429
    # but the bidder, from its own address through the same proxy, logs in
    assert login(client, "bidder9", "pw-12345678", via="198.51.100.7").status_code == 302


@override_settings(**LOCKOUT, LOGIN_ADDRESS_FAILURE_LIMIT=4)
def test_an_address_guessing_many_accounts_is_refused_for_all_of_them(client):
    # given an address that failed 4 times over 4 usernames (never 3 on one)
    users = [factories.UserFactory(username=f"user{i}") for i in range(5)]
    for user in users[:4]:
        assert login(client, user.username, "wrong", via="203.0.113.66").status_code == 200
    # then even a right password from that address is refused, with the lockout page
    response = login(client, users[4].username, "pw-12345678", via="203.0.113.66")
    assert response.status_code == 429 and "登录已暂停" in response.text
    # while other addresses log in
    assert login(client, users[4].username, "pw-12345678", via="198.51.100.7").status_code == 302


@override_settings(**LOCKOUT)
def test_wrong_signing_passwords_count_toward_the_login_lockout(client):
    # given a user asked for the password again (contract signing) from one address
    user = factories.AgribusinessUserFactory(username="signer")
    request = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert security.password_recheck(user, "wrong", request) is False
    assert security.password_recheck(user, "wrong", request) is False
    assert security.password_recheck(user, "wrong", request) is False
    # then the right password is refused there too, and the login form is locked as well
    assert security.password_recheck(user, "pw-12345678", request) is None
    assert login(client, "signer", "pw-12345678", via="203.0.113.5").status_code == 429


def test_the_signing_service_checks_the_password_through_the_lockout():
    import inspect

    from contracts.documents.services import signing

    source = inspect.getsource(signing.contract_sign_online)
    assert "password_recheck(" in source and "check_password" not in source


def _api(client, token):
    return client.get("/api/v1/payments/payables/", HTTP_AUTHORIZATION=f"Token {token.key}")


@override_settings(API_TOKEN_TTL_HOURS=24)
def test_an_api_token_expires_after_the_configured_time(client):
    user = factories.AgribusinessUserFactory()
    token = Token.objects.create(user=user)
    assert _api(client, token).status_code == 200
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(hours=25))
    assert _api(client, token).status_code == 401
    assert not Token.objects.filter(pk=token.pk).exists()
    # and asking again gives a new token that works
    response = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": "pw-12345678"}
    )
    assert response.status_code == 200 and response.json()["token"] != token.key


def test_a_password_change_revokes_the_api_token(client):
    user = factories.AgribusinessUserFactory()
    token = Token.objects.create(user=user)
    user.set_password("another-long-password")
    user.save()
    assert not Token.objects.filter(user=user).exists()
    assert _api(client, token).status_code == 401


@override_settings(STAFF_SESSION_IDLE_MINUTES=30)
def test_a_staff_session_ends_after_the_idle_time(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("dashboard")).status_code == 200
    session = client.session
    session[security.StaffIdleTimeoutMiddleware.KEY] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "_auth_user_id" not in client.session


@override_settings(STAFF_SESSION_IDLE_MINUTES=30)
def test_a_bidder_session_is_not_ended_by_the_staff_idle_time(client):
    user = factories.AgribusinessUserFactory()
    client.force_login(user)
    client.get(reverse("dashboard"))
    session = client.session
    session[security.StaffIdleTimeoutMiddleware.KEY] = time.time() - 31 * 60
    session.save()
    assert client.get(reverse("dashboard")).status_code == 200
