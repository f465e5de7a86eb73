"""Parties and roles: ID numbers and USCCs validated with python-stdnum; scope object by object."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from marketplace.models import Enterprise, Household
from marketplace.selectors import household_get_for_user, household_list_for_user, household_search
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_invalid_id_number_is_refused_with_a_translated_message_naming_the_field():
    household = factories.HouseholdFactory.build(id_number="433126196001010011")
    household.village = factories.VillageFactory()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        household.full_clean()
    assert "id_number" in error.value.message_dict
    assert "身份证号码无效" in error.value.message_dict["id_number"][0]


def test_a_valid_id_number_passes():
    household = factories.HouseholdFactory()
    household.full_clean()


def test_r_reg_1_an_invalid_uscc_is_refused_naming_the_field():
    enterprise = factories.EnterpriseFactory.build(uscc="91433126MA4000010A")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        enterprise.full_clean()
    assert "统一社会信用代码无效" in error.value.message_dict["uscc"][0]


def test_r_reg_1_an_organisation_needs_a_uscc_and_a_grower_an_id_number():
    company = Enterprise(name="x", kind=Enterprise.Kind.COOPERATIVE, legal_representative="王")
    with pytest.raises(ValidationError) as error:
        company.full_clean()
    assert "uscc" in error.value.message_dict
    grower = Enterprise(name="y", kind=Enterprise.Kind.LARGE_GROWER, legal_representative="王")
    with pytest.raises(ValidationError) as error:
        grower.full_clean()
    assert "id_number" in error.value.message_dict


def test_an_operator_never_sees_households_of_another_township():
    # given two townships, each with a household, and an operator of the first
    operator = factories.OperatorFactory()
    mine = factories.HouseholdFactory(village__township=operator.station.township)
    other = factories.HouseholdFactory()
    # then list, get and search see only the own township's household
    assert list(household_list_for_user(operator)) == [mine]
    with pytest.raises(Household.DoesNotExist):
        household_get_for_user(user=operator, pk=other.pk)
    assert list(household_search(user=operator, query=other.id_number)) == []
    assert list(household_search(user=operator, query=other.name)) == []
    assert list(household_search(user=operator, query=mine.id_number[-6:])) == [mine]


def test_county_staff_see_their_county_and_prefecture_staff_see_all():
    guzhang = factories.HouseholdFactory()
    other_county = factories.CountyFactory(code="433130", name="龙山县")
    longshan = factories.HouseholdFactory(village__township__county=other_county)
    county_staff = factories.UserFactory(
        role="exchange_staff", county=guzhang.village.township.county
    )
    prefecture_staff = factories.UserFactory(role="exchange_staff")
    assert list(household_list_for_user(county_staff)) == [guzhang]
    assert set(household_list_for_user(prefecture_staff)) == {guzhang, longshan}


def test_an_agribusiness_user_sees_no_households():
    factories.HouseholdFactory()
    assert not household_list_for_user(factories.AgribusinessUserFactory()).exists()


def test_dashboard_requires_login_and_shows_the_role(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    operator = factories.OperatorFactory()
    client.force_login(operator)
    response = client.get(reverse("dashboard"))
    assert "服务站经办人" in response.content.decode()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_are_throttled_with_a_clear_message(client):
    factories.UserFactory(username="victim")
    for _ in range(3):
        client.post(reverse("login"), {"username": "victim", "password": "wrong"})
    # then even the right password is refused for now, with a Chinese explanation
    response = client.post(reverse("login"), {"username": "victim", "password": "pw-12345678"})
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()


def test_chinese_is_shown_first_even_to_a_browser_that_asks_for_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名" in response.content.decode()
    client.cookies["django_language"] = "en"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "Username" in response.content.decode()


@pytest.mark.parametrize(
    "name, masked",
    [("张三", "张**"), ("张三丰", "张**"), ("欧阳修文", "欧**"), ("李", "李**")],
)
def test_r_list_7_a_natural_persons_name_is_masked_to_surname_and_two_stars(name, masked):
    # R-LIST-7: "村民 张**" for every natural person; the stars never reveal the name's length
    from marketplace.models import mask_name

    assert mask_name(name) == masked


def test_r_list_7_an_empty_name_stays_empty():
    from marketplace.models import mask_name

    assert mask_name("") == ""
