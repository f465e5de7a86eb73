"""Pages load nothing from outside the site (no CDN, no web fonts: offline here, unreliable in
China), and the site's chrome names languages in their own language."""

import re

import pytest

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""", re.I)


def test_the_api_docs_load_redoc_from_our_static_files_without_web_fonts(client):
    page = client.get("/api/docs/").content.decode()
    assert "<redoc" in page
    assert re.search(
        r'src="/static/drf_spectacular_sidecar/redoc/bundles/redoc\.standalone\.js"', page
    )
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "fonts.googleapis" not in page


def test_the_home_page_has_a_favicon_and_no_outside_asset(client):
    page = client.get("/verify/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert not EXTERNAL.search(page)


def test_the_language_switcher_names_each_language_in_its_own_language(client):
    page = client.get("/verify/").content.decode()
    assert ">简体中文</option>" in page
    assert ">English</option>" in page
    assert "英语" not in page
