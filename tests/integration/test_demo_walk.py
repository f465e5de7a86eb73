"""The demo as a visitor meets it (issue 16, items 6 and 11): seed_demo gives consistent data, and
no page any demo role reaches from its dashboard shows an English word.

One seeding serves both checks (seed_demo takes a while); each reports all it found.

* Demo data (R-DEAL-1): every listing located (坐落), parcel names whole, a listing named after a
  township lies in it, no certificate before its 成交公示 ends and the public result page says
  the same period as the deal.
* The walk: each role logs in, opens its dashboard and follows a bounded set of the site's links
  (two levels); visible text (not <script>, <style>, <code>) may contain Latin letters only in
  codes (numbers like GP-433126-2026-D0002, SC-…, IDs, USCC) and an allow-list of names and units;
  rule numbers (R-DEAL-2) only on staff and auditor pages.
"""

import re
from collections import deque
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client

from cms.models import AnnouncementPage
from contracts.documents.models import Certificate
from contracts.models import Deal
from listings.models import Listing
from marketplace.choices import RightType
from marketplace.models import User

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ("staff", "station", "storage", "bidder1", "insurer", "forestry", "auditor", "household")
PAGES_PER_ROLE = 30
# Names and units that may stay in Latin letters on a Chinese page.
_ALLOWED_TEXT = """
    aa api app ca cn com csv django e email english excel fw gb geojson gov gp ht http https
    icp id id_number ip json jy jz kb lp mail mb mu no ok openapi pdf postgresql qr redoc sc
    sha sms stripe svg tianditu url uscc wagtail wcag wps www xiangxi xlsx
"""
ALLOWED = set(_ALLOWED_TEXT.split())
# A code: letters and digits joined by - _ / . (GP-433126-2026-D0002, SC-2026-0001, 4331…X)
CODE = re.compile(r"\b(?=[\w\-/.]*\d)[A-Za-z0-9]+(?:[-_/.:][A-Za-z0-9]+)+\b|\b\w*\d\w*\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PATH = re.compile(r"(?<![\w/])/[a-z][\w\-/]*")  # a path on this site (/readyz, /api/docs/)
WORD = re.compile(r"[A-Za-z]{2,}")
RULE_CODE = re.compile(r"\bR-[A-Z]+-\d+[a-z]?\b")
# Rule numbers are small references for staff, auditors and the professional roles
# (marketplace.rule_refs); the station, bidders and households never read them.
RULE_READERS = {"staff", "auditor", "storage", "insurer", "forestry"}
# The exchange's own English name under the Chinese one in the header (a proper name).
PROPER_NAMES = ("Xiangxi Rural Property Rights Exchange",)
SKIP_LINK = re.compile(
    r"^/(static|media|django-admin|cms-admin|admin|api|accounts/logout|i18n)/|\.(pdf|xlsx|csv|zip|png|jpg)$|/(export|download|pdf|xlsx|scan|file)/?"
)


class _Text(HTMLParser):
    """Visible text and same-site links of a page."""

    HIDDEN = {"script", "style", "code", "kbd", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"].split("#")[0])
        if tag in ("input", "button") and attrs.get("type") in ("submit", "button"):
            self.text.append(attrs.get("value") or "")
        for name in ("placeholder", "aria-label", "title"):
            if attrs.get(name):
                self.text.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def english_words(html: str, rules_ok=False) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.text)
    for name in PROPER_NAMES:
        text = text.replace(name, " ")
    rule_codes = [] if rules_ok else RULE_CODE.findall(text)
    text = EMAIL.sub(" ", text)
    text = PATH.sub(" ", text)
    text = CODE.sub(" ", text)
    words = [w for w in WORD.findall(text) if w.lower() not in ALLOWED]
    return words + rule_codes, parser.links


def walk(client: Client, start: str, rules_ok=False) -> dict[str, list[str]]:
    """{url: English words} over the pages reached from `start`, two links deep, bounded."""
    found: dict[str, list[str]] = {}
    seen = {start}
    queue = deque([(start, 0)])
    visited = 0
    while queue and visited < PAGES_PER_ROLE:
        url, depth = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        words, links = english_words(response.content.decode(), rules_ok)
        if words:
            found[url] = sorted(set(words))[:12]
        if depth >= 2:
            continue
        for link in links:
            if link not in seen and not SKIP_LINK.search(link) and "?" not in link:
                seen.add(link)
                queue.append((link, depth + 1))
    return found


def demo_problems() -> list[str]:
    problems = []
    for listing in Listing.objects.select_related("county", "township", "village").prefetch_related(
        "parcels__village__township"
    ):
        if not listing.location:
            problems.append(f"{listing.number}: no location (坐落)")
        elif listing.township.name not in listing.location:
            problems.append(f"{listing.number}: location {listing.location} not in its township")
        name = listing.title.split("（")[0].removeprefix(listing.county.name)
        for township in re.findall(r"[\u4e00-\u9fff]{2,3}[镇乡]", name):
            if township != listing.township.name:
                problems.append(
                    f"{listing.number} {listing.title}: named after {township}, "
                    f"lies in {listing.township.name}"
                )
        core = listing.title.split("（")[0].removeprefix(
            listing.township.name + listing.village.name
        )
        for parcel in listing.parcels.all():
            if parcel.village.township_id != listing.township_id:
                problems.append(f"{listing.number}: parcel {parcel.code} in another township")
            if listing.right_type == RightType.STORED_LAND:
                continue  # a block is named as a block, not after its households' parcels
            stem = re.sub(r"(·?\d+号[地田]|地块)$", "", parcel.name)
            if stem and stem != core and stem not in listing.title:
                problems.append(f"{listing.number}: parcel name {parcel.name!r} cut short")
            if stem and core.endswith(stem) and stem != core:
                problems.append(f"{listing.number}: parcel name {parcel.name!r} cut short")
    for certificate in Certificate.objects.select_related("deal"):
        deal = certificate.deal
        if deal.result_announcement_ends_at is None or (
            certificate.issued_at <= deal.result_announcement_ends_at
        ):
            problems.append(
                f"{certificate.number}: issued {certificate.issued_at} before the 成交公示 of "
                f"{deal.number} ends {deal.result_announcement_ends_at} (R-DEAL-1)"
            )
        page = AnnouncementPage.objects.filter(kind="result", deal_number=deal.number).first()
        if page is not None and page.period_ends_at != deal.result_announcement_ends_at:
            problems.append(f"{deal.number}: the result page's period differs from the deal's")
    # a 流拍 deal: still failed, or failed and then taken into storage (R-FAIL-2)
    failed = Deal.objects.filter(state__in=["failed", "stored"]).select_related("listing__township")
    if not failed.exists():
        problems.append("no failed (流拍) deal in the demo")
    return problems


def test_r_deal_1_seed_demo_is_consistent_and_every_role_reads_only_chinese(settings):
    settings.DEBUG = True
    call_command("seed_demo")

    problems = demo_problems()

    english = {}
    for username in ROLES:
        user = User.objects.filter(username=username).first()
        if user is None:
            english[username] = {"-": ["demo login missing"]}
            continue
        client = Client()
        client.force_login(user)
        found = walk(client, "/console/", rules_ok=username in RULE_READERS)
        if found:
            english[username] = found
    english_lines = [
        f"{role} {url}: {' '.join(words)}"
        for role, pages in english.items()
        for url, words in pages.items()
    ]
    assert not problems, "demo data:\n" + "\n".join(problems)
    assert not english_lines, "English on pages:\n" + "\n".join(english_lines)
