"""Browser test of the exchange staff's parcel import (issue 15 §4): CSV, XLSX or GeoJSON exports
of the land-certification database, all or nothing. A trial run is checked, a good file imported
while the job page polls its state, a file with a bad row refused naming the row and the field
in Chinese. The upload page and the job page are checked by axe-core and must not scroll
sideways on a phone. The insurer's policy import: test_zz_insurance_import_pages.py."""

import re

import pytest
from playwright.sync_api import expect

from listings.models import Parcel, ParcelImport
from tests import factories as kernel
from tests.browser.conftest import login
from tests.browser.import_steps import (
    FINISHED_WITHIN_MS,
    LaterWorker,
    on_a_phone,
    patient,
    upload,
)
from tests.browser.layout_checks import assert_accessible
from tests.listings.test_import import as_csv, rows_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# ---------------------------------------------------------------- the parcel import (staff)


@pytest.fixture
def village():
    township = kernel.TownshipFactory(code="003")
    return kernel.VillageFactory(township=township, code="001")


def test_staff_try_import_and_see_a_bad_row_refused_in_the_parcel_import(
    page, village, monkeypatch
):
    patient(page)
    kernel.UserFactory(username="clerk", role="exchange_staff", is_staff=True)
    login(page, "clerk")
    # the upload page
    page.goto(page.base_url + "/listings/import/")
    expect(page.locator("h1")).to_have_text("地块导入")
    assert_accessible(page, "parcel import upload page")
    on_a_phone(page, "parcel import upload page")
    good = as_csv(rows_for(village, 3))

    # a trial run of a good file: checked, the rows counted, nothing imported
    upload(page, "地块.csv", good, "text/csv", trial=True)
    expect(page.get_by_test_id("import-status")).to_have_text(
        "检查完成（试运行）：未导入", timeout=FINISHED_WITHIN_MS
    )
    expect(page.locator("#import-count")).to_have_text("3 / 3")
    assert "已检查 3 行，全部正确；试运行未导入。" in page.get_by_role("status").inner_text()
    assert ParcelImport.objects.get().state == "checked" and not Parcel.objects.exists()
    assert_accessible(page, "parcel import job page (checked)")
    on_a_phone(page, "parcel import job page (checked)")

    # the real import: the page polls the waiting job until the worker has imported it
    worker = LaterWorker()
    monkeypatch.setattr("listings.tasks.run_parcel_import_task", worker)
    page.goto(page.base_url + "/listings/import/")
    upload(page, "地块.csv", good, "text/csv", trial=False)
    expect(page.get_by_test_id("import-status")).to_have_text("排队中")
    job = ParcelImport.objects.get(pk=worker.queued[0])
    assert page.get_by_test_id("import-progress").get_attribute("data-finished") == "0"
    from listings.services_import import parcel_import_run

    parcel_import_run(job_id=job.pk)
    expect(page.get_by_test_id("import-status")).to_have_text("已导入", timeout=FINISHED_WITHIN_MS)
    expect(page.get_by_role("status")).to_have_text("已导入 3 块地。")
    expect(page.locator("#import-bar")).to_have_attribute("value", "100")
    assert Parcel.objects.filter(village=village).count() == 3
    assert_accessible(page, "parcel import job page (done)")
    on_a_phone(page, "parcel import job page (done)")
    monkeypatch.undo()

    # a file with a bad row (area 0 on line 3): refused, nothing imported, row and field named
    rows = rows_for(village, 2)
    rows = [[f"{village.full_code}0200{i + 1:03d}", *row[1:]] for i, row in enumerate(rows)]
    rows[1][2] = "0"
    page.goto(page.base_url + "/listings/import/")
    upload(page, "坏地块.csv", as_csv(rows), "text/csv", trial=False)
    expect(page.get_by_test_id("import-status")).to_have_text(
        "未通过：未导入任何数据", timeout=FINISHED_WITHIN_MS
    )
    expect(page.get_by_role("alert")).to_contain_text("未导入任何数据")
    errors = page.get_by_test_id("import-errors")
    assert errors.locator("thead").inner_text().split() == ["行号", "地块代码", "理由"]
    row = errors.locator("tbody tr")
    expect(row).to_have_count(1)
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "3" and cells[1] == rows[1][0]
    assert re.match(r"^面积", cells[2]), cells[2]
    assert Parcel.objects.count() == 3
    assert_accessible(page, "parcel import job page (failed)")
    on_a_phone(page, "parcel import job page (failed)")
    # the earlier imports are listed with their states on the upload page
    page.goto(page.base_url + "/listings/import/")
    earlier = page.locator("section.card ul").inner_text()
    assert earlier.count("地块.csv") == 3 and "已导入" in earlier and "未通过" in earlier
