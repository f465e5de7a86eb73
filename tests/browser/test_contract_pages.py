"""Browser tests of issue 7's screens: the agribusiness signs online and pays through the
checkout; the station records the household's witnessed signature on a tablet; staff issue
certificates in a batch with progress; the public verification page checks a PDF."""

import pytest

from contracts.documents import services
from contracts.documents.models import Certificate, Signature
from contracts.models import Deal
from tests.browser.conftest import login
from tests.documents.factories import (
    SCAN_PDF,
    Upload,
    awarded_deal,
    end_result_announcement,
    pay,
    pdf_bytes,
    sign_both,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _demo_codes(settings):
    settings.CONTRACT_DOCUMENTS = {"SHOW_SIGNING_CODE": True}


def test_the_agribusiness_signs_online_then_pays_through_the_checkout(
    page, django_capture_on_commit_callbacks
):
    # given an awarded deal the household has already signed at its station
    a = awarded_deal(django_capture_on_commit_callbacks)
    contract = a.contract
    services.contract_sign_witnessed(
        contract=contract,
        operator=a.operator,
        scan=Upload(SCAN_PDF),
        mark="signature",
        pdf_sha256=contract.current.sha256,
        confirmed=True,
    )
    # when the agribusiness opens its contract, asks for a code and signs with its password
    login(page, a.buyer.username)
    page.goto(page.base_url + f"/documents/contract/{contract.number}/")
    assert page.get_by_test_id("download").get_attribute("href").startswith("/documents/file/")
    page.get_by_test_id("send-code").click()
    code = page.get_by_test_id("demo-code").locator("strong").inner_text()
    page.fill("#id_password", "pw-12345678")
    page.fill("#id_code", code)
    page.get_by_test_id("sign").click(timeout=120_000)  # eager Celery renders the final PDF
    # then both signatures are shown and the payment is due
    assert page.get_by_test_id("sig-transferee").locator(".badge.ok").is_visible()
    assert Signature.objects.filter(contract=contract).count() == 2
    page.get_by_test_id("to-payment").click()
    settlement = Deal.objects.get(pk=a.deal.pk).settlements.get()
    amount = page.get_by_test_id("amount").inner_text()
    assert f"{settlement.amount_fen // 100:,}" in amount
    # when it pays in the (offline demo) checkout
    page.get_by_test_id("checkout").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("pay-now").click(timeout=60_000)
    page.wait_for_load_state()
    page.goto(page.base_url + f"/documents/payment/{a.deal.number}/")
    # then the receipt shows and the deal is settled
    assert page.get_by_test_id("receipt").is_visible()
    assert Deal.objects.get(pk=a.deal.pk).state == "settled"


def test_the_station_records_the_households_witnessed_signature_on_a_tablet(
    tablet_page, django_capture_on_commit_callbacks, tmp_path
):
    page = tablet_page
    # given an awarded deal in the operator's township
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    login(page, a.operator.username)
    page.goto(page.base_url + "/documents/station/")
    page.get_by_test_id("station-contract").first.click()
    # the print link opens the current PDF
    assert "inline=1" in page.get_by_test_id("print").get_attribute("href")
    # when a file that is not a scan is uploaded, it is refused next to the field
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"just some text")
    page.set_input_files("#id_scan", str(bad))
    page.check("#id_confirm")
    page.get_by_test_id("confirm-signature").click()
    assert page.get_by_test_id("scan-error").is_visible()
    # when the real scan is uploaded with a fingerprint and confirmed
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(SCAN_PDF)
    page.set_input_files("#id_scan", str(scan))
    page.check("input[value=fingerprint]")
    page.check("#id_confirm")
    page.get_by_test_id("confirm-signature").click()
    # then it is recorded as witnessed by the operator
    assert page.get_by_test_id("done").is_visible()
    signature = Signature.objects.get(contract=a.contract)
    assert signature.witnessed_by == a.operator and signature.mark == "fingerprint"
    # and the buttons are big enough to tap
    assert page.get_by_role("link").first.bounding_box() is not None


def test_staff_issue_certificates_in_a_batch_and_the_qr_page_verifies_them(
    page, django_capture_on_commit_callbacks, tmp_path
):
    # given a settled deal whose result announcement is over
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    sign_both(a, django_capture_on_commit_callbacks)
    pay(a, django_capture_on_commit_callbacks)
    end_result_announcement(a.deal)
    # when staff select it and issue certificates in a batch
    login(page, a.staff.username)
    page.goto(page.base_url + "/documents/staff/")
    page.check("#select-all")
    # (Celery runs eagerly in tests, so the request itself renders the PDFs: allow time)
    page.get_by_test_id("issue-selected").click(timeout=120_000)
    # then the progress bar reaches 100 % and says it is finished
    page.get_by_test_id("batch-done").wait_for(state="visible", timeout=120_000)
    assert page.get_by_test_id("batch-bar").get_attribute("value") == "100"
    certificate = Certificate.objects.get(deal=a.deal)
    # when anyone opens the QR code's URL
    page.context.clear_cookies()
    page.goto(page.base_url + f"/verify/{certificate.number}/")
    # then the page confirms it and shows its SHA-256
    assert page.get_by_test_id("verified").is_visible()
    sha = Certificate.objects.get(pk=certificate.pk).document.sha256
    assert page.get_by_test_id("sha256").inner_text() == sha
    # and the genuine PDF verifies while a tampered one does not
    genuine = tmp_path / "certificate.pdf"
    genuine.write_bytes(pdf_bytes(certificate.document))
    page.set_input_files("#id_file", str(genuine))
    page.get_by_test_id("check").click()
    assert page.get_by_test_id("result").get_attribute("class") == "ok-box"
    tampered = tmp_path / "tampered.pdf"
    data = bytearray(genuine.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit changed
    tampered.write_bytes(bytes(data))
    page.set_input_files("#id_file", str(tampered))
    page.get_by_test_id("check").click()
    assert page.get_by_test_id("result").get_attribute("class") == "error-box"
    # and the page names a household transferor only as 村民 张** (R-LIST-7)
    assert page.get_by_test_id("transferor").inner_text().startswith("村民 ")
    assert a.deal.listing.transferor_household.name not in page.content()
    # and a picture is refused, naming the file, instead of being called "not genuine"
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    page.set_input_files("#id_file", str(picture))
    page.get_by_test_id("check").click()
    assert page.get_by_text("请选择要核验的 PDF 文件").first.is_visible()
