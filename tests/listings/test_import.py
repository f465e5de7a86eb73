"""Parcel import (issue 3 §6): CSV/XLSX/GeoJSON, every bad row reported, all or nothing."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from listings.importer import ImportFormatError, import_parcels
from listings.models import Parcel
from tests import factories as kernel
from tests.listings.factories import square

HEADER = ["地块代码", "地块名称", "面积", "地类", "东至", "南至", "西至", "北至", "geometry"]


@pytest.fixture
def village(db):
    township = kernel.TownshipFactory(code="003")
    return kernel.VillageFactory(township=township, code="001")


def rows_for(village, n):
    rows = []
    for i in range(n):
        lon = 109.9 + (i % 100) * 0.0006
        lat = 28.5 + (i // 100) * 0.0006
        rows.append(
            [
                f"{village.full_code}01{i + 1:05d}",
                f"地块{i + 1}",
                "0.6",
                "水田",
                "路",
                "沟",
                "田",
                "山",
                json.dumps(square(lon, lat)),
            ]
        )
    return rows


def as_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_5000_row_file_with_3_bad_rows_reports_exactly_those_rows(village):
    # given 5,000 rows of which three are bad: a short code, area 0 and a bow-tie polygon
    rows = rows_for(village, 5000)
    rows[99][0] = "12345"  # line 101
    rows[2499][2] = "0"  # line 2501
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[109.9, 28.5], [109.91, 28.51], [109.91, 28.5], [109.9, 28.51], [109.9, 28.5]]
        ],
    }
    rows[4999][8] = json.dumps(bow_tie)  # line 5001
    # when it is imported
    result = import_parcels("parcels.csv", as_csv(rows))
    # then exactly those three lines are reported, and nothing is written
    assert sorted({e.line for e in result.errors}) == [101, 2501, 5001]
    reasons = {e.line: e.reason for e in result.errors}
    assert "19" in reasons[101]
    assert "greater than 0" in reasons[2501] or "大于" in reasons[2501]
    assert "intersects itself" in reasons[5001] or "自相交" in reasons[5001]
    assert Parcel.objects.count() == 0


def test_a_good_file_is_imported_whole(village):
    result = import_parcels("parcels.csv", as_csv(rows_for(village, 30)))
    assert result.ok and result.imported == 30
    parcel = Parcel.objects.get(code=f"{village.full_code}0100001")
    assert parcel.land_class == "paddy" and parcel.group_code == "01"
    assert parcel.geometry["type"] == "Polygon"


def test_dry_run_checks_but_writes_nothing(village):
    result = import_parcels("parcels.csv", as_csv(rows_for(village, 5)), dry_run=True)
    assert result.ok and result.imported == 0
    assert Parcel.objects.count() == 0


def test_unknown_village_and_duplicate_codes_are_reported(village):
    rows = rows_for(village, 3)
    rows[1][0] = rows[0][0]  # duplicate in the file
    rows[2][0] = "433126999999" + "0100001"  # no such village
    result = import_parcels("p.csv", as_csv(rows))
    reasons = {e.line: e.reason for e in result.errors}
    assert set(reasons) == {3, 4}
    assert "line 2" in reasons[3] or "第 2 行" in reasons[3]
    assert "433126999999" in reasons[4]


def test_a_missing_value_or_column_is_named_by_its_heading_in_the_export(village):
    """The report names the column as the file heads it (地块名称), never by the code's name."""
    from django.utils import translation

    rows = rows_for(village, 2)
    rows[1][1] = rows[1][2] = ""  # line 3: no name, no area
    with translation.override("zh-hans"):
        result = import_parcels("p.csv", as_csv(rows))
        assert [(e.line, e.reason) for e in result.errors] == [(3, "缺少必填值：地块名称、面积。")]
        header_only = ",".join(h for h in HEADER if h != "地类").encode()
        with pytest.raises(ImportFormatError, match="表头缺少列 地类"):
            import_parcels("p.csv", header_only + b"\n")


def test_a_code_already_registered_is_a_duplicate(village):
    import_parcels("p.csv", as_csv(rows_for(village, 1)))
    result = import_parcels("p.csv", as_csv(rows_for(village, 1)))
    assert [e.line for e in result.errors] == [2]


def test_a_code_of_another_village_is_refused(village):
    # R-RIGHT-2: the first 12 digits are the village's codes; the village must exist
    other = kernel.VillageFactory(township=village.township, code="002")
    rows = rows_for(village, 1)
    rows[0][0] = f"{other.full_code}00" + "00001"  # group 00
    result = import_parcels("p.csv", as_csv(rows))
    assert result.errors and "00" in result.errors[0].reason


def test_xlsx_and_geojson_are_read(village):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows_for(village, 3):
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    assert import_parcels("p.xlsx", buf.getvalue()).imported == 3
    features = [
        {
            "type": "Feature",
            "geometry": square(110.0, 28.7),
            "properties": {
                "DKBM": f"{village.full_code}0200001",
                "DKMC": "林地一",
                "面积": "0.6",
                "地类": "林地",
                "林种": "商品林",
            },
        }
    ]
    doc = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    assert import_parcels("p.geojson", doc).imported == 1


def test_forest_land_without_forest_class_is_refused(village):
    features = [
        {
            "type": "Feature",
            "geometry": square(110.0, 28.7),
            "properties": {
                "DKBM": f"{village.full_code}0200001",
                "DKMC": "林地一",
                "面积": "0.6",
                "地类": "林地",
            },
        }
    ]
    doc = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    result = import_parcels("p.geojson", doc)
    assert result.errors[0].line == 1
    assert "R-RIGHT-2" in result.errors[0].reason


def test_a_file_that_is_not_the_format_it_claims_is_refused(village):
    with pytest.raises(ImportFormatError, match="xlsx|Excel"):
        import_parcels("p.xlsx", as_csv(rows_for(village, 1)))
    with pytest.raises(ImportFormatError):
        import_parcels("p.csv", b"PK\x03\x04 zipped")
    with pytest.raises(ImportFormatError):
        import_parcels("p.geojson", b"not json at all")


def test_a_polygon_outside_xiangxi_is_refused(village):
    rows = rows_for(village, 1)
    rows[0][8] = json.dumps(square(116.4, 39.9))  # Beijing
    result = import_parcels("p.csv", as_csv(rows))
    assert result.errors and (
        "Xiangxi" in result.errors[0].reason or "湘西" in result.errors[0].reason
    )


def test_the_command_reports_bad_rows_and_fails(village, tmp_path):
    rows = rows_for(village, 4)
    rows[2][2] = "-1"
    path = tmp_path / "p.csv"
    path.write_bytes(as_csv(rows))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 4"):
        call_command("import_parcels", str(path), stdout=out, stderr=io.StringIO())
    assert "line 4" in out.getvalue()
    assert Parcel.objects.count() == 0


def test_the_command_imports_and_shows_progress(village, tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(as_csv(rows_for(village, 300)))
    err = io.StringIO()
    call_command("import_parcels", str(path), stdout=io.StringIO(), stderr=err)
    assert "300/300" in err.getvalue()
    assert Parcel.objects.count() == 300


def _bomb(village, padding_mb=60):
    """A real workbook plus a member of zeros: a few hundred KB that unpack to `padding_mb` MB."""
    import zipfile

    book = Workbook()
    book.active.append(HEADER)
    for row in rows_for(village, 1):
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (padding_mb * 1024 * 1024))
    return buf.getvalue()


def test_an_xlsx_that_unpacks_too_far_is_refused_naming_the_file(village, settings):
    # given a 60 MB member compressed ~1000 times (issue 14: decompression limits)
    data = _bomb(village)
    assert len(data) < 1024 * 1024
    # when it is imported, then it is refused before openpyxl inflates it, naming the file
    with pytest.raises(ImportFormatError, match="bomb.xlsx"):
        import_parcels("bomb.xlsx", data)
    assert not Parcel.objects.exists()
    # and a total size over the limit is refused even at a modest ratio
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_MB = 0
    with pytest.raises(ImportFormatError, match="small.xlsx"):
        import_parcels("small.xlsx", _bomb(village, padding_mb=0))


def test_the_import_form_refuses_an_xlsx_bomb(village, client, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from listings.forms import ImportForm

    upload = SimpleUploadedFile("bomb.xlsx", _bomb(village))
    form = ImportForm(data={}, files={"file": upload})
    assert not form.is_valid()
    assert "bomb.xlsx" in str(form.errors["file"])


# ------------------------------------------------------------- the console's import job (issue 15 §4)


def _job(staff_user, village, rows, *, dry_run=False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from listings.services_import import parcel_import_start

    upload = SimpleUploadedFile("parcels.csv", as_csv(rows))
    return parcel_import_start(upload=upload, dry_run=dry_run, actor=staff_user)


def _moves(job):
    from marketplace.audit import events_for

    return [
        (e.action, e.payload.get("from"), e.payload.get("to"))
        for e in events_for(job).order_by("pk")
    ]


def test_a_job_moves_waiting_running_done_and_each_move_is_audited(village, staff_user):
    from listings.models import ParcelImport
    from listings.services_import import parcel_import_run

    # given a job the console queued
    job = _job(staff_user, village, rows_for(village, 3))
    assert job.state == ParcelImport.State.PENDING
    # when the worker runs it
    job = parcel_import_run(job_id=job.pk)
    # then the parcels are imported and the job is done, each move in the audit log
    assert (job.state, job.total, job.processed, job.imported) == ("done", 3, 3, 3)
    assert job.finished and job.finished_at is not None
    assert _moves(job) == [
        ("parcels.import_started", None, None),
        ("parcels.import_running", "pending", "running"),
        ("parcels.import_done", "running", "done"),
    ]
    assert ParcelImport.objects.get(pk=job.pk).state == "done"
    # and a redelivered task finds it finished: nothing run or written again
    parcel_import_run(job_id=job.pk)
    assert len(_moves(job)) == 3 and Parcel.objects.count() == 3


def test_a_trial_run_job_is_checked_and_a_job_with_a_bad_row_fails(village, staff_user):
    from listings.services_import import parcel_import_run

    trial = parcel_import_run(
        job_id=_job(staff_user, village, rows_for(village, 2), dry_run=True).pk
    )
    assert (trial.state, trial.total, trial.imported) == ("checked", 2, 0)
    assert _moves(trial)[-1] == ("parcels.import_checked", "running", "checked")
    rows = rows_for(village, 2)
    rows[1][2] = "0"  # line 3: area 0
    bad = parcel_import_run(job_id=_job(staff_user, village, rows).pk)
    assert (bad.state, bad.imported, [e["line"] for e in bad.errors]) == ("failed", 0, [3])
    assert _moves(bad)[-1] == ("parcels.import_failed", "running", "failed")
    assert not Parcel.objects.exists()


def test_a_job_can_finish_only_as_its_report_says(village, staff_user):
    """The transitions carry their side conditions: done only with no bad row and not a trial
    run, checked only for a trial run, failed only with bad rows."""
    from django.utils import timezone

    from marketplace.errors import Conflict
    from marketplace.fsm import transition

    job = _job(staff_user, village, rows_for(village, 1), dry_run=True)
    transition(job, "start")
    for method in ("finish", "fail"):
        with pytest.raises(Conflict):
            transition(job, method, at=timezone.now())
    job.errors = [{"line": 2, "code": "", "reason": "bad"}]
    with pytest.raises(Conflict):
        transition(job, "mark_checked", at=timezone.now())
    assert job.state == "running"


def test_a_job_found_running_after_its_worker_was_lost_runs_again(village, staff_user):
    """CELERY_TASK_ACKS_LATE: a task whose worker died is delivered again; the rows are written
    all or nothing, so the lost run wrote none and the job starts again."""
    from django.db import transaction

    from listings.services_import import parcel_import_run
    from marketplace.fsm import transition

    job = _job(staff_user, village, rows_for(village, 2))
    with transaction.atomic():
        transition(job, "start", action="parcels.import_running")
    job = parcel_import_run(job_id=job.pk)
    assert (job.state, job.imported) == ("done", 2)
    assert [m[1:] for m in _moves(job)[1:]] == [
        ("pending", "running"),
        ("running", "running"),
        ("running", "done"),
    ]


def test_a_run_finished_meanwhile_by_a_redelivered_task_keeps_that_report(
    village, staff_user, monkeypatch
):
    # given a second delivery of the task that imports the file while the first one reads it
    from listings import services_import

    real, calls = services_import.import_parcels, []

    def twice(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            services_import.parcel_import_run(job_id=job.pk)
        return real(*args, **kwargs)

    monkeypatch.setattr(services_import, "import_parcels", twice)
    job = _job(staff_user, village, rows_for(village, 2))
    # when the first run ends (its rows now duplicates of the ones just imported)
    job = services_import.parcel_import_run(job_id=job.pk)
    # then the job stays done with the second run's report, not failed on those duplicates
    assert (job.state, job.imported, job.errors) == ("done", 2, [])
    assert [m[0] for m in _moves(job)][-1] == "parcels.import_done"
    assert "parcels.import_failed" not in [m[0] for m in _moves(job)]


def test_the_import_files_are_never_read_or_written_inside_a_transaction(village, staff_user):
    """STYLE.md: no file write inside a database transaction (`marketplace.io_guard`)."""
    from django.db import transaction

    from listings.services_import import parcel_import_run
    from marketplace.io_guard import IOInTransaction

    with pytest.raises(IOInTransaction), transaction.atomic():
        _job(staff_user, village, rows_for(village, 1))
    job = _job(staff_user, village, rows_for(village, 1))
    with pytest.raises(IOInTransaction), transaction.atomic():
        parcel_import_run(job_id=job.pk)


def test_a_job_whose_stored_file_is_gone_fails_saying_so_instead_of_running_for_ever(
    village, staff_user
):
    from listings.services_import import parcel_import_run

    # given a queued job whose file was lost from the storage before the worker ran
    job = _job(staff_user, village, rows_for(village, 2))
    job.file.storage.delete(job.file.name)
    # when the worker runs it
    job = parcel_import_run(job_id=job.pk)
    # then it failed, with a reason the page shows, and nothing was imported
    assert job.state == "failed" and job.finished
    assert [e["line"] for e in job.errors] == [0]
    assert (
        "upload it again" in job.errors[0]["reason"].lower()
        or "重新上传" in job.errors[0]["reason"]
    )
    assert _moves(job)[-1] == ("parcels.import_failed", "running", "failed")
    assert not Parcel.objects.exists()
