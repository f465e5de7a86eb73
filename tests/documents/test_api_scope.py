"""The documents API after a runner-up award (R-DEAL-5): an agribusiness reads its own deal's
documents only. The defaulted winner keeps a (void) contract on the deal, but the runner-up's
contract PDFs and the certificate issued to the runner-up are not its own: they carry the
runner-up's identity (R-LIST-7 spirit: personal data only to whom it concerns)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from contracts.documents import services
from contracts.documents.models import Contract, DealDocument
from contracts.models import Deal
from tests.documents.factories import Awarded, end_result_announcement, pay, sign_both
from tests.documents.test_defaults import auction_deal


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def runner_up_issued(db, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    deal, winner, runner = auction_deal(capture)
    first = Contract.objects.get(deal=deal)
    services.deadlines_sweep(now=first.sign_by + dt.timedelta(minutes=1))
    from tests import factories as kernel

    staff = kernel.UserFactory(role="exchange_staff", is_staff=True)
    with capture(execute=True):
        services.deal_award_runner_up(deal=Deal.objects.get(pk=deal.pk), actor=staff)
    from marketplace.models import User

    operator = User.objects.filter(
        role="station_operator", station__township=deal.listing.township
    ).first()
    a = Awarded(Deal.objects.get(pk=deal.pk), runner, runner.user, operator, staff)
    sign_both(a, capture)
    pay(a, capture)
    a.deal = end_result_announcement(a.deal)
    with capture(execute=True):
        a.certificate = services.certificate_issue(deal=a.deal, actor=staff)
    a.certificate.refresh_from_db()
    a.defaulted_winner = winner.user
    return a


def test_r_deal_5_the_defaulted_winner_cannot_download_the_runner_ups_documents(
    runner_up_issued,
):
    a = runner_up_issued
    theirs = a.contract
    client = api_for(a.defaulted_winner)
    # the contract list shows the defaulted winner its own (void) contract only
    listed = client.get(f"/api/v1/deals/{a.deal.number}/contracts/").json()["contracts"]
    assert [c["number"] for c in listed] != [] and theirs.number not in {
        c["number"] for c in listed
    }
    # and changing the id in a download URL does not reach the runner-up's PDFs
    for doc in DealDocument.objects.filter(deal=a.deal).exclude(
        pk__in=[v["id"] for c in listed for v in c["versions"]]
    ):
        response = client.get(f"/api/v1/deal-documents/{doc.pk}/pdf/")
        assert response.status_code in (403, 404), doc.kind
        assert response.json()["code"] in ("permission_denied", "not_found")
    # nor the certificate issued to the runner-up, nor its notices
    number = a.certificate.number
    assert client.get(f"/api/v1/certificates/{number}/").status_code == 403
    notice = client.get(f"/api/v1/certificates/{number}/notices/filing_notice/pdf/")
    assert notice.status_code == 403
    # while the runner-up reads all of them
    runner = api_for(a.buyer)
    assert runner.get(f"/api/v1/certificates/{number}/").status_code == 200
    for doc in DealDocument.objects.filter(deal=a.deal, pk=a.certificate.document_id):
        assert runner.get(f"/api/v1/deal-documents/{doc.pk}/pdf/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_r_deal_8_two_first_downloads_at_once_store_one_notice(django_capture_on_commit_callbacks):
    """Two first downloads of a notice at the same time (PostgreSQL: the certificate row lock)
    render and store it once: one document, one SHA-256 for both."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    from tests.documents.test_api import issued as build

    a = build.__wrapped__(None, django_capture_on_commit_callbacks)
    barrier, results = threading.Barrier(2), []

    def download():
        try:
            barrier.wait()
            doc = services.certificate_notice(certificate=a.certificate.pk, kind="filing_notice")
            results.append(doc.sha256)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=download) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and len(set(results)) == 1
    assert DealDocument.objects.filter(deal=a.deal, kind="filing_notice").count() == 1
