"""POST /api/v1/valuations/quote: the same formulas to the fen, errors naming the field."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from marketplace.money import round_yuan
from tests import factories
from tests.valuation.test_formulas import VALUE_CASES
from valuation import formulas
from valuation.methods import FORMULA_BY_METHOD

URL = "/api/v1/valuations/quote"
METHOD_BY_FORMULA = {fn: method for method, fn in FORMULA_BY_METHOD.items()}


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _jsonable(value):
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return None if value is None else str(value)


QUOTE_CASES = [case for case in VALUE_CASES if case[1] in METHOD_BY_FORMULA]


@pytest.mark.parametrize(
    ("function", "kwargs"), [c[1:3] for c in QUOTE_CASES], ids=[c[0] for c in QUOTE_CASES]
)
def test_the_quote_matches_the_formulas_to_the_fen(agribusiness_user, function, kwargs):
    # given
    payload = {
        "method": METHOD_BY_FORMULA[function],
        "area_mu": "3.5",
        "inputs": {k: _jsonable(v) for k, v in kwargs.items() if v is not None or k == "years"},
    }
    # when
    response = _client(agribusiness_user).post(URL, payload, format="json")
    # then
    assert response.status_code == 200, response.json()
    value = function(**kwargs)
    assert response.json() == {
        "value_yuan": str(round_yuan(value)),
        "per_mu_yuan": str(round_yuan(value / Decimal("3.5"))),
        "method": METHOD_BY_FORMULA[function],
        "formula_version": formulas.FORMULA_VERSION,
    }


def test_the_r_val_1_check_through_the_api(staff_user):
    response = _client(staff_user).post(
        URL,
        {
            "method": "income_capitalisation",
            "area_mu": "1",
            "inputs": {"annual_income": "400", "rate": "0.05", "years": "10"},
        },
        format="json",
    )
    assert response.json()["value_yuan"] == "3088.69"


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"method": "income_capitalisation", "area_mu": "1", "inputs": {"rate": "0.05", "years": "10"}}, ("inputs", "annual_income")),
        ({"method": "income_capitalisation", "area_mu": "1", "inputs": {"annual_income": "400", "rate": "0", "years": "10"}}, ("inputs", "rate")),
        ({"method": "growing_income", "area_mu": "1", "inputs": {"annual_income": "400", "rate": "0.05", "growth": "0.06", "years": "10"}}, ("inputs", "growth")),
        ({"method": "forest_harvest_present_value", "area_mu": "1", "inputs": {"quality_factor": "1", "final_net_income": "1", "rate": "0.05", "rotation_age": "20", "current_age": "25"}}, ("inputs", "current_age")),
        ({"method": "magic", "area_mu": "1", "inputs": {}}, ("method",)),
        ({"method": "forest_annuity", "area_mu": "0", "inputs": {}}, ("area_mu",)),
    ],
    ids=["missing", "rate zero", "growth above rate", "age beyond rotation", "unknown method", "zero area"],
)  # fmt: skip
def test_a_bad_quote_is_a_400_naming_the_field(staff_user, payload, path):
    # when
    response = _client(staff_user).post(URL, payload, format="json")
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    detail = body["detail"]
    for key in path:
        assert key in detail, body
        detail = detail[key]


def test_anonymous_users_get_no_quote(db):
    response = APIClient().post(URL, {"method": "forest_annuity"}, format="json")
    assert response.status_code in (401, 403)
    assert "code" in response.json()


def test_a_station_operator_gets_no_quote(operator):
    response = _client(operator).post(URL, {"method": "forest_annuity"}, format="json")
    assert response.status_code == 403


def test_token_authentication_works(agribusiness_user):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=agribusiness_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(
        URL,
        {
            "method": "forest_annuity",
            "area_mu": "10",
            "inputs": {"annual_income": "300", "rate": "0.05", "years": None},
        },
        format="json",
    )
    assert response.json()["value_yuan"] == "6000.00"
    assert response.json()["per_mu_yuan"] == "600.00"


def test_openapi_documents_every_field(staff_user):
    # when
    client = APIClient()
    client.force_authenticate(factories.UserFactory(is_staff=True, is_superuser=True))
    schema = client.get("/api/schema/", {"format": "json"}).json()
    # then
    assert "/api/v1/valuations/quote" in schema["paths"]
    components = schema["components"]["schemas"]
    for name in ("IncomeCapitalisationInputs", "ForestHarvestPresentValueInputs", "QuoteResponse"):
        for field, spec in components[name]["properties"].items():
            assert spec.get("description"), f"{name}.{field} has no description"
