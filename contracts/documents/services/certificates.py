"""Transaction certificates (R-DEAL-8): issue once signed + settled + R-DEAL-1 passed, render
with a QR code, filing and registration notices, batches with progress, public verification.

The notices' content is fixed at issue (`Certificate.notice_facts`); their PDFs are rendered on
first download (`certificate_notice`) and stored with their SHA-256 then, so a batch of
certificates renders one PDF per deal instead of three."""

from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracts.models import Deal, Objection
from listings.models import PriceUnit
from marketplace import audit
from marketplace.errors import DomainError
from marketplace.money import round_fen
from marketplace.numbering import next_in_sequence
from valuation.formulas import term_years

from .. import conf
from ..errors import BadVerificationUpload, CertificateRefused, NoSuchNotice
from ..facts import contract_facts
from ..models import Certificate, CertificateBatch, CertificateSequence, Contract, DealDocument
from ..pdf import render_certificate_pdf, render_notice_pdf
from .common import (
    document_discard,
    document_file_write,
    document_record,
    lock_deal,
    next_document_version,
    sha256_hex,
    transition,
)


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
        contract = Contract.objects.select_related("registration__enterprise").get(
            deal=deal, state=Contract.State.SIGNED
        )
        certificate = Certificate(
            deal=deal,
            contract=contract,
            number=certificate_number_allocate(
                county_code=deal.listing.county.code, year=timezone.localdate(now).year
            ),
            issued_by=actor,
            issued_at=now,
            batch=batch,
        )
        certificate.notice_facts = notice_snapshot(certificate)
        certificate.save()
        transition(
            deal, "complete", actor=actor, at=now, payload={"certificate": certificate.number}
        )
        _record_price(deal, now)
        _record_lease(deal, actor)
        audit.record(
            action="certificate.issued",
            obj=certificate,
            actor=actor,
            payload={"deal": deal.number, "number": certificate.number, "rule": "R-DEAL-8"},
        )
        transaction.on_commit(
            partial(render_certificate_task.delay, certificate.pk, batch.pk if batch else None)
        )
        _tell_certificate_issued(deal, certificate)
    return certificate


def _record_lease(deal, actor):
    """R-RIGHT-3: the completed deal's parcels are let to the transferee for the term."""
    from listings.services import lease_encumbrance_record

    listing = deal.listing
    lease_encumbrance_record(
        parcels=listing.parcels.all(),
        lessee=deal.transferee.name,
        starts_on=listing.term_start,
        ends_on=listing.term_end,
        reference=deal.number,
        actor=actor,
    )


def _tell_certificate_issued(deal, certificate):
    from marketplace.notifications import notification_send, notify_users

    from .. import recipients

    context = {"number": certificate.number, "deal": deal.number}
    notify_users(
        recipients.transferee_users(certificate.contract),
        event="certificate.issued",
        context=context,
        obj=certificate,
    )
    household = deal.listing.transferor_household
    if household is not None:
        notification_send(
            recipient=household, event="certificate.issued", context=context, obj=certificate
        )


def _record_price(deal, now):
    """R-VAL-4: the completed deal's price per mu per year feeds the price index."""
    from valuation.services import price_observation_record

    listing = deal.listing
    if deal.price_unit == PriceUnit.PER_MU_YEAR:
        per_mu_year = deal.price_fen
    else:
        years = term_years(listing.term_start, listing.term_end)
        per_mu_year = round_fen(Decimal(deal.total_value_fen) / (Decimal(listing.area_mu) * years))
    price_observation_record(
        township=listing.township,
        land_class=listing.land_class,
        price_per_mu_year_fen=per_mu_year,
        area_mu=listing.area_mu,
        completed_on=timezone.localdate(now),
        source_ref=deal.number,
    )


def certificate_render(*, certificate_id) -> Certificate:
    """Task body: the certificate PDF with its QR code, stored with its SHA-256. Idempotent.
    The notices are rendered on first download (`certificate_notice`).

    Rendered and written with no transaction open; recorded in a short one under the
    certificate's lock only if no document was stored meanwhile (else the file is deleted)."""
    certificate = Certificate.objects.select_related("deal__listing", "contract").get(
        pk=certificate_id
    )
    if certificate.document_id:
        return certificate
    deal = certificate.deal
    contract = certificate.contract
    facts = contract_facts(deal, registration=contract.registration, number=contract.number)
    pdf, pages = render_certificate_pdf(certificate, facts)
    kind = DealDocument.Kind.CERTIFICATE
    doc = document_file_write(
        deal=deal, kind=kind, pdf=pdf, pages=pages, version=next_document_version(deal, kind)
    )
    with transaction.atomic(durable=True):
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("deal__listing", "contract")
            .get(pk=certificate_id)
        )
        stored_first = bool(certificate.document_id)
        if not stored_first:
            certificate.document = document_record(doc)
            certificate.save(update_fields=["document"])
    if stored_first:
        document_discard(doc)
    return certificate


NOTICE_KINDS = (DealDocument.Kind.FILING_NOTICE, DealDocument.Kind.REGISTRATION_NOTICE)


def notice_snapshot(certificate) -> dict:
    """What the notices of `certificate` say, as JSON, read from the deal at issue (R-DEAL-8):
    a filing notice to the collective always, a registration notice for terms ≥ 5 years."""
    deal, contract = certificate.deal, certificate.contract
    with translation.override("zh-hans"):
        facts = contract_facts(deal, registration=contract.registration, number=contract.number)
        kinds = [DealDocument.Kind.FILING_NOTICE.value]
        if facts.term_years >= conf.get("REGISTRATION_NOTICE_YEARS"):
            kinds.append(DealDocument.Kind.REGISTRATION_NOTICE.value)
        signed_at = contract.signed_at
        return {
            "kinds": kinds,
            "certificate_number": certificate.number,
            "contract_number": contract.number,
            "issued_on": timezone.localdate(certificate.issued_at).isoformat(),
            "contract_signed_on": timezone.localdate(signed_at).isoformat() if signed_at else "",
            "collective": facts.collective_name or f"{facts.listing.village.name}村集体经济组织",
            "transferor": facts.transferor.name,
            "transferee": facts.transferee.name,
            "parcels": [
                {"place": p["place"], "code": p["code"], "area_mu": str(p["area_mu"])}
                for p in facts.parcels
            ],
            "mode": str(facts.mode_label),
            "use": str(facts.use_label),
            "term_start": facts.term_start.isoformat(),
            "term_end": facts.term_end.isoformat(),
            "term_years": f"{facts.term_years.normalize():f}",
            "total_value_fen": facts.total_value_fen,
        }


def certificate_notice_kinds(certificate) -> list[str]:
    """The notices `certificate` has (DealDocument kinds), rendered or not yet."""
    facts = certificate.notice_facts
    if facts:
        return list(facts["kinds"])
    # Issued before the snapshot existed: the notices were rendered at issue.
    return list(
        DealDocument.objects.filter(deal_id=certificate.deal_id, kind__in=NOTICE_KINDS)
        .order_by("kind")
        .values_list("kind", flat=True)
        .distinct()
    )


def certificate_notice(*, certificate, kind) -> DealDocument:
    """The filing or registration notice of an issued certificate (R-DEAL-8): the stored PDF, or
    rendered now from the facts fixed at issue and stored with its SHA-256.

    No lock is held while it renders: the PDF is rendered and written first, then recorded in
    a short transaction under the certificate's lock, which looks again for a stored notice, so
    two first downloads at once store it once (the second one's file is deleted)."""
    pk = getattr(certificate, "pk", certificate)
    certificate = Certificate.objects.select_related("deal").get(pk=pk)
    if kind not in certificate_notice_kinds(certificate):
        raise NoSuchNotice()
    stored = _stored_notice(certificate, kind)
    if stored is not None:
        return stored
    pdf, pages = render_notice_pdf(certificate.notice_facts, kind=kind)
    doc = document_file_write(deal=certificate.deal, kind=kind, pdf=pdf, pages=pages, version=1)
    with transaction.atomic(durable=True):
        Certificate.objects.select_for_update(of=("self",)).get(pk=pk)
        stored = _stored_notice(certificate, kind)
        if stored is None:
            return document_record(doc)
    document_discard(doc)
    return stored


def _stored_notice(certificate, kind):
    return (
        DealDocument.objects.filter(deal_id=certificate.deal_id, kind=kind)
        .order_by("-version")
        .first()
    )


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


def verification_upload_read(upload) -> bytes:
    """The bytes of a file uploaded to be checked: a PDF (by its content) of at most 20 MB, else
    refused naming the file field; a picture or an empty file is not an answer "not genuine"."""
    limit = conf.get("SCAN_MAX_BYTES")
    if upload is None or not upload.size or upload.size > limit:
        raise BadVerificationUpload()
    data = upload.read(limit + 1)
    if len(data) > limit or not data.startswith(b"%PDF-"):
        raise BadVerificationUpload()
    return data


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
