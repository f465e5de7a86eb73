"""Bulk import of the insurer's household list (XLSX): all or nothing, every bad row reported."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from contracts.insurance.importer import ImportFormatError, import_policies
from contracts.insurance.models import InsurancePolicy, PolicyImport
from contracts.insurance.services.imports import policy_import_run, policy_import_start
from tests import factories as kernel
from tests.insurance.factories import forest_parcel
from tests.listings.factories import RightFactory

pytestmark = pytest.mark.django_db

HEADER = ["保单号", "林权证号", "地块代码", "投保面积", "身份证号", "份额", "保险起期", "保险止期"]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def forest():
    village = kernel.VillageFactory()
    plots = [forest_parcel(village, n) for n in range(2)]
    right = RightFactory(right_type="forest", parcels=plots, certificate_number="湘林证2026001")
    households = [kernel.HouseholdFactory(village=village) for _ in range(2)]
    return right, plots, households


def test_a_good_household_list_records_one_policy_per_number(forest):
    right, plots, (a, b) = forest
    data = _xlsx(
        [
            ["BD-1", right.certificate_number, plots[0].code, "20", a.id_number, "1/2", "2026-01-01", "2026-12-31"],
            ["BD-1", right.certificate_number, plots[1].code, "15.5", b.id_number, "1/2", "2026-01-01", "2026-12-31"],
        ]
    )  # fmt: skip
    result = import_policies(data, insurer=kernel.InsurerFactory())
    assert (result.errors, result.imported) == ([], 1)
    policy = InsurancePolicy.objects.get(number="BD-1")
    assert sorted(str(p.insured_mu) for p in policy.parcels.all()) == ["15.5000", "20.0000"]
    assert sorted(h.share for h in policy.holders.all()) == ["1/2", "1/2"]
    # R-INS-1: 35.5 mu x 400 yuan x 4 ‰ = 56.80 yuan
    assert policy.premium_fen == 5_680


def test_a_bad_row_imports_nothing_and_every_bad_row_is_reported(forest):
    right, plots, (a, _b) = forest
    data = _xlsx(
        [
            ["BD-2", right.certificate_number, plots[0].code, "20", a.id_number, "", "2026-01-01", "2026-12-31"],
            ["BD-2", right.certificate_number, plots[1].code, "25", a.id_number, "", "2026-01-01", "2026-12-31"],
            ["BD-3", "无此证", "4331260000000000000", "5", "110101199001011234", "", "2026-01-01", "2025-01-01"],
        ]
    )  # fmt: skip
    with translation.override("zh-hans"):  # the reasons name the columns as the insurer reads them
        result = import_policies(data, insurer=kernel.InsurerFactory())
        reasons = " ".join(str(e.reason) for e in result.errors)
    lines = sorted({e.line for e in result.errors})
    assert lines == [3, 4]
    assert "投保面积" in reasons and "林权" in reasons and "保险期间" in reasons
    assert not InsurancePolicy.objects.exists()


def test_a_missing_value_or_column_is_named_by_its_heading_in_the_list(forest):
    """The insurer reads 投保面积 in its list, so the report says 投保面积, not insured_mu."""
    right, plots, (a, _b) = forest
    data = _xlsx([["BD-6", right.certificate_number, plots[0].code, "", "", "", "2026-01-01", "2026-12-31"]])  # fmt: skip
    with translation.override("zh-hans"):
        result = import_policies(data, insurer=kernel.InsurerFactory())
        assert [(e.line, str(e.reason)) for e in result.errors] == [
            (2, "缺少必填值：投保面积、身份证号。")
        ]
        wb = Workbook()
        wb.active.append([h for h in HEADER if h != "身份证号"])
        out = BytesIO()
        wb.save(out)
        with pytest.raises(ImportFormatError, match="表头缺少列 身份证号"):
            import_policies(out.getvalue(), insurer=kernel.InsurerFactory())


def test_the_job_reports_progress_and_the_insurer_sees_it(forest, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    right, plots, (a, _b) = forest
    user = kernel.InsurerUserFactory()
    data = _xlsx([["BD-4", right.certificate_number, plots[0].code, "20", a.id_number, "", "2026-01-01", "2026-12-31"]])  # fmt: skip
    upload = SimpleUploadedFile("分户清单.xlsx", data)
    job = policy_import_start(upload=upload, insurer=user.insurer, actor=user)
    job = policy_import_run(job_id=job.pk)
    assert (job.state, job.processed, job.total, job.imported) == ("done", 1, 1, 1)
    client.force_login(user)
    status = client.get(reverse("insurance:import_status", args=[job.pk])).json()
    assert (status["percent"], status["finished"]) == (100, True)
    assert PolicyImport.objects.count() == 1


def test_an_import_job_is_read_by_its_insurer_and_the_prefecture_only(forest, client):
    """The access policy (`insurance.view_policy_import`): another insurer and county staff are
    refused (403, as for a claim out of scope); the prefecture's staff and auditors read it; a
    job that does not exist is 404; only an insurer uploads, and lists only its own jobs."""
    user = kernel.InsurerUserFactory()
    job = PolicyImport.objects.create(
        file="policy-imports/a.xlsx", original_name="本公司.xlsx", insurer=user.insurer,
        created_by=user,
    )  # fmt: skip
    other = kernel.InsurerUserFactory(insurer=kernel.InsurerFactory(name="另一家"))
    PolicyImport.objects.create(
        file="policy-imports/b.xlsx", original_name="另一家.xlsx", insurer=other.insurer,
        created_by=other,
    )  # fmt: skip
    county = kernel.CountyFactory()
    answers = {
        "insurer": user,
        "other insurer": other,
        "prefecture staff": kernel.UserFactory(role="exchange_staff"),
        "prefecture auditor": kernel.UserFactory(role="auditor"),
        "county staff": kernel.UserFactory(role="exchange_staff", county=county),
        "county auditor": kernel.UserFactory(role="auditor", county=county),
    }
    want = {
        "insurer": 200,
        "other insurer": 403,
        "prefecture staff": 200,
        "prefecture auditor": 200,
        "county staff": 403,
        "county auditor": 403,
    }
    for who, login in answers.items():
        client.force_login(login)
        for route in ("insurance:import_detail", "insurance:import_status"):
            code = client.get(reverse(route, args=[job.pk])).status_code
            assert code == want[who], (who, route, code)
    client.force_login(user)
    assert client.get(reverse("insurance:import_detail", args=[job.pk + 99])).status_code == 404
    home = client.get(reverse("insurance:import_home")).content.decode()
    assert "本公司.xlsx" in home and "另一家.xlsx" not in home
    client.force_login(answers["prefecture staff"])
    assert client.get(reverse("insurance:import_home")).status_code == 403
    detail = client.get(reverse("insurance:import_detail", args=[job.pk])).content.decode()
    assert f'href="{reverse("insurance:import_home")}"' not in detail  # staff do not upload


def _moves(job):
    from marketplace.audit import events_for

    return [
        (e.action, e.payload.get("from"), e.payload.get("to"))
        for e in events_for(job).order_by("pk")
    ]


def test_the_job_moves_through_its_states_and_each_move_is_audited(forest):
    """Issue 15 §4: the job's state is an FSM field moved by `marketplace.fsm.transition`."""
    right, plots, (a, _b) = forest
    user = kernel.InsurerUserFactory()
    good = _xlsx([["BD-5", right.certificate_number, plots[0].code, "20", a.id_number, "", "2026-01-01", "2026-12-31"]])  # fmt: skip
    job = policy_import_start(
        upload=SimpleUploadedFile("a.xlsx", good), insurer=user.insurer, actor=user
    )
    job = policy_import_run(job_id=job.pk)
    assert _moves(job) == [
        ("insurance.policy_import_started", None, None),
        ("insurance.policy_import_running", "pending", "running"),
        ("insurance.policy_import_done", "running", "done"),
    ]
    # a second delivery of the task finds it finished and writes nothing
    policy_import_run(job_id=job.pk)
    assert len(_moves(job)) == 3
    # a file with a bad row fails the job, and nothing is imported
    bad = _xlsx([["BD-6", "无此证", plots[1].code, "5", a.id_number, "", "2026-01-01", "2026-12-31"]])  # fmt: skip
    job = policy_import_start(
        upload=SimpleUploadedFile("b.xlsx", bad), insurer=user.insurer, actor=user
    )
    job = policy_import_run(job_id=job.pk)
    assert (job.state, job.imported, [e["line"] for e in job.errors]) == ("failed", 0, [2])
    assert _moves(job)[-1] == ("insurance.policy_import_failed", "running", "failed")
    assert not InsurancePolicy.objects.filter(number="BD-6").exists()
    with pytest.raises(AttributeError):
        job.state = PolicyImport.State.DONE


def test_the_file_is_never_written_or_read_inside_a_transaction(forest):
    """STYLE.md: no file I/O inside a database transaction (`marketplace.io_guard`)."""
    from django.db import transaction

    from marketplace.io_guard import IOInTransaction

    user = kernel.InsurerUserFactory()
    upload = SimpleUploadedFile("c.xlsx", _xlsx([]))
    with pytest.raises(IOInTransaction), transaction.atomic():
        policy_import_start(upload=upload, insurer=user.insurer, actor=user)
    job = policy_import_start(upload=upload, insurer=user.insurer, actor=user)
    with pytest.raises(IOInTransaction), transaction.atomic():
        policy_import_run(job_id=job.pk)


def test_a_job_whose_stored_file_is_gone_fails_saying_so(forest):
    # given a queued job whose file was lost from the storage before the worker ran
    user = kernel.InsurerUserFactory()
    job = policy_import_start(
        upload=SimpleUploadedFile("d.xlsx", _xlsx([])), insurer=user.insurer, actor=user
    )
    job.file.storage.delete(job.file.name)
    # when the worker runs it: failed with the reason, not "running" for ever
    job = policy_import_run(job_id=job.pk)
    assert job.state == "failed" and [e["line"] for e in job.errors] == [0]
    assert _moves(job)[-1] == ("insurance.policy_import_failed", "running", "failed")
