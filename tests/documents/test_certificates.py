"""Transaction certificates (R-DEAL-8): only once signed + settled + R-DEAL-1 passed; numbered
JZ-<county>-<year>-<6 digits>; batches with progress; render_document output in Chinese."""

import re
import subprocess

import pytest
from django.core.management import call_command

from contracts import services as deal_services
from contracts.documents import services
from contracts.documents.errors import CertificateRefused
from contracts.documents.models import Certificate, CertificateBatch
from contracts.models import Deal
from tests.documents.factories import (
    awarded_deal,
    end_result_announcement,
    pay,
    pdf_bytes,
    sign_both,
)


@pytest.fixture
def settled(db, django_capture_on_commit_callbacks):
    a = awarded_deal(django_capture_on_commit_callbacks)
    sign_both(a, django_capture_on_commit_callbacks)
    pay(a, django_capture_on_commit_callbacks)
    return a


def test_r_deal_1_no_certificate_during_the_result_announcement(settled):
    # given a settled deal whose result announcement is still running
    assert settled.deal.state == "settled"
    # then staff are told why and nothing is issued
    with pytest.raises(CertificateRefused) as exc:
        services.certificate_issue(deal=settled.deal, actor=settled.staff)
    assert "R-DEAL-1" in str(exc.value.message)
    assert not Certificate.objects.exists()


def test_r_deal_1_an_open_objection_blocks_the_certificate(settled):
    # given an objection filed during the announcement, then the announcement ends
    deal_services.objection_file(deal=settled.deal, name="李四", contact="139", text="价格有误")
    deal = end_result_announcement(settled.deal)
    # then the certificate waits for staff to resolve it
    assert "R-DEAL-1" in services.certificate_refusal(deal)
    objection = deal.objections.get()
    deal_services.objection_resolve(
        objection=objection, actor=settled.staff, uphold=False, resolution="经核实无误"
    )
    assert services.certificate_refusal(Deal.objects.get(pk=deal.pk)) is None


def test_r_deal_8_render_document_writes_chinese_pdfs_with_embedded_fonts(
    settled, django_capture_on_commit_callbacks, tmp_path
):
    # given the certificate issued
    deal = end_result_announcement(settled.deal)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(deal=deal, actor=settled.staff)
    assert re.fullmatch(r"JZ-433126-\d{4}-\d{6}", certificate.number)
    # when staff render the contract and the certificate from the command line
    for kind in ("contract", "certificate"):
        out = tmp_path / f"{kind}.pdf"
        call_command("render_document", kind, deal.number, "--out", str(out))
        text = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout.replace(" ", "")
        fonts = subprocess.run(
            ["pdffonts", str(out)], capture_output=True, text=True, check=True
        ).stdout
        # then the headings and parties are there, in Chinese, and every font is embedded
        assert settled.registration.enterprise.name in text
        assert deal.listing.transferor_household.name in text
        rows = [line for line in fonts.splitlines()[2:] if line.strip()]
        assert rows and all(" yes " in f" {line} " for line in rows), fonts
        assert "NotoSansCJK" in fonts.replace("-", "")
        if kind == "contract":
            assert "农村土地经营权出租合同" in text and "一、当事人" in text and "签署页" in text
        else:
            assert "农村产权交易鉴证书" in text and certificate.number in text
            assert f"/verify/{certificate.number}/" in text  # the QR's URL, printed under it


def test_staff_issue_many_certificates_in_a_batch_with_progress(
    db, django_capture_on_commit_callbacks, settled
):
    # given one deal ready and one still in its announcement
    ready = end_result_announcement(settled.deal)
    b = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    # when staff issue both in one batch
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.certificate_batch_start(
            deal_ids=[ready.pk, b.deal.pk], actor=settled.staff
        )
    batch = CertificateBatch.objects.get(pk=batch.pk)
    # then the ready one is issued and rendered, the other is listed with its reason
    assert (batch.total, batch.done, batch.failed, batch.percent) == (2, 1, 1, 100)
    assert batch.finished_at is not None
    assert batch.errors[0]["deal"] == b.deal.number
    assert Certificate.objects.get(deal=ready).document is not None


def test_the_verification_page_masks_the_household_and_shows_no_id_numbers(
    settled, django_capture_on_commit_callbacks, client
):
    deal = end_result_announcement(settled.deal)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(deal=deal, actor=settled.staff)
    page = client.get(f"/verify/{certificate.number}/").content.decode()
    household = deal.listing.transferor_household
    assert household.name not in page and household.name[0] + "*" in page
    assert household.id_number not in page
    assert Certificate.objects.get(pk=certificate.pk).document.sha256 in page


def test_the_signed_contract_also_verifies_and_a_foreign_pdf_does_not(
    settled, django_capture_on_commit_callbacks
):
    deal = end_result_announcement(settled.deal)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(deal=deal, actor=settled.staff)
    final = settled.contract.final
    assert services.document_verify(certificate=certificate, data=pdf_bytes(final)) == final
    assert services.document_verify(certificate=certificate, data=b"%PDF-1.4 other") is None


def test_render_document_says_when_there_is_nothing_to_render(settled):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="valuation report"):
        call_command("render_document", "valuation", settled.deal.number, "--out", "/dev/null")
    with pytest.raises(CommandError, match="No certificate"):
        call_command("render_document", "certificate", settled.deal.number, "--out", "/dev/null")
