"""Signing (R-DEAL-2): the transferee online (password + one-time code), the household online
with its own login (the same password + one-time code by SMS, issue 13) or on paper at its
station (scan uploaded, witnessed by the operator). When the storage centre is the transferor
(a block of stored land, R-STORE-5), a storage operator of that centre signs Party A online the
same way; the station's witnessed path is refused for it. Each signature binds the SHA-256 of
the exact PDF signed; a signature of anything but the current version is refused."""

import hmac
import secrets
from datetime import timedelta
from functools import partial
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Deal
from marketplace import audit
from marketplace.io_guard import refuse_in_transaction
from marketplace.notifications import notification_send, notify_users, phone_of
from marketplace.security import password_recheck

from .. import conf, recipients
from ..errors import (
    AlreadySigned,
    BadScan,
    CentreSignsOnline,
    DeadlinePassed,
    NoPhone,
    NotAParty,
    NotConfirmed,
    PasswordLocked,
    WrongCode,
    WrongPassword,
    WrongState,
    WrongVersion,
)
from ..models import Contract, Signature, SigningCode
from .common import lock_contract, lock_deal, sha256_hex, transition

SNIFF = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), "sha256").hexdigest()


def can_sign_online(contract, user) -> bool:
    """The transferee's agribusiness users, the transferor household's own login and the storage
    operators of a transferor storage centre sign online (`contract_documents.sign_online`)."""
    from ..permissions import may_sign_online

    return bool(may_sign_online(user, contract))


def online_party(contract, user) -> str | None:
    """The party a user signs for online: transferee (Party B), transferor (Party A: the
    household's own login, or a storage operator of the transferor centre, R-STORE-5) or None."""
    from ..permissions import (
        is_transferee,
        is_transferor_household,
        is_transferor_storage_operator,
    )

    if is_transferee(user, contract):
        return Signature.Party.TRANSFEREE
    if is_transferor_household(user, contract) or is_transferor_storage_operator(user, contract):
        return Signature.Party.TRANSFEROR
    return None


def centre_held(contract) -> bool:
    """The storage centre is the contract's transferor: Party A signs online (R-STORE-5)."""
    from ..permissions import centre_held as held

    return held(contract)


def can_witness(contract, user) -> bool:
    """The station operator of the listing's station (or of its township) witnesses
    (`contract_documents.witness`)."""
    from ..permissions import may_witness

    return bool(may_witness(user, contract))


def signed_parties(contract) -> set[str]:
    """Parties whose signature is on the contract's current version."""
    if not contract.current_id:
        return set()
    return set(
        Signature.objects.filter(contract=contract, document_id=contract.current_id).values_list(
            "party", flat=True
        )
    )


def _check_signable(contract, *, pdf_sha256, party, now):
    if contract.state != Contract.State.READY or contract.current is None:
        raise WrongState(_("This contract is not awaiting signatures."))
    if contract.sign_by and now >= contract.sign_by:
        raise DeadlinePassed(
            _("The time to sign ended at %(at)s (R-DEAL-2).")
            % {"at": timezone.localtime(contract.sign_by).strftime("%Y-%m-%d %H:%M")}
        )
    if (pdf_sha256 or "").strip().lower() != contract.current.sha256:
        raise WrongVersion()
    if party in signed_parties(contract):
        raise AlreadySigned()


def signing_code_send(*, contract, user) -> str:
    """Send a 6-digit one-time code to the user's phone by SMS only; returns it."""
    if not can_sign_online(contract, user):
        raise NotAParty()
    if contract.state != Contract.State.READY:
        raise WrongState(_("This contract is not awaiting signatures."))
    if not phone_of(user):
        raise NoPhone()
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        SigningCode.objects.filter(contract=contract, user=user, used_at__isnull=True).update(
            used_at=now
        )
        row = SigningCode.objects.create(
            contract=contract,
            user=user,
            code_hash=_code_hash(code),
            expires_at=now + timedelta(minutes=conf.get("CODE_MINUTES")),
        )
        # SMS only (a second factor): never the inbox, the e-mail or a log line.
        notification_send(
            recipient=user,
            event="contract.signing_code",
            context={"number": contract.number, "code": code, "minutes": conf.get("CODE_MINUTES")},
            obj=row,
        )
        audit.record(action="contract.code_sent", obj=contract, actor=user)
    return code


def _check_code(contract, user, code, now):
    """Count the attempt in its own transaction, so a wrong code is remembered."""
    with transaction.atomic():
        row = (
            SigningCode.objects.select_for_update()
            .filter(contract=contract, user=user, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if row is None or row.expires_at <= now or row.attempts >= conf.get("CODE_ATTEMPTS"):
            return None
        row.attempts += 1
        row.save(update_fields=["attempts"])
        if not hmac.compare_digest(row.code_hash, _code_hash((code or "").strip())):
            return None
        return row


def contract_sign_online(
    *, contract, user, password, code, pdf_sha256, ip=None, request=None
) -> Signature:
    """The transferee — or Party A: the transferor household with its own login, or a storage
    operator of the transferor storage centre (R-STORE-5) — signs the current version online:
    password again + one-time code (sent by SMS only).

    With the request, the password check is the login's: a wrong one counts toward the lockout
    of the username from that address, and a locked-out user or address is refused (issue 14).
    """
    now = timezone.now()
    party = online_party(contract, user)
    if party is None:
        raise NotAParty()
    checked = password_recheck(user, password, request)
    if checked is None:
        raise PasswordLocked()
    if not checked:
        raise WrongPassword()
    code_row = _check_code(contract, user, code, now)
    if code_row is None:
        raise WrongCode()
    with transaction.atomic(durable=True):
        lock_deal(contract.deal_id)
        contract = lock_contract(contract)
        _check_signable(contract, pdf_sha256=pdf_sha256, party=party, now=now)
        SigningCode.objects.filter(pk=code_row.pk).update(used_at=now)
        listing = contract.deal.listing
        signed_for = (
            contract.transferee.name
            if party == Signature.Party.TRANSFEREE
            else str(listing.transferor)
        )
        signer = f"{user}"
        if party == Signature.Party.TRANSFEROR and listing.transferor_storage_center_id:
            signer = f"经办人 {user}"  # the centre's storage operator signs for it (R-STORE-5)
        signature = Signature.objects.create(
            contract=contract,
            document=contract.current,
            party=party,
            method=Signature.Method.ONLINE,
            mark=Signature.Mark.ELECTRONIC,
            signer=user,
            signer_name=f"{signed_for}（{signer}）",
            signed_at=now,
            ip=ip or None,
            pdf_sha256=contract.current.sha256,
        )
        _after_signature(contract, signature, actor=user)
    return signature


def sniff_scan(upload) -> tuple[bytes, str]:
    """(bytes, content type) of an uploaded scan: PDF, JPEG or PNG by content, ≤ 20 MB."""
    limit = conf.get("SCAN_MAX_BYTES")
    if upload is None or not upload.size or upload.size > limit:
        raise BadScan()
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise BadScan()
    kind = next((ct for magic, ct in SNIFF if data.startswith(magic)), None)
    if kind is None:
        raise BadScan()
    if kind.startswith("image/"):
        from PIL import Image

        try:
            Image.open(BytesIO(data)).verify()
        except Exception as exc:  # any decoder error: not a real image
            raise BadScan() from exc
    elif b"%%EOF" not in data[-2048:]:
        raise BadScan()
    return data, kind


def contract_sign_witnessed(
    *, contract, operator, scan, mark, pdf_sha256, confirmed, ip=None
) -> Signature:
    """The household signed (or fingerprinted) the printout at the station; the operator uploads
    the scan and confirms. Records that it was witnessed, and the hashes of PDF and scan.
    Refused for a contract of the storage centre, which signs online (R-STORE-5, R-DEAL-2)."""
    now = timezone.now()
    if centre_held(contract):
        raise CentreSignsOnline()
    if not can_witness(contract, operator):
        raise NotAParty()
    if mark not in (Signature.Mark.SIGNATURE, Signature.Mark.FINGERPRINT):
        raise BadScan(_("Choose how the household signed: signature or fingerprint."), field="mark")
    data, content_type = sniff_scan(scan)
    if not confirmed:
        raise NotConfirmed()
    # The scan is written before the transaction (no file write under the deal's lock) and
    # deleted again if the signature is refused.
    ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[content_type]
    stored = Signature(contract=contract)
    refuse_in_transaction("document storage write")
    stored.scan.save(f"{contract.number}-transferor.{ext}", ContentFile(data), save=False)
    try:
        with transaction.atomic(durable=True):
            lock_deal(contract.deal_id)
            contract = lock_contract(contract)
            _check_signable(
                contract, pdf_sha256=pdf_sha256, party=Signature.Party.TRANSFEROR, now=now
            )
            transferor = contract.deal.listing.transferor
            signature = Signature(
                contract=contract,
                document=contract.current,
                party=Signature.Party.TRANSFEROR,
                method=Signature.Method.WITNESSED,
                mark=mark,
                signer=operator,
                signer_name=str(transferor),
                witnessed_by=operator,
                signed_at=now,
                ip=ip or None,
                pdf_sha256=contract.current.sha256,
                scan=stored.scan.name,
                scan_sha256=sha256_hex(data),
                scan_content_type=content_type,
            )
            signature.save()
            _after_signature(contract, signature, actor=operator)
    except BaseException:
        stored.scan.storage.delete(stored.scan.name)
        raise
    return signature


def _after_signature(contract, signature, *, actor):
    payload = {
        "party": signature.party,
        "method": signature.method,
        "mark": signature.mark,
        "pdf_sha256": signature.pdf_sha256,
        "scan_sha256": signature.scan_sha256,
        "ip": signature.ip,
        "rule": "R-DEAL-2",
    }
    listing = contract.deal.listing
    if signature.party == Signature.Party.TRANSFEROR and listing.transferor_storage_center_id:
        payload["storage_center"] = listing.transferor_storage_center_id  # R-STORE-5
    audit.record(action="contract.signed", obj=contract, actor=actor, payload=payload)
    if signed_parties(contract) != {Signature.Party.TRANSFEROR, Signature.Party.TRANSFEREE}:
        return
    from ..tasks import render_signed_contract_task
    from .payment import payment_start

    now = timezone.now()
    transition(
        contract,
        "mark_signed",
        at=now,
        actor=actor,
        action="contract.fully_signed",
        payload={"rule": "R-DEAL-2"},
    )
    deal = Deal.objects.select_for_update().get(pk=contract.deal_id)
    transition(deal, "start_payment", actor=actor, at=now, payload={"rule": "R-DEAL-3"})
    payment_start(deal=deal, contract=contract, now=now)
    transaction.on_commit(partial(render_signed_contract_task.delay, contract.pk))
    notify_users(
        recipients.transferor_operators(deal),
        subject=_("Contract %(number)s is signed by both parties") % {"number": contract.number},
        body=_(
            "The transferee now pays through the exchange; the storage centre is paid after that."
        )
        if deal.listing.transferor_storage_center_id
        else _("The transferee now pays through the exchange; the household is paid after that."),
        url=contract.get_absolute_url(),
    )
