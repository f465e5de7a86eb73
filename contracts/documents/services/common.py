"""Helpers shared by the document services: storing PDFs with their hash, locks, deadlines."""

import hashlib

from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone

from contracts.models import Deal
from contracts.services.common import lock_deal, transition  # noqa: F401  (re-exported)
from marketplace import audit
from marketplace.io_guard import refuse_in_transaction
from valuation.formulas import add_years  # noqa: F401  (re-exported: anniversaries, R-DEAL-7)

from ..models import Contract, DealDocument


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_file_write(*, deal, kind, pdf: bytes, pages: int, version: int) -> DealDocument:
    """Phase one of storing a document, outside any transaction: write the PDF to storage.

    Returns the unsaved DealDocument (file written, hash and size set). `version` is the one the
    caller expects to record (it is printed in the name); `document_record` stores the row in a
    short transaction, or `document_discard` deletes the file when another render got there
    first. Refused inside a transaction (marketplace.io_guard).
    """
    refuse_in_transaction("document storage write")
    digest = sha256_hex(pdf)
    doc = DealDocument(deal=deal, kind=kind, sha256=digest, size=len(pdf), pages=pages)
    doc.file.save(f"{deal.number}-{kind}-v{version}-{digest[:8]}.pdf", ContentFile(pdf), save=False)
    return doc


def next_document_version(deal, kind) -> int:
    last = DealDocument.objects.filter(deal=deal, kind=kind).aggregate(m=Max("version"))["m"]
    return (last or 0) + 1


def document_record(doc: DealDocument) -> DealDocument:
    """Phase two, inside the caller's short transaction (its lock taken): the next version of
    the document, recorded with its SHA-256 (never overwrites) and audited."""
    doc.version = next_document_version(doc.deal, doc.kind)
    doc.save()
    audit.record(
        action="deal_document.stored",
        obj=doc.deal,
        payload={
            "kind": doc.kind,
            "version": doc.version,
            "sha256": doc.sha256,
            "pages": doc.pages,
        },
    )
    return doc


def document_discard(doc: DealDocument) -> None:
    """After the transaction: delete the file of a document another render stored first."""
    refuse_in_transaction("document storage delete")
    if doc.pk is None and doc.file.name:
        doc.file.storage.delete(doc.file.name)


def active_contract(deal) -> Contract | None:
    return Contract.objects.filter(deal=deal).exclude(state=Contract.State.VOID).first()


def lock_contract(contract) -> Contract:
    pk = getattr(contract, "pk", contract)
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("current", "deal")
        .get(pk=pk)
    )


def transferor_of(deal):
    return deal.listing.transferor


def now():
    return timezone.now()


__all__ = [
    "Deal",
    "active_contract",
    "add_years",
    "document_discard",
    "document_file_write",
    "document_record",
    "lock_contract",
    "lock_deal",
    "sha256_hex",
    "transferor_of",
    "transition",
]
