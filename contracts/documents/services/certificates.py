"""Transaction certificates (R-DEAL-8): issue once signed + settled + R-DEAL-1 passed, render
with a QR code, filing and registration notices, batches with progress, public verification."""

from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Deal, Objection
from listings.checks import term_years
from listings.models import PriceUnit
from marketplace import audit
from marketplace.errors import DomainError
from marketplace.numbering import next_in_sequence

from .. import conf
from ..errors import CertificateRefused
from ..facts import contract_facts
from ..models import Certificate, CertificateBatch, CertificateSequence, Contract, DealDocument
from ..pdf import render_certificate_pdf, render_notice_pdf
from .common import document_store, lock_deal, sha256_hex, transition


def certificate_refusal(deal, *, now=None) -> str | None:
    """Why a certificate cannot be issued yet (None when it can): R-DEAL-1 and R-DEAL-8."""
    now = now or timezone.now()
    if Certificate.objects.filter(deal=deal).exists():
        return _("A certificate has already been issued for this deal.")
    if deal.state != Deal.State.SETTLED:
        return _("The deal is not settled yet (now: %(state)s).") % {
            "state": deal.get_state_display()
        }
    if not Contract.objects.filter(deal=deal, state=Contract.State.SIGNED).exists():
        return _("The contract is not signed by both parties.")
    ends = deal.result_announcement_ends_at
    if ends is None or now < ends:
        return _("The result announcement runs until %(end)s (R-DEAL-1).") % {
            "end": timezone.localtime(ends).strftime("%Y-%m-%d %H:%M") if ends else "—"
        }
    if deal.objections.filter(state=Objection.State.OPEN).exists():
        return _("Resolve the open objections first (R-DEAL-1).")
    return None


def certificate_number_allocate(*, county_code: str, year: int) -> str:
    """JZ-<county>-<year>-<6 digits>, unique: a row lock per county and year."""
    serial = next_in_sequence(CertificateSequence, county_code=county_code, year=year)
    return f"JZ-{county_code}-{year}-{serial:06d}"


def certificate_issue(*, deal, actor, batch=None) -> Certificate:
    """Staff issue the certificate: the deal completes (R-DEAL-8) and feeds the price index
    (R-VAL-4); the PDFs are rendered by a task after commit."""
    from ..tasks import render_certificate_task

    now = timezone.now()
    with transaction.atomic():
        deal = lock_deal(deal)
        refusal = certificate_refusal(deal, now=now)
        if refusal:
            raise CertificateRefused(refusal)
        contract = Contract.objects.get(deal=deal, state=Contract.State.SIGNED)
        certificate = Certificate.objects.create(
            deal=deal,
            contract=contract,
            number=certificate_number_allocate(
                county_code=deal.listing.county.code, year=timezone.localdate(now).year
            ),
            issued_by=actor,
            issued_at=now,
            batch=batch,
        )
        transition(
            deal, "complete", actor=actor, at=now, payload={"certificate": certificate.number}
        )
        _record_price(deal, now)
        audit.record(
            action="certificate.issued",
            obj=certificate,
            actor=actor,
            payload={"deal": deal.number, "number": certificate.number, "rule": "R-DEAL-8"},
        )
        transaction.on_commit(
            partial(render_certificate_task.delay, certificate.pk, batch.pk if batch else None)
        )
    return certificate


def _record_price(deal, now):
    """R-VAL-4: the completed deal's price per mu per year feeds the price index."""
    from valuation.services import price_observation_record

    listing = deal.listing
    if deal.price_unit == PriceUnit.PER_MU_YEAR:
        per_mu_year = deal.price_fen
    else:
        years = term_years(listing.term_start, listing.term_end)
        per_mu_year = int(
            (Decimal(deal.total_value_fen) / (Decimal(listing.area_mu) * years)).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        )
    price_observation_record(
        township=listing.township,
        land_class=listing.land_class,
        price_per_mu_year_fen=per_mu_year,
        area_mu=listing.area_mu,
        completed_on=timezone.localdate(now),
        source_ref=deal.number,
    )


def certificate_render(*, certificate_id) -> Certificate:
    """Task body: the certificate PDF, the filing notice and (terms ≥ 5 years) the registration
    notice, each stored with its SHA-256. Idempotent."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("deal__listing", "contract")
            .get(pk=certificate_id)
        )
        if certificate.document_id:
            return certificate
        deal = certificate.deal
        contract = certificate.contract
        facts = contract_facts(deal, registration=contract.registration, number=contract.number)
        pdf, pages = render_certificate_pdf(certificate, facts)
        certificate.document = document_store(
            deal=deal, kind=DealDocument.Kind.CERTIFICATE, pdf=pdf, pages=pages
        )
        certificate.save(update_fields=["document"])
        pdf, pages = render_notice_pdf(certificate, facts, kind="filing")
        document_store(deal=deal, kind=DealDocument.Kind.FILING_NOTICE, pdf=pdf, pages=pages)
        if facts.term_years >= conf.get("REGISTRATION_NOTICE_YEARS"):
            pdf, pages = render_notice_pdf(certificate, facts, kind="registration")
            document_store(
                deal=deal, kind=DealDocument.Kind.REGISTRATION_NOTICE, pdf=pdf, pages=pages
            )
    return certificate


# ---------------------------------------------------------------- batches


def certificate_batch_start(*, deal_ids, actor) -> CertificateBatch:
    """Issue certificates for many deals; a task works through them, the page polls progress."""
    from ..tasks import issue_certificates_task

    ids = [int(pk) for pk in dict.fromkeys(deal_ids)]
    if not ids:
        raise CertificateRefused(_("Select at least one deal."), field="deals")
    with transaction.atomic():
        batch = CertificateBatch.objects.create(created_by=actor, deal_ids=ids, total=len(ids))
        audit.record(
            action="certificate.batch_started", obj=batch, actor=actor, payload={"deals": ids}
        )
        transaction.on_commit(partial(issue_certificates_task.delay, batch.pk))
    return batch


def certificate_batch_run(*, batch_id) -> CertificateBatch:
    """Task body: issue each deal's certificate; refusals are counted and listed, not fatal."""
    batch = CertificateBatch.objects.select_related("created_by").get(pk=batch_id)
    for deal in Deal.objects.filter(pk__in=batch.deal_ids).order_by("pk"):
        if Certificate.objects.filter(deal=deal, batch=batch).exists():
            continue  # the task ran before
        try:
            certificate_issue(deal=deal, actor=batch.created_by, batch=batch)
        except DomainError as exc:
            CertificateBatch.objects.filter(pk=batch.pk).update(failed=F("failed") + 1)
            _append_error(batch.pk, deal.number, str(exc.message))
    _maybe_finish(batch.pk)
    return CertificateBatch.objects.get(pk=batch.pk)


def certificate_batch_progress(*, batch_id, certificate_id) -> None:
    """A certificate of the batch is rendered: count it."""
    CertificateBatch.objects.filter(pk=batch_id).update(done=F("done") + 1)
    _maybe_finish(batch_id)


def certificate_batch_failed(*, batch_id, certificate_id) -> None:
    """A certificate's PDF could not be rendered: count it as failed, say which."""
    number = Certificate.objects.filter(pk=certificate_id).values_list("deal__number", flat=True)
    CertificateBatch.objects.filter(pk=batch_id).update(failed=F("failed") + 1)
    _append_error(batch_id, number.first() or "", _("The PDF could not be produced; retry later."))
    _maybe_finish(batch_id)


def _append_error(batch_id, deal_number, message):
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().get(pk=batch_id)
        batch.errors = [*batch.errors, {"deal": deal_number, "message": message}]
        batch.save(update_fields=["errors"])


def _maybe_finish(batch_id):
    CertificateBatch.objects.filter(
        pk=batch_id, finished_at__isnull=True, total__lte=F("done") + F("failed")
    ).update(finished_at=timezone.now())


# ---------------------------------------------------------------- verification


def document_verify(*, certificate, data: bytes) -> DealDocument | None:
    """The deal document whose SHA-256 equals the uploaded file's, or None (not genuine)."""
    digest = sha256_hex(data)
    return DealDocument.objects.filter(
        deal_id=certificate.deal_id,
        sha256=digest,
        kind__in=[
            DealDocument.Kind.CERTIFICATE,
            DealDocument.Kind.CONTRACT_FINAL,
            DealDocument.Kind.FILING_NOTICE,
            DealDocument.Kind.REGISTRATION_NOTICE,
        ],
    ).first()


def deals_ready_for_certificate(user=None):
    """Settled deals whose announcement has passed (the staff issue queue)."""
    qs = Deal.objects.filter(
        state=Deal.State.SETTLED, result_announcement_ends_at__lte=timezone.now()
    ).select_related("listing__county", "transferee")
    if user is not None and getattr(user, "county_id", None):
        qs = qs.filter(listing__county_id=user.county_id)
    return qs.order_by("settled_at")
