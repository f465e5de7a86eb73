"""Helpers shared by the document services: storing PDFs with their hash, locks, deadlines."""

import hashlib

from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone

from contracts.models import Deal
from contracts.services.common import lock_deal, transition  # noqa: F401  (re-exported)
from marketplace import audit
from valuation.formulas import add_years  # noqa: F401  (re-exported: anniversaries, R-DEAL-7)

from ..models import Contract, DealDocument


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_store(*, deal, kind, pdf: bytes, pages: int) -> DealDocument:
    """Store a new version of a deal document with its SHA-256 (never overwrites)."""
    last = DealDocument.objects.filter(deal=deal, kind=kind).aggregate(m=Max("version"))["m"] or 0
    digest = sha256_hex(pdf)
    doc = DealDocument(
        deal=deal, kind=kind, version=last + 1, sha256=digest, size=len(pdf), pages=pages
    )
    doc.file.save(
        f"{deal.number}-{kind}-v{last + 1}-{digest[:8]}.pdf", ContentFile(pdf), save=False
    )
    doc.save()
    audit.record(
        action="deal_document.stored",
        obj=deal,
        payload={"kind": kind, "version": doc.version, "sha256": digest, "pages": pages},
    )
    return doc


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
    "document_store",
    "lock_contract",
    "lock_deal",
    "sha256_hex",
    "transferor_of",
    "transition",
]
