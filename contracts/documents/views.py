"""Screens of contracts and settlement: the agribusiness's contract and payment pages, the
station's household-signing page, the staff deal documents console and the public
verification page. Views validate, call one service or selector, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts.models import Deal
from marketplace import permissions as policy
from marketplace import security
from marketplace.errors import DomainError
from marketplace.models import User, mask_name
from marketplace.storage import private_file_response

from . import conf, selectors, services
from .errors import BadVerificationUpload
from .facts import contract_facts, missing_labels
from .models import CertificateBatch, Contract, DealDocument, Signature
from .services.defaults import open_default


def client_ip(request):
    return security.client_ip(request)


staff_reader = policy.permission_required("marketplace.read_staff_pages")


def staff_writer(view):
    """Staff actions (POST); the deal's county is checked on the deal (deal_get_for_staff)."""
    return require_POST(policy.permission_required("marketplace.write_staff_pages")(view))


def selectors_signed(contract):
    return {
        s.party: s
        for s in contract.signatures.filter(document_id=contract.current_id).select_related(
            "witnessed_by", "signer"
        )
    }


# ---------------------------------------------------------------- documents


@login_required
def document_download(request, pk):
    doc = selectors.document_get_for_user(pk=pk, user=request.user)
    inline = request.GET.get("inline") == "1"
    return private_file_response(
        doc.file,
        as_attachment=not inline,
        filename=f"{doc.deal.number}-{doc.kind}-v{doc.version}.pdf",
        content_type="application/pdf",
    )


@login_required
def notice_download(request, number, kind):
    """A certificate's filing or registration notice: rendered on first download (R-DEAL-8)."""
    certificate = selectors.certificate_get_for_user(number=number, user=request.user)
    try:
        doc = services.certificate_notice(certificate=certificate, kind=kind)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return document_download(request, doc.pk)


# ---------------------------------------------------------------- agribusiness


@login_required
def my_contracts(request):
    if request.user.role != User.Role.AGRIBUSINESS:
        raise PermissionDenied
    return render(
        request,
        "contract_documents/my_contracts.html",
        {"contracts": selectors.contracts_for_enterprise(request.user)},
    )


@login_required
def contract_page(request, number, *, error=None, field=None, shown_code=None):
    contract = selectors.contract_get_for_transferee(number=number, user=request.user)
    signed = selectors_signed(contract)
    party = services.online_party(contract, request.user)
    return render(
        request,
        "contract_documents/contract.html",
        {
            "contract": contract,
            "deal": contract.deal,
            "signed": signed,
            "party": party,
            "can_sign": party is not None
            and contract.state == Contract.State.READY
            and party not in signed,
            "missing": missing_labels(contract.missing),
            "error": error,
            "error_field": field,
            "shown_code": shown_code,
            "settlement": getattr(contract, "settlement", None),
            # Party A is the storage centre: its operator signs here, no station (R-STORE-5)
            "centre_held": services.centre_held(contract),
        },
        status=422 if error else 200,
    )


@login_required
@require_POST
def contract_send_code(request, number):
    contract = selectors.contract_get_for_transferee(number=number, user=request.user)
    if not services.can_sign_online(contract, request.user):
        raise PermissionDenied  # staff and auditors read the page; only the transferee signs
    try:
        code = services.signing_code_send(contract=contract, user=request.user)
    except DomainError as exc:
        return contract_page(request, number, error=exc.message, field=exc.field)
    messages.success(request, _("A one-time code was sent to your phone by SMS."))
    if conf.get("SHOW_SIGNING_CODE"):
        return contract_page(request, number, shown_code=code)
    return redirect(contract)


@login_required
@require_POST
def contract_sign(request, number):
    contract = selectors.contract_get_for_transferee(number=number, user=request.user)
    if not services.can_sign_online(contract, request.user):
        raise PermissionDenied
    try:
        services.contract_sign_online(
            contract=contract,
            user=request.user,
            password=request.POST.get("password", ""),
            code=request.POST.get("code", ""),
            pdf_sha256=request.POST.get("pdf_sha256", ""),
            ip=client_ip(request),
            request=request,
        )
    except DomainError as exc:
        return contract_page(request, number, error=exc.message, field=exc.field)
    messages.success(request, _("You have signed the contract."))
    return redirect(contract)


@login_required
def payment_page(request, number):
    deal, settlement = selectors.deal_for_payer(number=number, user=request.user)
    return render(
        request,
        "contract_documents/payment.html",
        {
            "deal": deal,
            "settlement": settlement,
            "schedule": selectors.rent_schedule_for(deal),
        },
    )


# ---------------------------------------------------------------- storage centre


@login_required
def centre_contracts(request):
    """The storage operator's lease contracts: its centre's blocks let through the exchange,
    signed online by the centre as Party A (R-STORE-5, R-DEAL-2)."""
    if request.user.role != User.Role.STORAGE_OPERATOR:
        raise PermissionDenied
    rows = [
        {"contract": contract, "signed": selectors_signed(contract)}
        for contract in selectors.contracts_for_storage_centre(request.user)
    ]
    return render(request, "contract_documents/centre_list.html", {"rows": rows})


# ---------------------------------------------------------------- station


@login_required
def station_signing(request):
    if request.user.role != User.Role.STATION_OPERATOR:
        raise PermissionDenied
    rows = []
    for contract in selectors.contracts_for_station(request.user):
        rows.append({"contract": contract, "signed": selectors_signed(contract)})
    return render(request, "contract_documents/station_list.html", {"rows": rows})


@login_required
def station_contract(request, number):
    contract = selectors.contract_get_for_station(number=number, user=request.user)
    error = field = None
    if request.method == "POST" and not services.can_witness(contract, request.user):
        raise PermissionDenied  # staff and auditors read the page; only the station witnesses
    if request.method == "POST":
        try:
            services.contract_sign_witnessed(
                contract=contract,
                operator=request.user,
                scan=request.FILES.get("scan"),
                mark=request.POST.get("mark", ""),
                pdf_sha256=request.POST.get("pdf_sha256", ""),
                confirmed=request.POST.get("confirm") == "1",
                ip=client_ip(request),
            )
        except DomainError as exc:
            error, field = exc.message, exc.field
        else:
            messages.success(request, _("The household's signature is recorded."))
            return redirect("contract_documents:station_contract", number=number)
    signed = selectors_signed(contract)
    return render(
        request,
        "contract_documents/station_contract.html",
        {
            "contract": contract,
            "deal": contract.deal,
            "household": contract.deal.listing.transferor,
            "signed": signed,
            "can_sign": contract.state == Contract.State.READY
            and Signature.Party.TRANSFEROR not in signed
            and services.can_witness(contract, request.user),
            "error": error,
            "error_field": field,
            "marks": [Signature.Mark.SIGNATURE, Signature.Mark.FINGERPRINT],
            "centre_held": services.centre_held(contract),
        },
        status=422 if error else 200,
    )


# ---------------------------------------------------------------- staff


@staff_reader
def staff_documents(request):
    state = request.GET.get("state") or None
    if state and state not in Deal.State.values:
        state = None
    return render(
        request,
        "contract_documents/staff_documents.html",
        {
            "deals": selectors.deals_for_staff(request.user, state=state)[:200],
            "ready": services.deals_ready_for_certificate(request.user)[:200],
            "state": state,
            "states": selectors.STAFF_STATES,
            "batch": CertificateBatch.objects.filter(created_by=request.user).first(),
        },
    )


@staff_reader
def staff_deal(request, number):
    deal = selectors.deal_get_for_staff(number=number, user=request.user)
    contract = deal.contracts.exclude(state=Contract.State.VOID).first()
    facts_missing = []
    if contract is not None and contract.state == Contract.State.INCOMPLETE:
        facts_missing = missing_labels(contract.missing)
    default = open_default(deal)
    runner = services.runner_up_for(deal) if default else None
    certificate = getattr(deal, "certificate", None)
    return render(
        request,
        "contract_documents/staff_deal.html",
        {
            "deal": deal,
            "contract": contract,
            "contracts": deal.contracts.select_related("current", "final").order_by("created_at"),
            "signed": selectors_signed(contract) if contract else {},
            "missing": facts_missing,
            "documents": DealDocument.objects.filter(deal=deal).order_by("kind", "version"),
            "settlement": deal.settlements.select_related("payable", "payout").first(),
            "schedule": selectors.rent_schedule_for(deal),
            "certificate": certificate,
            "notices_pending": [
                (kind, DealDocument.Kind(kind).label)
                for kind in services.certificate_notice_kinds(certificate)
                if not DealDocument.objects.filter(deal=deal, kind=kind).exists()
            ]
            if certificate
            else [],
            "refusal": services.certificate_refusal(deal)
            if deal.state == Deal.State.SETTLED
            else None,
            "defaults": deal.defaults.all(),
            "open_default": default,
            "runner_up": runner,
        },
    )


def _staff_action(request, number, action, ok_message):
    deal = selectors.deal_get_for_staff(number=number, user=request.user)
    try:
        action(deal)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok_message)
    return redirect("contract_documents:staff_deal", number=number)


@staff_writer
def staff_regenerate(request, number):
    def action(deal):
        contract = services.contract_generate(deal_id=deal.pk, actor=request.user, new_version=True)
        if contract is None or contract.state == Contract.State.INCOMPLETE:
            raise DomainError(_("The contract still cannot be generated: see what is missing."))

    return _staff_action(request, number, action, _("A new contract version was generated."))


@staff_writer
def staff_issue(request, number):
    return _staff_action(
        request,
        number,
        lambda deal: services.certificate_issue(deal=deal, actor=request.user),
        _("The certificate is issued; its PDF is being produced."),
    )


@staff_writer
def staff_runner_up(request, number):
    return _staff_action(
        request,
        number,
        lambda deal: services.deal_award_runner_up(deal=deal, actor=request.user),
        _("Awarded to the runner-up at its last bid; a new contract is generated."),
    )


@staff_writer
def staff_relist(request, number):
    from contracts.services import parse_amount_fen

    def action(deal):
        price = parse_amount_fen(request.POST.get("listing_price_yuan", ""))
        services.deal_relist_after_default(deal=deal, listing_price_fen=price, actor=request.user)

    return _staff_action(request, number, action, _("The listing was relisted."))


@staff_writer
def staff_batch(request):
    try:
        deal_ids = [int(pk) for pk in request.POST.getlist("deals")]
        if not policy.has_whole_prefecture(request.user):
            # County staff issue their county's certificates only.
            deal_ids = list(
                Deal.objects.filter(
                    pk__in=deal_ids, listing__county_id=request.user.county_id
                ).values_list("pk", flat=True)
            )
        batch = services.certificate_batch_start(deal_ids=deal_ids, actor=request.user)
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("Select at least one deal.")))
        return redirect("contract_documents:staff_documents")
    return redirect(reverse("contract_documents:staff_documents") + f"?batch={batch.pk}")


@staff_reader
def batch_progress(request, pk):
    batch = CertificateBatch.objects.filter(pk=pk, created_by=request.user).first()
    if batch is None:
        raise Http404
    return JsonResponse(
        {
            "total": batch.total,
            "done": batch.done,
            "failed": batch.failed,
            "percent": batch.percent,
            "finished": batch.finished_at is not None,
            "errors": batch.errors,
        }
    )


@staff_reader
def rent_overdue(request):
    return render(
        request,
        "contract_documents/rent_overdue.html",
        {
            "rows": policy.scope_queryset(
                services.rent_overdue(), request.user, county_path="deal__listing__county"
            )
        },
    )


# ---------------------------------------------------------------- public verification


def verify_index(request):
    number = (request.GET.get("number") or "").strip().upper()
    if number:
        return redirect("verify", number=number)
    return render(request, "contract_documents/verify_index.html")


def verify(request, number):
    """Public: the certificate's key facts (no ID numbers, household names masked), its
    SHA-256, and an upload to check a PDF is the genuine one."""
    try:
        certificate = selectors.certificate_public(number=number)
    except Http404:  # 查无此证: say so in the site's layout, with the search again
        return render(
            request, "contract_documents/verify_not_found.html", {"number": number}, status=404
        )
    deal = certificate.deal
    result = error = None
    if request.method == "POST":
        try:
            data = services.verification_upload_read(request.FILES.get("file"))
        except BadVerificationUpload as exc:
            error = exc.message
        else:
            match = services.document_verify(certificate=certificate, data=data)
            result = {"genuine": match is not None, "document": match}
    listing = deal.listing
    transferor = listing.transferor
    transferor_name = (
        f"村民 {mask_name(transferor.name)}"  # R-LIST-7, as on the listing pages
        if listing.transferor_household_id
        else str(transferor)
    )
    facts = contract_facts(deal, registration=certificate.contract.registration, number="")
    return render(
        request,
        "contract_documents/verify.html",
        {
            "certificate": certificate,
            "deal": deal,
            "listing": listing,
            "transferor_name": transferor_name,
            "transferee_name": deal.transferee.name
            if not deal.transferee.is_natural_person
            else mask_name(deal.transferee.name),
            "facts": facts,
            "result": result,
            "error": error,
        },
        status=422 if error else 200,
    )
