"""The console page "规则参数" (RULES.md header: staff change the [practice]/[default] numbers)."""

import pytest
from django.urls import reverse

from marketplace import rulebook
from marketplace.models import RuleSetting
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = factories.UserFactory(role="exchange_staff")
    client.force_login(user)
    return user


def test_staff_see_every_number_with_its_rule_and_default(client, staff):
    response = client.get(reverse("rulebook"))
    assert response.status_code == 200
    html = response.content.decode()
    for number in rulebook.numbers():
        assert number.rule in html
        assert str(number.label) in html
    assert "规则参数" in html  # Chinese first


def test_staff_set_a_countys_value_and_the_page_shows_it(client, staff):
    county = factories.CountyFactory(code="433130", name="龙山县")
    url = reverse("rulebook_edit", args=["listing.announcement_min"])
    response = client.post(
        url,
        {"county": county.pk, "right_type": "", "value": "9", "reason": "县农业农村局意见"},
    )
    assert response.status_code == 302
    assert RuleSetting.objects.get().value == "9"
    page = client.get(reverse("rulebook")).content.decode()
    assert "龙山县：9 个工作日" in page


def test_a_bad_value_is_shown_next_to_the_field_and_nothing_is_saved(client, staff):
    url = reverse("rulebook_edit", args=["deposit.share"])
    response = client.post(url, {"value": "三成", "reason": "试一试"})
    assert response.status_code == 200
    html = response.content.decode()
    # staff read the rule as a small reference after the sentence (issue 16, item 6)
    assert '数值：应为百分数，如 30 或 1.3 <small class="rule-ref">R-REG-4</small>。' in html
    assert not RuleSetting.objects.exists()


def test_staff_remove_a_value_with_a_reason(client, staff):
    row = rulebook.setting_change(
        key="auction.extension_minutes", value_text="3", reason="试点", actor=staff
    )
    response = client.post(reverse("rulebook_reset", args=[row.pk]), {"reason": "试点结束"})
    assert response.status_code == 302
    assert not RuleSetting.objects.exists()


def test_an_auditor_reads_but_cannot_change(client):
    client.force_login(factories.UserFactory(role="auditor"))
    assert client.get(reverse("rulebook")).status_code == 200
    edit = reverse("rulebook_edit", args=["listing.announcement_min"])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"value": "9", "reason": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["station_operator", "agribusiness", "household"])
def test_other_roles_may_not_see_the_page(client, role):
    maker = {
        "station_operator": factories.OperatorFactory,
        "agribusiness": factories.AgribusinessUserFactory,
    }.get(role, lambda: factories.UserFactory(role=role))
    client.force_login(maker())
    assert client.get(reverse("rulebook")).status_code == 403


def test_county_staff_only_get_their_own_county_in_the_form(client):
    county = factories.CountyFactory(code="433126", name="古丈县")
    factories.CountyFactory(code="433130", name="龙山县")
    client.force_login(factories.UserFactory(role="exchange_staff", county=county))
    html = client.get(reverse("rulebook_edit", args=["listing.announcement_min"])).content.decode()
    assert "古丈县" in html and "龙山县" not in html
