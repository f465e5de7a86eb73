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


@pytest.fixture(scope="session")
def _serialized_contents(django_db_setup, django_db_blocker):
    """The migrated rows serialized at test-database creation, per alias.

    Django keeps them on the connection object; with Playwright's event loop running in this
    thread, asgiref hands the test's teardown a *different* connection object without them, so
    the flush re-ran post_migrate and re-created the content types under new ids, and the next
    serialized rollback failed on `django_content_type` (UNIQUE). Restoring the attribute on
    whichever connection object the thread sees keeps the flush inhibited.
    """
    from django.db import connections
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.deserialize_db_from_string

    def content_types_first(self, data):
        """Restore the content types before the rest, under their serialized ids.

        Building a Wagtail task instance looks its content type up, and creates it under a new
        id when the table is still empty; and a transactional test without serialized rollback
        (they share this worker) flushes with post_migrate, which re-creates every content type
        and permission under new ids. Either way the restore then collides on
        `django_content_type` (UNIQUE). So: when the table holds anything but the serialized
        rows, empty the database first (without post_migrate), then write the content types.
        """
        import json

        from django.contrib.contenttypes.models import ContentType
        from django.core.management import call_command

        alias = self.connection.alias
        wanted = {
            (o["fields"]["app_label"], o["fields"]["model"]): o["pk"]
            for o in json.loads(data)
            if o["model"] == "contenttypes.contenttype"
        }
        present = ContentType.objects.using(alias).values_list("app_label", "model", "pk")
        if any(wanted.get((app, model)) != pk for app, model, pk in present):
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=alias,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )
        ContentType.objects.using(alias).bulk_create(
            [ContentType(pk=pk, app_label=app, model=model) for (app, model), pk in wanted.items()],
            ignore_conflicts=True,
        )
        ContentType.objects.clear_cache()
        return original(self, data)

    BaseDatabaseCreation.deserialize_db_from_string = content_types_first
    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


def _keep_serialized_contents(contents):
    """Make the serialized rows visible on every connection object of the alias's class.

    A class attribute, because the flush in the test's teardown may run in yet another asyncio
    context and so see yet another connection object (one alias, "default", is configured).
    """
    from django.db import connections

    for alias, value in contents.items():
        type(connections[alias])._test_serialized_contents = value


@pytest.fixture(autouse=True)
def _public_site(request, _serialized_contents):
    """The Wagtail page tree and Site, even after another transactional test flushed them."""
    if (
        "live_server" not in request.fixturenames
        and "page" not in request.fixturenames
        and ("tablet_page" not in request.fixturenames)
    ):
        yield
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
    _keep_serialized_contents(_serialized_contents)
    yield
