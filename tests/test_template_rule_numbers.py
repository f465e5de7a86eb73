"""Rule numbers come from the rulebook, never typed into a template (STYLE.md, issue 15 §5.7).

A period, an area threshold, a rate or an amount that RULES.md marks [practice] or [default] is
a rulebook setting staff change per county (`marketplace/rulebook.py`); a page or a contract that
types "3 working days" says something false the day a county changes it. Templates take the
number from the `rule_number` tag (or their view's context): R-REG-3's review areas (500/1000
mu) and answer period, R-MODE-1's negotiation period and auction hour, R-BID-4's soft-close minutes, R-SVC-1's three clocks, R-DEAL-1/2/3/4's
announcement, signing, payment and refund periods, R-LIST-5's announcement period.

The scan reads each template's text as a reader sees it: translatable strings and plain text,
without CSS and code (`<style>`, `<script>`, `style="…"`), comments or template logic (`{% if n > 1 %}`).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cms", "contracts", "listings", "marketplace", "valuation")

# A number next to a unit a rule counts in.
PATTERNS = {
    "working days": re.compile(r"\d+\s*working\s+days?", re.IGNORECASE),
    "工作日": re.compile(r"\d+\s*个?\s*工作日"),
    "days (天/日)": re.compile(r"(?<!月)(?<!月 )(?<![\d年])\d+\s*[天日](?![期])"),
    "mu (亩)": re.compile(r"\d[\d,]*\s*(?:mu\b|亩)"),
    "yuan (元)": re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:元|yuan\b)"),
    "per cent": re.compile(r"\d+(?:\.\d+)?\s*[%％‰]"),
    "minutes": re.compile(r"\d+\s*(?:minutes?\b|分钟)", re.IGNORECASE),
    "hours": re.compile(r"\d+\s*(?:hours?\b|个?小时)", re.IGNORECASE),
    "days": re.compile(r"\d+\s*(?:calendar\s+)?days?\b", re.IGNORECASE),
    "hour of the day": re.compile(r"(?<![\d:])\d{1,2}:00(?![\d:])|\d{1,2}\s*[点时]"),
}

# Numbers fixed by the text they belong to, not rulebook settings (each with its reason).
ALLOWED = {
    # R-INS-2 fixes the fire loss rate itself ("fire: loss rate 100 %"): not a setting.
    ("contracts/insurance/templates/insurance/claim.html", "100 %"),
    # The login lockout is a security setting (AXES_COOLOFF_TIME), not a rule of RULES.md.
    ("marketplace/templates/registration/locked_out.html", "15 minutes"),
    # The shares contract's dividend clause (示范文本): a term of that contract, not a rule.
    ("contracts/documents/templates/contract_documents/pdf/contract.html", "20%"),
}

STYLE_BLOCK = re.compile(r"<(style|script)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
STYLE_ATTR = re.compile(r"\sstyle=\"[^\"]*\"", re.IGNORECASE)
COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.DOTALL)
TRANSLATE = re.compile(r"{%\s*(?:translate|trans)\s+\"([^\"]*)\"[^%]*%}")
TAG = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)


def reader_text(source: str) -> str:
    text = STYLE_BLOCK.sub(" ", source)
    text = STYLE_ATTR.sub(" ", text)
    text = COMMENT.sub(" ", text)
    text = TRANSLATE.sub(lambda m: m.group(1), text)
    return TAG.sub(" ", text)


def templates():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("templates/**/*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                yield path


def typed_numbers(path):
    found = []
    for number, line in enumerate(reader_text(path.read_text(encoding="utf-8")).splitlines(), 1):
        for unit, pattern in PATTERNS.items():
            for match in pattern.finditer(line):
                key = (str(path.relative_to(ROOT)), match.group(0))
                if key not in ALLOWED:
                    found.append(f"{key[0]}:{number}: {match.group(0)!r} ({unit})")
    return found


def test_no_template_types_a_rule_number():
    """R-SVC-1, R-REG-3, R-MODE-1, R-BID-4, R-DEAL-1, R-DEAL-2, R-DEAL-3, R-DEAL-4, R-LIST-5: from the rulebook."""
    offenders = [hit for path in templates() for hit in typed_numbers(path)]
    assert offenders == []


@pytest.mark.parametrize(
    "snippet",
    [
        '{% translate "Pay within 3 working days (R-DEAL-3)." %}',
        "{% blocktranslate %}refunded within 5 working days of the close.{% endblocktranslate %}",
        '{% translate "Commercial capital taking 500 mu or more needs a county review" %}',
        "<p>由乙方在签约后 3 个工作日内支付</p>",
        "<p>公示期 7 天</p>",
        "<p>保证金 1,000 元</p>",
        '{% translate "Cut at most 10 % per relisting" %}',
        "{% blocktranslate %}online auction on the next working day at 10:00.{% endblocktranslate %}",
        "{% blocktranslate %}A bid in the last 5 minutes moves the close{% endblocktranslate %}",
    ],
)
def test_the_scan_finds_a_typed_number(tmp_path, snippet):
    # given a template typing a rule's number, then the scan reports it
    path = tmp_path / "page.html"
    path.write_text(snippet, encoding="utf-8")
    hits = []
    for unit, pattern in PATTERNS.items():
        hits += [(unit, m.group(0)) for m in pattern.finditer(reader_text(snippet))]
    assert hits


@pytest.mark.parametrize(
    "snippet",
    [
        '<col style="width:5%">',
        "<style>table { width: 100%; }</style>",
        "{% if forloop.counter > 1 %}x{% endif %}",
        "{% rule_number 'deal.payment_workdays' as n %}签约后 {{ n }} 个工作日内",
        "分红于次年 3 月 31 日前支付",
    ],
)
def test_the_scan_leaves_css_logic_and_dates_alone(snippet):
    text = reader_text(snippet)
    assert not any(pattern.search(text) for pattern in PATTERNS.values())


def _change(key, value, *, actor, county=None):
    from marketplace import rulebook

    rulebook.setting_change(
        key=key, county=county, value_text=value, reason="测试：县级调整", actor=actor
    )


@pytest.mark.django_db
def test_the_register_page_shows_the_countys_periods_r_reg_3_r_deal_4(client, staff_user):
    from tests.contracts.factories import announced_listing, bidder

    # given a county that answers reviews in 15 working days and refunds deposits within 4
    listing = announced_listing(area_mu="700")
    _change("registration.review_workdays", "15", actor=staff_user, county=listing.county)
    _change("deal.deposit_refund_workdays", "4", actor=staff_user, county=listing.county)
    # when commercial capital opens the register page
    client.force_login(bidder(is_commercial_capital=True))
    page = client.get(f"/deals/listings/{listing.pk}/register/").content.decode()
    # then the page states the county's numbers, not the defaults
    assert "15 个工作日内答复" in page
    assert "竞价结束后 4 个工作日内全额无息退还" in page
    assert "竞价结束后 5 个工作日" not in page


@pytest.mark.django_db
def test_the_review_queue_states_the_staff_countys_areas_r_reg_3(client):
    from tests import factories

    # given county staff whose county reviews from 300 mu (prefecture from 800)
    county = factories.CountyFactory()
    staff = factories.UserFactory(role="exchange_staff", is_staff=True, county=county)
    prefecture = factories.UserFactory(role="exchange_staff", is_staff=True)
    _change("registration.review_county_mu", "300", actor=prefecture, county=county)
    _change("registration.review_prefecture_mu", "800", actor=prefecture, county=county)
    # when the staff open the review queue, then it states those areas
    client.force_login(staff)
    page = client.get("/deals/staff/reviews/").content.decode()
    assert "300 亩及以上须经县级审查，800 亩及以上须经州级审查" in page


@pytest.mark.django_db
def test_the_contract_states_the_countys_payment_period_r_deal_3(
    django_capture_on_commit_callbacks, staff_user
):
    from contracts.documents.facts import contract_facts
    from contracts.documents.pdf import contract_html
    from tests.documents.factories import awarded_deal

    # given an awarded lease in a county where the buyer pays within 4 working days of signing
    a = awarded_deal(django_capture_on_commit_callbacks)
    _change("deal.payment_workdays", "4", actor=staff_user, county=a.deal.listing.county)
    # when its contract text is rendered
    facts = contract_facts(a.deal, registration=a.registration, number="HT-TEST-1")
    html = contract_html(facts)
    # then the payment clause states the county's period
    assert "在签约后 4 个工作日内支付" in html and "3 个工作日" not in html
