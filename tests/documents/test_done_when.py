"""Issue 7's done-when, through the real services: award → both sign → pay → payout →
certificate → the QR's URL confirms it; the PDFs are Chinese with embedded fonts."""

import hashlib
import re
import subprocess

from django.urls import reverse

from contracts.documents import services
from contracts.documents.models import Certificate, DealDocument, Signature
from contracts.models import Deal
from marketplace.payments import ledger
from marketplace.payments.models import Payout
from tests.documents.factories import (
    awarded_deal,
    end_result_announcement,
    pay,
    pdf_bytes,
    sign_both,
)


def pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_award_sign_pay_payout_certificate_and_verify(
    db, client, django_capture_on_commit_callbacks, tmp_path
):
    # given an awarded deal (R-DEAL-2: the contract is generated at award)
    a = awarded_deal(django_capture_on_commit_callbacks)
    contract = a.contract
    assert contract.state == "ready" and a.deal.state == "signing"
    # when the household signs witnessed at the station and the transferee online
    contract = sign_both(a, django_capture_on_commit_callbacks)
    # then both signatures bind the same PDF hash and a final PDF with a signature page exists
    assert contract.state == "signed" and a.deal.state == "payment"
    hashes = set(Signature.objects.filter(contract=contract).values_list("pdf_sha256", flat=True))
    assert hashes == {contract.current.sha256}
    final_text = pdftotext(pdf_bytes(contract.final), tmp_path)
    assert "签署页" in final_text
    assert "共 10 年" in final_text
    # when the transferee pays through the checkout
    settlement = pay(a, django_capture_on_commit_callbacks)
    # then the deal is settled and the household's payout appears
    assert a.deal.state == "settled" and settlement.state == "settled"
    household = a.deal.listing.transferor_household
    payout = Payout.objects.get(payee_object_id=str(household.pk))
    assert payout.amount_fen == settlement.due_now_fen == a.deal.annual_rent_fen
    assert (
        ledger.balance(ledger.account_key_for("transferor_payable", household)) == payout.amount_fen
    )
    # when staff issue the certificate after the result announcement
    a.deal = end_result_announcement(a.deal)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(deal=a.deal, actor=a.staff)
    certificate.refresh_from_db()
    a.deal = Deal.objects.get(pk=a.deal.pk)
    assert a.deal.state == "complete"
    assert re.fullmatch(r"JZ-433126-\d{4}-\d{6}", certificate.number)
    # then the QR's URL opens a page that confirms it, and the genuine PDF verifies
    url = reverse("verify", args=[certificate.number])
    page = client.get(url)
    assert page.status_code == 200
    assert certificate.document.sha256 in page.content.decode()
    genuine = client.post(url, {"file": _file(pdf_bytes(certificate.document))})
    assert genuine.context["result"]["genuine"] is True
    tampered = client.post(url, {"file": _file(pdf_bytes(certificate.document) + b"\n%tamper")})
    assert tampered.context["result"]["genuine"] is False
    # and the filing notice and (10-year term) registration notice are offered to staff; each
    # is rendered on its first download from the facts fixed at issue (R-DEAL-8)
    assert certificate.notice_facts["kinds"] == ["filing_notice", "registration_notice"]
    client.force_login(a.staff)
    staff_page = client.get(reverse("contract_documents:staff_deal", args=[a.deal.number]))
    assert staff_page.content.decode().count('data-testid="notice-pending"') == 2
    filing_url = reverse(
        "contract_documents:notice_download", args=[certificate.number, "filing_notice"]
    )
    first = b"".join(client.get(filing_url).streaming_content)
    again = b"".join(client.get(filing_url).streaming_content)
    filing = DealDocument.objects.get(deal=a.deal, kind="filing_notice")
    assert first == again and filing.sha256 == hashlib.sha256(first).hexdigest()
    text = pdftotext(first, tmp_path)
    assert "备案告知书" in text and a.deal.listing.transferor_household.name in text
    registration_url = reverse(
        "contract_documents:notice_download", args=[certificate.number, "registration_notice"]
    )
    registration = pdftotext(b"".join(client.get(registration_url).streaming_content), tmp_path)
    assert "登记告知书" in registration and "期限为 10 年" in registration
    kinds = set(DealDocument.objects.filter(deal=a.deal).values_list("kind", flat=True))
    assert {"filing_notice", "registration_notice", "certificate", "contract_final"} <= kinds
    # and the verification page recognises the notice as genuine
    client.logout()
    assert client.post(url, {"file": _file(first)}).context["result"]["genuine"] is True
    assert Certificate.objects.count() == 1


def _file(data, name="c.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")
