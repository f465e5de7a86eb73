"""Pages load nothing from outside the site (no CDN, no web fonts: offline here, unreliable in
China), and the site's chrome names languages in their own language."""

import re

import pytest

pytestmark = pytest.mark.django_db

# What a page *loads*: src of any element, href of <link> (stylesheets, icons, preloads), url() in
# inline styles. A plain <a href> to another site (the footer's ICP and 公安 filing numbers link to
# the government's filing sites, as the filing rules require) loads nothing.
EXTERNAL = re.compile(
    r"""\bsrc=["'](?:https?:)?//|<link\b[^>]*\bhref=["'](?:https?:)?//|url\(["']?(?:https?:)?//""",
    re.I,
)


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
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    # the footer's filing numbers are links to the government's sites, not assets
    assert 'href="https://beian.miit.gov.cn/"' in page


def test_the_language_switcher_names_each_language_in_its_own_language(client):
    page = client.get("/verify/").content.decode()
    assert ">简体中文</option>" in page
    assert ">English</option>" in page
    assert "英语" not in page
