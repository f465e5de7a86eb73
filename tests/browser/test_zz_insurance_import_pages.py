"""Browser test of the insurer's policy import (R-INS-1, issue 15 §4): the household list as an
XLSX, all or nothing. A good list is imported while the job page polls its state, a list with a
bad row is refused naming the row and the field in Chinese, a file that is no workbook is refused
on the upload page. The upload page and the job page are checked by axe-core and must not scroll
sideways on a phone. Named to run after the other browser tests, as the insurance ones do."""

import pytest
from playwright.sync_api import expect

from contracts.insurance.models import InsurancePolicy, PolicyImport
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
from tests.insurance.factories import forest_parcel
from tests.insurance.test_import import _xlsx
from tests.listings.factories import RightFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _forest():
    village = kernel.VillageFactory()
    plots = [forest_parcel(village, n) for n in range(2)]
    right = RightFactory(right_type="forest", parcels=plots, certificate_number="湘林证2026001")
    households = [kernel.HouseholdFactory(village=village) for _ in range(2)]
    return right, plots, households


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COVER = ["2026-01-01", "2026-12-31"]


def test_the_insurer_imports_a_household_list_and_sees_a_bad_row_refused(page, monkeypatch):
    patient(page)
    right, plots, (a, b) = _forest()
    insurer = kernel.InsurerUserFactory(username="ins-import")
    login(page, "ins-import")
    page.goto(page.base_url + "/insurance/insurer/import/")
    expect(page.locator("h1")).to_have_text("导入分户清单")
    assert_accessible(page, "policy import upload page")
    on_a_phone(page, "policy import upload page")

    # a good list: the page polls the waiting job until the worker has imported it
    good = _xlsx(
        [
            ["BD-W1", right.certificate_number, plots[0].code, "20", a.id_number, "1/2", *COVER],
            ["BD-W1", right.certificate_number, plots[1].code, "15", b.id_number, "1/2", *COVER],
        ]
    )
    worker = LaterWorker()
    monkeypatch.setattr("contracts.insurance.tasks.run_policy_import_task", worker)
    upload(page, "分户清单.xlsx", good, XLSX)
    expect(page.get_by_test_id("import-status")).to_have_text("排队中")
    from contracts.insurance.services.imports import policy_import_run

    policy_import_run(job_id=worker.queued[0])
    expect(page.get_by_test_id("import-status")).to_have_text("已导入", timeout=FINISHED_WITHIN_MS)
    expect(page.get_by_role("status")).to_have_text("已导入 1 张保单。")
    expect(page.locator("#import-count")).to_have_text("2 / 2")
    policy = InsurancePolicy.objects.get(number="BD-W1")
    assert policy.insurer_id == insurer.insurer_id and policy.parcels.count() == 2
    assert_accessible(page, "policy import job page (done)")
    on_a_phone(page, "policy import job page (done)")
    monkeypatch.undo()

    # a list with a bad row (line 3: more mu than the parcel has), run by the real (eager) task
    bad = _xlsx(
        [
            ["BD-W2", right.certificate_number, plots[0].code, "10", a.id_number, "", *COVER],
            ["BD-W2", right.certificate_number, plots[1].code, "99", a.id_number, "", *COVER],
        ]
    )
    page.goto(page.base_url + "/insurance/insurer/import/")
    upload(page, "坏清单.xlsx", bad, XLSX)
    expect(page.get_by_test_id("import-status")).to_have_text(
        "未通过：未导入任何数据", timeout=FINISHED_WITHIN_MS
    )
    expect(page.get_by_role("alert")).to_contain_text("未导入任何数据")
    row = page.get_by_test_id("import-errors").locator("tbody tr")
    expect(row).to_have_count(1)
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "3" and cells[1] == plots[1].code
    assert cells[2].startswith("投保面积"), cells[2]
    assert not InsurancePolicy.objects.filter(number="BD-W2").exists()
    assert PolicyImport.objects.get(original_name="坏清单.xlsx").state == "failed"
    assert_accessible(page, "policy import job page (failed)")
    on_a_phone(page, "policy import job page (failed)")

    # a file that is not a workbook is refused on the upload page, naming the field
    page.goto(page.base_url + "/insurance/insurer/import/")
    upload(page, "清单.csv", b"a,b\n1,2\n", "text/csv")
    expect(page.get_by_role("alert")).to_contain_text("文件")
    assert_accessible(page, "policy import upload page (refused)")
