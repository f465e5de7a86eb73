"""Content-Security-Policy (issue 14, item 8): a strict policy on every page, and templates that
pass it (no inline handlers or style attributes; inline blocks carry the request's nonce)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    p
    for p in ROOT.glob("*/**/templates/**/*.html")
    if ".venv" not in p.parts and "pdf" not in p.parts and not p.name.endswith("_pdf.html")
]


def _directives(response):
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    return dict(d.strip().split(" ", 1) for d in policy.split(";") if " " in d.strip())


@pytest.mark.django_db
def test_pages_carry_a_strict_policy(client):
    directives = _directives(client.get("/accounts/login/"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self' https://js.stripe.com"  # nothing inline
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_an_inline_block_is_allowed_by_the_nonce_it_carries(client, operator):
    # the station pages have an inline <style>: the header allows exactly its nonce
    client.force_login(operator)
    response = client.get("/listings/station/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", _directives(response)["style-src"]).group(1)
    assert f'<style nonce="{nonce}">' in response.text


def test_the_language_switch_works_without_an_inline_handler(client, db):
    response = client.get("/accounts/login/")
    assert "onchange=" not in response.text
    assert "data-autosubmit" in response.text and "js/behaviours.js" in response.text


@pytest.mark.parametrize("template", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_handlers_or_unnonced_blocks(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"\son[a-z]+=\"", text), "inline event handler"
    assert not re.search(r"<(?:[a-z]+)\b[^>]*\sstyle=\"", text), "style attribute"
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
        assert "src=" in tag or "nonce=" in tag, tag
