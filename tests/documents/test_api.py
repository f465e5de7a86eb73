"""The documents API (read-only): contract versions with SHA-256 and signatures (R-DEAL-2), the
certificate's facts and PDFs (R-DEAL-8), and the public verification — scoped like the screens."""

import hashlib

import pytest
from rest_framework.test import APIClient

from contracts.documents import services
from contracts.documents.models import DealDocument
from marketplace.models import Enterprise, Household
from tests import factories as kernel
from tests.documents.factories import (
    awarded_deal,
    bidder_user,
    end_result_announcement,
    pay,
    sign_both,
)


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def issued(db, django_capture_on_commit_callbacks):
    a = awarded_deal(django_capture_on_commit_callbacks)
    sign_both(a, django_capture_on_commit_callbacks)
    pay(a, django_capture_on_commit_callbacks)
    a.deal = end_result_announcement(a.deal)
    with django_capture_on_commit_callbacks(execute=True):
        a.certificate = services.certificate_issue(deal=a.deal, actor=a.staff)
    a.certificate.refresh_from_db()
    return a


def test_r_deal_2_the_transferee_reads_its_contract_versions_hashes_and_signatures(issued):
    contract = issued.contract
    response = api_for(issued.buyer).get(f"/api/v1/deals/{issued.deal.number}/contracts/")
    assert response.status_code == 200
    body = response.json()
    assert body["deal"] == issued.deal.number
    [row] = body["contracts"]
    assert row["number"] == contract.number and row["state"] == "signed"
    assert row["current_sha256"] == contract.current.sha256
    assert row["signed_by"] == ["transferee", "transferor"]
    [version] = row["versions"]
    assert version["sha256"] == contract.current.sha256
    methods = {s["party"]: (s["method"], s["witnessed"]) for s in version["signatures"]}
    assert methods == {"transferor": ("witnessed", True), "transferee": ("online", False)}
    assert {s["pdf_sha256"] for s in version["signatures"]} == {contract.current.sha256}
    assert row["final"]["kind"] == "contract_final"
    # and the PDF behind download_url is the one whose SHA-256 is listed
    pdf = api_for(issued.buyer).get(version["download_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body_of(pdf)).hexdigest() == version["sha256"]


def test_contracts_and_documents_are_refused_to_who_is_not_a_party_or_in_scope(issued):
    deal = issued.deal
    stranger = bidder_user()
    other_county_staff = kernel.UserFactory(
        role="exchange_staff", county=kernel.CountyFactory(code="433127")
    )
    for user in (stranger, other_county_staff, kernel.UserFactory(role="household")):
        client = api_for(user)
        assert client.get(f"/api/v1/deals/{deal.number}/contracts/").status_code == 403
        assert client.get(f"/api/v1/certificates/{issued.certificate.number}/").status_code == 403
        doc = issued.certificate.document_id
        assert client.get(f"/api/v1/deal-documents/{doc}/pdf/").json()["code"] in (
            "permission_denied",
            "not_found",
        )
    # anonymous: 401/403 with a code, never the data
    anonymous = APIClient().get(f"/api/v1/deals/{deal.number}/contracts/")
    assert anonymous.status_code in (401, 403) and "contracts" not in anonymous.json()
    # unknown numbers and ids are 404, not 500
    staff = api_for(issued.staff)
    assert staff.get("/api/v1/deals/JY-000000-2026-999999/contracts/").status_code == 404
    assert staff.get("/api/v1/certificates/JZ-000000-2026-999999/").status_code == 404
    assert staff.get(f"/api/v1/deal-documents/{2**63}/pdf/").status_code == 404


def test_the_station_operator_and_staff_read_the_deal_like_on_the_screens(issued):
    for user in (issued.operator, issued.staff, kernel.UserFactory(role="auditor")):
        response = api_for(user).get(f"/api/v1/deals/{issued.deal.number}/contracts/")
        assert response.status_code == 200
        assert [c["number"] for c in response.json()["contracts"]] == [issued.contract.number]


def test_r_deal_8_certificate_facts_pdf_and_notices_rendered_on_first_download(issued):
    cert = issued.certificate
    client = api_for(issued.buyer)
    body = client.get(f"/api/v1/certificates/{cert.number}/").json()
    assert body["number"] == cert.number and body["deal"] == issued.deal.number
    assert body["transferee"] == issued.deal.transferee.name
    assert body["document"]["sha256"] == cert.document.sha256
    assert body["total_value_yuan"] == "100000.00" and body["term_years"] == "10"
    assert body["verify_url"].endswith(f"/verify/{cert.number}/")
    notices = {n["kind"]: n for n in body["notices"]}
    assert set(notices) == {"filing_notice", "registration_notice"}
    assert not notices["filing_notice"]["rendered"] and notices["filing_notice"]["sha256"] is None
    # when the filing notice is downloaded, it is rendered once and its SHA-256 is listed
    pdf = body_of(client.get(notices["filing_notice"]["download_url"]))
    again = client.get(f"/api/v1/certificates/{cert.number}/").json()
    filing = {n["kind"]: n for n in again["notices"]}["filing_notice"]
    assert filing["rendered"] and filing["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert body_of(client.get(notices["filing_notice"]["download_url"])) == pdf
    assert DealDocument.objects.filter(deal=issued.deal, kind="filing_notice").count() == 1
    # an unknown notice kind is a 404 with a code
    missing = client.get(f"/api/v1/certificates/{cert.number}/notices/contract/pdf/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_r_deal_8_notices_say_what_was_true_at_issue(issued):
    # given the parties' names change after the certificate was issued
    household = issued.deal.listing.transferor_household
    old_household, old_enterprise = household.name, issued.deal.transferee.name
    Household.objects.filter(pk=household.pk).update(name="改名户")
    Enterprise.objects.filter(pk=issued.deal.transferee_id).update(name="改名公司")
    # when the notice is rendered for the first time
    doc = services.certificate_notice(certificate=issued.certificate, kind="registration_notice")
    # then it names the parties as they were at issue (the snapshot), as does the API
    text = _pdftotext(doc.file.open("rb").read())
    assert old_household in text and old_enterprise in text and "改名" not in text
    body = api_for(issued.staff).get(f"/api/v1/certificates/{issued.certificate.number}/").json()
    assert body["transferee"] == old_enterprise


def test_public_verification_masks_names_and_checks_an_uploaded_pdf(issued):
    cert = issued.certificate
    client = APIClient()
    response = client.get(f"/api/v1/verify/{cert.number}/")
    assert response.status_code == 200
    body = response.json()
    household = issued.deal.listing.transferor_household
    assert body["sha256"] == cert.document.sha256
    assert body["transferor"].startswith(f"村民 {household.name[0]}") and "*" in body["transferor"]
    assert household.name not in str(body) and household.id_number not in str(body)
    assert issued.deal.transferee.uscc not in str(body)
    genuine_pdf = cert.document.file.open("rb").read()
    ok = client.post(f"/api/v1/verify/{cert.number}/", {"file": _upload(genuine_pdf)})
    assert ok.json() == {
        "genuine": True,
        "kind": "certificate",
        "version": 1,
        "sha256": cert.document.sha256,
    }
    tampered = client.post(f"/api/v1/verify/{cert.number}/", {"file": _upload(genuine_pdf + b"%")})
    assert tampered.status_code == 200 and tampered.json()["genuine"] is False
    no_file = client.post(f"/api/v1/verify/{cert.number}/", {})
    assert no_file.status_code == 422 and no_file.json()["code"] == "invalid"
    assert client.get("/api/v1/verify/JZ-000000-2026-999999/").status_code == 404


def test_the_public_check_refuses_a_file_that_is_not_a_pdf_or_too_large(issued, settings):
    """The verification upload takes a PDF of at most 20 MB only; anything else is a 422 naming
    the file, in the API's error shape (a form error on the page), never a verdict."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    number = issued.certificate.number
    client = APIClient()
    for data, name in [(b"\x89PNG\r\n\x1a\n" + b"0" * 64, "scan.png"), (b"", "empty.pdf")]:
        response = client.post(
            f"/api/v1/verify/{number}/", {"file": SimpleUploadedFile(name, data)}
        )
        assert response.status_code == 422, name
        assert response.json()["code"] == "invalid", name
    settings.CONTRACT_DOCUMENTS = {"SCAN_MAX_BYTES": 100}  # the 20 MB limit, made small
    large = client.post(
        f"/api/v1/verify/{number}/", {"file": SimpleUploadedFile("c.pdf", b"%PDF-1.4" + b"0" * 100)}
    )
    assert large.status_code == 422 and large.json()["code"] == "invalid"
    page = client.post(
        f"/verify/{number}/", {"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n")}
    )
    html = page.content.decode()
    assert page.status_code == 422 and 'data-testid="result"' not in html
    assert 'role="alert"' in html


def test_the_openapi_schema_documents_the_documents_api(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in [
        "/api/v1/deals/{number}/contracts/",
        "/api/v1/certificates/{number}/",
        "/api/v1/certificates/{number}/notices/{kind}/pdf/",
        "/api/v1/deal-documents/{id}/pdf/",
        "/api/v1/verify/{number}/",
    ]:
        assert path in paths, path
    assert "post" in paths["/api/v1/verify/{number}/"]
    contract = schema["components"]["schemas"]["Contract"]["properties"]
    assert {"current_sha256", "signed_by", "versions", "final"} <= set(contract)


def _upload(data, name="c.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _pdftotext(data: bytes) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_r_list_7_the_public_check_names_the_household_as_villager_with_a_masked_name(issued):
    """R-LIST-7: a household transferor appears publicly as "村民 张**", as on the listing pages."""
    from marketplace.models import mask_name

    household = issued.deal.listing.transferor_household
    expected = f"村民 {mask_name(household.name)}"
    body = APIClient().get(f"/api/v1/verify/{issued.certificate.number}/").json()
    assert body["transferor"] == expected
    page = APIClient().get(f"/verify/{issued.certificate.number}/").content.decode()
    assert f'data-testid="transferor">{expected}<' in page
