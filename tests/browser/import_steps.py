"""Steps the browser tests of the two imports share (the job page polls its state)."""

from tests.browser.layout_checks import PHONE, assert_no_horizontal_scroll

# The job page reloads itself once the polled state says finished; a worker on the shared
# 2-core machine may take a while, so the final state is awaited this long.
FINISHED_WITHIN_MS = 30_000


def patient(page):
    """The shared 2-core machine can take more than the harness's 10 s to serve a page."""
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)


def upload(page, name, data, mime, *, trial=None):
    files = [{"name": name, "mimeType": mime, "buffer": data}]
    page.set_input_files("[data-testid=import-form] input[type=file]", files=files)
    if trial is not None:
        page.set_checked("#id_dry_run", trial)
    with page.expect_navigation():
        page.get_by_test_id("import-form").locator("button[type=submit]").click()


def on_a_phone(page, where):
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page, where)
    page.set_viewport_size(size)


class LaterWorker:
    """Stands in for the Celery task while the page polls: the job stays waiting until the
    test runs it as the worker would (the service the task calls)."""

    def __init__(self):
        self.queued = []

    def delay(self, job_id):
        self.queued.append(job_id)
