"""Issue 15 §1: every gateway call, PDF render and file write of a deal's life happens with no
transaction open (STYLE.md). A spy records, for each call, whether a transaction was open; the
deal goes the real way from registration to the certificate and its notices."""

import pytest
from django.core.files.storage import FileSystemStorage

from contracts.documents import pdf as pdf_module
from contracts.documents import services
from contracts.documents.models import Certificate, DealDocument
from marketplace.io_guard import in_transaction
from marketplace.payments import gateway as gateways
from marketplace.payments.models import Payable
from tests.documents.factories import awarded_deal, end_result_announcement, pay, sign_both

GATEWAY_CALLS = ("create_intent", "retrieve_intent", "cancel_intent", "create_refund")
RENDERERS = (
    "render_contract_pdf",
    "render_signed_contract_pdf",
    "render_certificate_pdf",
    "render_notice_pdf",
)


class Spy:
    def __init__(self):
        self.calls = []

    def wrap(self, name, fn):
        def spied(*args, **kwargs):
            self.calls.append((name, in_transaction()))
            return fn(*args, **kwargs)

        return spied

    def names(self):
        return {name for name, _ in self.calls}

    def inside(self):
        return [name for name, inside in self.calls if inside]


@pytest.fixture
def spy(monkeypatch):
    spy = Spy()
    real_get_gateway = gateways.get_gateway

    def get_gateway():
        gateway = real_get_gateway()
        for name in GATEWAY_CALLS:
            setattr(gateway, name, spy.wrap(f"gateway.{name}", getattr(gateway, name)))
        return gateway

    monkeypatch.setattr(gateways, "get_gateway", get_gateway)
    monkeypatch.setattr(
        FileSystemStorage, "_save", spy.wrap("storage.save", FileSystemStorage._save)
    )
    for name in RENDERERS:
        wrapped = spy.wrap(f"pdf.{name}", getattr(pdf_module, name))
        monkeypatch.setattr(pdf_module, name, wrapped)
        for module in (services.generation, services.certificates):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, wrapped)
    return spy


def test_a_deal_from_registration_to_its_notices_calls_out_only_with_no_transaction_open(
    db, django_capture_on_commit_callbacks, spy
):
    capture = django_capture_on_commit_callbacks
    # registration (deposit intent), award (contract render + store)
    a = awarded_deal(capture)
    deposit = a.registration.deposit.payable
    assert deposit.payment_intent_id
    # both signatures (scan stored; the deal payment's intent), signed render
    sign_both(a, capture)
    settlement = a.deal.settlements.get()
    assert Payable.objects.get(pk=settlement.payable_id).payment_intent_id
    assert a.contract.final_id
    # payment, certificate render, and a notice rendered on its first download
    pay(a, capture)
    deal = end_result_announcement(a.deal)
    with capture(execute=True):
        certificate = services.certificate_issue(deal=deal, actor=a.staff)
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.document_id
    notice = services.certificate_notice(
        certificate=certificate, kind=DealDocument.Kind.FILING_NOTICE
    )
    assert notice.sha256

    assert {
        "gateway.create_intent",
        "storage.save",
        "pdf.render_contract_pdf",
        "pdf.render_signed_contract_pdf",
        "pdf.render_certificate_pdf",
        "pdf.render_notice_pdf",
    } <= spy.names()
    assert spy.inside() == []


def test_a_second_first_download_of_a_notice_stores_it_once(
    db, django_capture_on_commit_callbacks, spy
):
    capture = django_capture_on_commit_callbacks
    a = awarded_deal(capture)
    sign_both(a, capture)
    pay(a, capture)
    deal = end_result_announcement(a.deal)
    with capture(execute=True):
        certificate = services.certificate_issue(deal=deal, actor=a.staff)
    kind = DealDocument.Kind.FILING_NOTICE
    # given a render that finishes after another download stored the notice meanwhile
    real = services.certificates.render_notice_pdf
    first, saved = {}, []

    def render_while_another_stores(facts, *, kind):
        if not first:
            first["started"] = True
            first["doc"] = services.certificate_notice(certificate=certificate, kind=kind)
        return real(facts, kind=kind)

    real_save = FileSystemStorage._save

    def save(storage, name, content):
        saved.append(real_save(storage, name, content))
        return saved[-1]

    FileSystemStorage._save = save

    services.certificates.render_notice_pdf = render_while_another_stores
    try:
        doc = services.certificate_notice(certificate=certificate, kind=kind)
    finally:
        services.certificates.render_notice_pdf = real
        FileSystemStorage._save = real_save
    # then both get the one stored version, and the late render's file is deleted
    assert doc == first["doc"]
    assert DealDocument.objects.filter(deal=deal, kind=kind).count() == 1
    storage = doc.file.storage
    assert len(saved) == 2 and [storage.exists(name) for name in saved] == [True, False]


def test_an_entry_point_called_inside_another_transaction_fails_at_once(db):
    from django.db import transaction

    from contracts import services as deal_services
    from tests.contracts.factories import announced_listing, bidder

    listing = announced_listing(deposit_fen=100_000)
    user = bidder()
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable atomic block"):
        deal_services.registration_create(listing=listing, user=user)
