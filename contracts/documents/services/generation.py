"""Generating the contract at award from the deal's own data (R-DEAL-2, art.19)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Deal
from marketplace import audit, workdays
from marketplace.notifications import notification_send, notify_users

from .. import conf, recipients
from ..facts import contract_facts, missing_labels
from ..models import Contract, DealDocument
from ..pdf import render_contract_pdf
from .common import (
    active_contract,
    document_discard,
    document_file_write,
    document_record,
    lock_deal,
    next_document_version,
    transition,
)
from .schedule import rent_schedule

GENERATING_STATES = (Deal.State.AWARDED, Deal.State.SIGNING)


def contract_number(deal) -> str:
    """HT-<county>-<year>-<serial> from the deal number; -2, -3 for a runner-up's contract."""
    base = "HT-" + deal.number.split("-", 1)[1]
    count = Contract.objects.filter(deal=deal).count()
    return base if count == 0 else f"{base}-{count + 1}"


def _contract_for_winner(deal) -> Contract:
    contract = active_contract(deal)
    if contract is not None and contract.registration_id != deal.winner_id:
        transition(contract, "void", payload={"rule": "R-DEAL-5", "winner": deal.winner_id})
        contract = None
    if contract is None:
        contract = Contract.objects.create(
            deal=deal,
            registration=deal.winner,
            transferee=deal.transferee,
            number=contract_number(deal),
            template="",
        )
        audit.record(action="contract.created", obj=contract, payload={"deal": deal.number})
    return contract


def contract_generate(*, deal_id, actor=None, new_version=False) -> Contract | None:
    """Generate (or, with new_version, regenerate) the winner's contract PDF; idempotent.

    Refuses to finish while any of the ten art.19 items is missing: the contract is left
    "incomplete" with the missing items listed for staff (who fix the data and regenerate).

    Three steps, so no lock is held while WeasyPrint renders or the file is written: a short
    transaction decides (and creates the contract row); the PDF is rendered and written with no
    transaction open; a second short transaction records it only if nothing changed meanwhile
    (the contract's current version is still the one seen), so two concurrent generations
    store one version and the loser's file is deleted.
    """
    now = timezone.now()
    with transaction.atomic(durable=True):
        deal = lock_deal(deal_id)
        if deal.state not in GENERATING_STATES or deal.winner_id is None:
            return None
        contract = _contract_for_winner(deal)
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.state in (Contract.State.SIGNED, Contract.State.VOID):
            return contract
        if contract.current_id and not new_version:
            return contract
        facts = contract_facts(deal, registration=contract.registration, number=contract.number)
        contract.template = facts.template or ""
        if facts.missing:
            transition(
                contract,
                "mark_incomplete",
                missing=facts.missing,
                actor=actor,
                action="contract.incomplete",
                payload={"missing": facts.missing, "rule": "art.19"},
            )
            _tell_staff_incomplete(deal, contract)
            return contract
        contract.save(update_fields=["template"])
        seen_current = contract.current_id
        version = next_document_version(deal, DealDocument.Kind.CONTRACT)
        schedule = rent_schedule(deal)
    pdf, pages = render_contract_pdf(facts, schedule=schedule, version=version)
    doc = document_file_write(
        deal=deal, kind=DealDocument.Kind.CONTRACT, pdf=pdf, pages=pages, version=version
    )
    with transaction.atomic(durable=True):
        deal = lock_deal(deal_id)
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        stale = (
            deal.state not in GENERATING_STATES
            or deal.winner_id != contract.registration_id
            or contract.state in (Contract.State.SIGNED, Contract.State.VOID)
            or contract.current_id != seen_current
        )
        if not stale:
            _contract_ready(deal, contract, document_record(doc), actor=actor, now=now)
    if stale:
        document_discard(doc)
    return contract


def _contract_ready(deal, contract, doc, *, actor, now):
    first_time = contract.ready_at is None
    sign_by = workdays.period_end(
        timezone.localdate(max(now, deal.awarded_at or now)),
        conf.get("SIGNING_WORKDAYS", county=deal.listing.county_id),
    )
    transition(
        contract,
        "mark_ready",
        document=doc,
        at=now,
        sign_by=sign_by,
        actor=actor,
        action="contract.generated",
        payload={
            "version": doc.version,
            "sha256": doc.sha256,
            "sign_by": contract.sign_by if not first_time else sign_by,
        },
    )
    if deal.state == Deal.State.AWARDED:
        transition(deal, "start_signing", actor=actor, at=now, payload={"rule": "R-DEAL-2"})
    _tell_parties_ready(deal, contract, first_time=first_time)


def _tell_staff_incomplete(deal, contract):
    labels = "；".join(missing_labels(contract.missing))
    notify_users(
        recipients.staff_users(deal),
        subject=_("Contract %(number)s cannot be generated") % {"number": contract.number},
        body=_("Missing (art.19): %(items)s. Complete the data and generate it again.")
        % {"items": labels},
        url=reverse("contract_documents:staff_deal", args=[deal.number]),
    )


def _tell_parties_ready(deal, contract, *, first_time):
    deadline = timezone.localtime(contract.sign_by).strftime("%Y-%m-%d %H:%M")
    subject = (
        _("Contract %(number)s is ready to sign")
        if first_time
        else _("Contract %(number)s has a new version: sign it again")
    ) % {"number": contract.number}
    body = _("Deal %(deal)s. Both parties sign by %(deadline)s (R-DEAL-2).") % {
        "deal": deal.number,
        "deadline": deadline,
    }
    notify_users(
        recipients.transferee_users(contract),
        subject=subject,
        body=body,
        url=contract.get_absolute_url(),
    )
    if deal.listing.transferor_storage_center_id:
        # the storage centre is Party A: its operators sign online on the contract page
        notify_users(
            recipients.storage_operators(deal),
            subject=subject,
            body=body,
            url=contract.get_absolute_url(),
        )
    else:
        notify_users(
            recipients.station_operators(deal),
            subject=subject,
            body=body,
            url=reverse("contract_documents:station_contract", args=[contract.number]),
        )
    household = deal.listing.transferor_household
    if household is not None:  # by SMS, its own login, or its station's inbox (issue 13)
        notification_send(
            recipient=household,
            event="contract.ready",
            context={"number": contract.number, "deal": deal.number, "deadline": deadline},
            obj=contract.current or contract,
            # the household page: its own login signs online there, its station witnesses
            url=reverse("desk:household", args=[household.pk]),
        )


def signature_rows(contract) -> list:
    from ..pdf import SignatureRow

    rows = []
    for s in contract.signatures.filter(document_id=contract.current_id).select_related(
        "witnessed_by"
    ):
        rows.append(
            SignatureRow(
                party_label={"transferor": "甲方", "transferee": "乙方"}[s.party],
                signer_name=s.signer_name,
                method_label={
                    "online": "在线签署（登录密码 + 一次性验证码）",
                    "witnessed": "服务站现场纸质签署，经办人见证",
                }[s.method],
                mark_label={
                    "electronic": "电子签名",
                    "signature": "手写签名",
                    "fingerprint": "按指印",
                }[s.mark],
                signed_at=s.signed_at,
                ip=s.ip or "",
                witness=str(s.witnessed_by) if s.witnessed_by else "",
                pdf_sha256=s.pdf_sha256,
                scan_sha256=s.scan_sha256,
            )
        )
    return rows


def contract_render_signed(*, contract_id) -> Contract:
    """After both signatures: the signed version again with a signature page (idempotent).

    Rendered and written with no transaction open; recorded in a short one under the contract's
    lock only if no final version was stored meanwhile (else the file is deleted)."""
    from ..pdf import render_signed_contract_pdf

    contract = Contract.objects.select_related("current", "deal").get(pk=contract_id)
    if contract.final_id or contract.state != Contract.State.SIGNED:
        return contract
    deal = contract.deal
    facts = contract_facts(deal, registration=contract.registration, number=contract.number)
    pdf, pages = render_signed_contract_pdf(
        facts,
        schedule=rent_schedule(deal),
        signed=contract.current,
        signatures=signature_rows(contract),
    )
    kind = DealDocument.Kind.CONTRACT_FINAL
    doc = document_file_write(
        deal=deal, kind=kind, pdf=pdf, pages=pages, version=next_document_version(deal, kind)
    )
    with transaction.atomic(durable=True):
        contract = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("current", "deal")
            .get(pk=contract_id)
        )
        stale = bool(contract.final_id) or contract.state != Contract.State.SIGNED
        if not stale:
            contract.final = document_record(doc)
            contract.save(update_fields=["final"])
    if stale:
        document_discard(doc)
    return contract
