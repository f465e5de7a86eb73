"""Every page's browser title names the page, then the exchange, once (the tab a clerk finds among
others); the home page is the exchange's name alone."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def _templates():
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        yield path, path.read_text(encoding="utf-8")


def test_every_page_on_the_base_layout_names_itself_and_not_the_exchange_again():
    problems = []
    for path, text in _templates():
        if '{% extends "base.html" %}' not in text:
            continue
        title = re.search(r"\{% block title %\}(.*?)\{% endblock %\}", text, re.S)
        if title is None or not title.group(1).strip():
            problems.append(f"{path.relative_to(ROOT)}: no title")
        elif "site_name" in title.group(1) or "· {{ exchange_name }}" in title.group(1):
            problems.append(f"{path.relative_to(ROOT)}: the exchange's name again")
    assert not problems, "\n".join(problems)


def test_the_layout_adds_the_exchanges_name_after_the_pages(client, db):
    from cms import structure

    structure.home()
    html = client.get("/verify/").content.decode()
    title = html[html.index("<title>") + 7 : html.index("</title>")].strip()
    assert title.endswith(" · " + settings.WAGTAIL_SITE_NAME)
    assert title.count(settings.WAGTAIL_SITE_NAME) == 1
    assert not title.startswith(" · ")
