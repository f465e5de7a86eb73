"""Playwright driving Debian's Chromium against pytest-django's live server.

Screenshots of failing tests are saved under test-results/screenshots/.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test body
# are still synchronous, so allow them (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One live server per xdist worker; keep browser tests together.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make install` (apt package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _watch_csp(pg):
    """Collect the Content-Security-Policy violations the browser reports (issue 14)."""
    violations = []
    pg.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return violations


def _fail_on_csp_violations(request, violations):
    passed = getattr(request.node, "rep_call", None)
    if violations and passed is not None and passed.passed:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context (Chinese locale, desktop size) per test."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    pg.base_url = live_server.url
    violations = _watch_csp(pg)
    yield pg
    _fail_on_csp_violations(request, violations)
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def tablet_page(request, browser, live_server):
    """A tablet-sized context, as at a station counter (UX.md)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 800, "height": 1280})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    pg.base_url = live_server.url
    violations = _watch_csp(pg)
    yield pg
    _fail_on_csp_violations(request, violations)
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def login(page, username, password="pw-12345678"):
    """Log in through the real login form."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def _public_site(request):
    """The Wagtail page tree and Site, even after another transactional test flushed them."""
    if (
        "live_server" not in request.fixturenames
        and "page" not in request.fixturenames
        and ("tablet_page" not in request.fixturenames)
    ):
        return
    from cms import structure

    # The test's database first (a serialized rollback restores the migrated rows), then the
    # pages: otherwise, after another test's flush, the page tree would be built in an empty
    # database against a stale ContentType cache.
    request.getfixturevalue("transactional_db")
    request.getfixturevalue("live_server")
    # Another transactional test's flush may have emptied or re-created the content types
    # under new ids: the process-wide cache must not outlive the rows it describes.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    structure.home()
