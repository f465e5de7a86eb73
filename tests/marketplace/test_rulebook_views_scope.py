"""County staff change their own county's numbers only, through the page too (RULES.md header:
per county); the forms carry a CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from marketplace import rulebook
from marketplace.models import RuleSetting
from tests import factories

pytestmark = pytest.mark.django_db

KEY = "listing.announcement_min"


@pytest.fixture
def counties():
    return (
        factories.CountyFactory(code="433126", name="古丈县"),
        factories.CountyFactory(code="433130", name="龙山县"),
    )


def test_county_staff_cannot_post_or_remove_another_countys_value(client, counties):
    guzhang, longshan = counties
    prefecture = factories.UserFactory(role="exchange_staff")
    theirs = rulebook.setting_change(
        key=KEY, county=longshan, value_text="9", reason="龙山会议", actor=prefecture
    )
    wide = rulebook.setting_change(
        key=KEY, county=None, value_text="8", reason="州会议", actor=prefecture
    )
    client.force_login(factories.UserFactory(role="exchange_staff", county=guzhang))
    url = reverse("rulebook_edit", args=[KEY])
    for county in (longshan.pk, ""):
        client.post(url, {"county": county, "value": "12", "reason": "越权"})
    for row in (theirs, wide):
        client.post(reverse("rulebook_reset", args=[row.pk]), {"reason": "越权"})
    assert dict(RuleSetting.objects.filter(key=KEY).values_list("county_id", "value")) == {
        longshan.pk: "9",
        None: "8",
    }
    # and a missing pk is a 404, a GET on the reset URL too
    assert client.post(reverse("rulebook_reset", args=[999999]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("rulebook_reset", args=[theirs.pk])).status_code == 404


def test_the_forms_need_the_csrf_token(counties):
    guzhang, _ = counties
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.UserFactory(role="exchange_staff", county=guzhang))
    url = reverse("rulebook_edit", args=[KEY])
    assert "csrfmiddlewaretoken" in client.get(url).content.decode()
    response = client.post(url, {"county": guzhang.pk, "value": "12", "reason": "会议"})
    assert response.status_code == 403
    assert not RuleSetting.objects.filter(key=KEY).exists()


def test_a_change_committed_during_a_read_is_not_hidden_by_that_read(
    settings, django_assert_num_queries
):
    """Another thread of the process commits a change (and drops the copy) while this one is
    reading the table: the older rows read must not be kept as the fresh copy for 30 s."""
    from django.db import connection

    settings.RULEBOOK_CACHE_SECONDS = 30
    rulebook.forget()

    def another_thread_commits_meanwhile(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "rulesetting" in sql.lower():
            rulebook.forget()
        return result

    with connection.execute_wrapper(another_thread_commits_meanwhile):
        rulebook.value(KEY)
    with django_assert_num_queries(1):
        rulebook.value(KEY)
    rulebook.forget()
