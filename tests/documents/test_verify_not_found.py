"""Public verification of an unknown certificate number: 查无此证 in the site's layout."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_certificate_number_says_no_such_certificate_with_the_search_again(client):
    response = client.get("/verify/JZ-433126-2026-999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "查无此证" in page
    assert 'value="JZ-433126-2026-999999"' in page
    assert 'class="site-header' in page  # the site's layout, not a bare 404
