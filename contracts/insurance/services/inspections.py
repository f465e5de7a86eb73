"""The forestry inspection of the replanting (R-INS-4)."""

import hashlib
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.documents.errors import BadScan
from contracts.documents.services.signing import sniff_scan
from marketplace.errors import Invalid
from marketplace.fsm import transition

from .. import conf, notify
from ..errors import BadPhoto, InspectionTooEarly
from ..models import Claim, Inspection, InspectionPhoto, private_storage
from .claims import claim_pay_second, lock_claim, wrong_claim_state


def _photo_bytes(upload):
    """(bytes, content type) of a photo: JPEG or PNG by content, checked like other scans."""
    try:
        data, content_type = sniff_scan(upload)
    except BadScan as exc:
        raise BadPhoto() from exc
    if not content_type.startswith("image/"):
        raise BadPhoto()
    return data, content_type


def _number(value, field, maximum=None):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise Invalid(_("Enter a number."), field=field) from exc
    if not number.is_finite() or number < 0 or (maximum is not None and number > maximum):
        raise Invalid(_("Enter a number in the allowed range."), field=field)
    return number


def _store_photos(photos):
    """Write the photos before the transaction (no file I/O under row locks)."""
    storage = private_storage()
    stored = []
    for upload in photos:
        data, content_type = _photo_bytes(upload)
        digest = hashlib.sha256(data).hexdigest()
        ext = "png" if content_type == "image/png" else "jpg"
        name = storage.save(f"insurance-inspections/{digest[:32]}.{ext}", ContentFile(data))
        stored.append((name, content_type, digest))
    return stored


def inspection_record(
    *,
    claim,
    inspector,
    inspected_on,
    replanted_mu,
    survival_rate_pct,
    accepted: bool,
    findings="",
    next_due_on=None,
    photos=(),
) -> Inspection:
    """Record the inspection; accepted releases the held second part, failed sets a new due date."""
    if not Claim.objects.filter(pk=claim.pk, state=Claim.State.REPLANTING_REPORTED).exists():
        raise InspectionTooEarly()  # checked again under the lock; here to write no photo
    replanted = _number(replanted_mu, "replanted_mu")
    survival = _number(survival_rate_pct, "survival_rate_pct", maximum=100)
    if not accepted and not str(findings).strip():
        raise Invalid(_("A failed inspection needs its findings."), field="findings")
    stored = _store_photos(photos)
    with transaction.atomic():
        claim = lock_claim(claim)
        if claim.state != Claim.State.REPLANTING_REPORTED:
            raise InspectionTooEarly()
        if not accepted and next_due_on is None:
            days = conf.get(conf.INSPECTION_DAYS, county=claim.policy.county)
            next_due_on = timezone.localdate() + timedelta(days=days)
        inspection = Inspection.objects.create(
            claim=claim,
            inspector=inspector,
            inspected_on=inspected_on,
            replanted_mu=replanted,
            survival_rate_pct=survival,
            accepted=accepted,
            findings=findings,
            next_due_on=None if accepted else next_due_on,
        )
        InspectionPhoto.objects.bulk_create(
            InspectionPhoto(inspection=inspection, file=name, content_type=ct, sha256=digest)
            for name, ct, digest in stored
        )
        if accepted:
            method, moves = "accept", {"at": timezone.now()}
        else:
            method, moves = "fail_inspection", {"due_on": next_due_on}
        transition(
            claim,
            method,
            **moves,
            actor=inspector,
            action="insurance.inspection_recorded",
            payload={
                "accepted": accepted,
                "replanted_mu": str(replanted),
                "survival_rate_pct": str(survival),
                "photos": [d for _n, _c, d in stored],
            },
            refuse=wrong_claim_state,
        )
        transaction.on_commit(partial(notify.inspection_recorded, inspection.pk))
        if accepted:
            claim_pay_second(claim=claim, actor=inspector)
    return inspection
