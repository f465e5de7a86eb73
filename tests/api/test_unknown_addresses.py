"""Every answer under /api/ is JSON (issue 17 §1): an unknown address is a JSON 404 for any
method — not the public site's catch-all, nor its CSRF page for a POST — and a known address
read without its final slash is still redirected."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_an_unknown_api_address_is_a_json_404(method):
    response = getattr(Client(enforce_csrf_checks=True), method)("/api/v1/no-such-thing/-1/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_a_known_address_without_its_slash_is_redirected():
    response = Client().get("/api/v1/listings?county=433126")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/listings/?county=433126"


def test_a_session_post_without_csrf_token_is_refused_in_json(django_user_model):
    user = django_user_model.objects.create_user("csrf-check", password="pw-12345678")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/valuations/quote", {}, content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "permission_denied"
