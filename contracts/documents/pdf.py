"""The deal's documents as Chinese A4 PDFs (WeasyPrint, "Noto Sans CJK SC"): contract per
transfer mode, its signed version with a signature page, the certificate with its QR code,
the filing notice and the registration notice. Nothing here saves anything."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from marketplace.money import round_fen

from .maps import parcel_map_svg

HEADER = "湘西州农村产权流转交易中心"
TITLES = {
    "lease": "农村土地经营权出租合同",
    "sublease": "农村土地经营权转包合同",
    "shares": "农村土地经营权入股合同",
    "forest_transfer": "林权流转合同",
}

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
GROUPS = ["", "万", "亿", "兆"]


def rmb_upper(fen) -> str:
    """Fen as the upper-case amount used in contracts: 123456 → 壹仟贰佰叁拾肆元伍角陆分."""
    if fen is None:
        return ""
    fen = int(fen)
    yuan, rest = divmod(fen, 100)
    jiao, fen_part = divmod(rest, 10)
    text = ""
    if yuan:
        groups = []
        while yuan:
            yuan, group = divmod(yuan, 10000)
            groups.append(group)
        for i in range(len(groups) - 1, -1, -1):
            group = groups[i]
            if group == 0:
                if text and not text.endswith("零"):
                    text += "零"
                continue
            if text and group < 1000 and not text.endswith("零"):
                text += "零"
            text += _group_upper(group) + GROUPS[i]
        text = text.rstrip("零") + "元"
    if not jiao and not fen_part:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen_part:
        text += DIGITS[fen_part] + "分"
    return text


def _group_upper(n) -> str:
    out, zero = "", False
    for pos in range(3, -1, -1):
        digit = (n // 10**pos) % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + UNITS[pos]
    return out


@dataclass
class SignatureRow:
    party_label: str
    signer_name: str
    method_label: str
    mark_label: str
    signed_at: object
    ip: str
    witness: str
    pdf_sha256: str
    scan_sha256: str


def write_pdf(html: str) -> tuple[bytes, int]:
    """(PDF bytes, page count) of an HTML string."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    return document.write_pdf(), len(document.pages)


def verify_url(number) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("verify", args=[number])


def contract_title(facts) -> str:
    return TITLES.get(facts.listing.transfer_mode, "农村产权流转合同")


def contract_html(facts, *, schedule=(), version=None, signatures=None, signed=None) -> str:
    """The contract's HTML; with `signatures` (SignatureRow) a signature page is appended."""
    terms = facts.terms
    annual = facts.annual_rent_fen or facts.total_value_fen or 0
    penalty = 0
    if terms is not None and terms.penalty_per_day_per_10k:
        penalty = round_fen(Decimal(annual) * terms.penalty_per_day_per_10k / 10000)
    context = {
        "facts": facts,
        "title": contract_title(facts),
        "number": facts.number,
        "version": version,
        "header_left": HEADER,
        "header_right": f"合同编号：{facts.number}",
        "map_svg": parcel_map_svg(facts.parcels),
        "schedule": schedule,
        "penalty_per_day_fen": penalty,
        "upper": {
            "annual": rmb_upper(facts.annual_rent_fen),
            "total": rmb_upper(facts.total_value_fen),
            "due_now": rmb_upper(facts.due_now_fen),
        },
        "signatures": signatures,
        "signed_version": signed.version if signed else None,
        "signed_sha256": signed.sha256 if signed else "",
        "verify_hint": settings.SITE_URL.rstrip("/") + "/verify/",
    }
    with translation.override("zh-hans"):
        return render_to_string("contract_documents/pdf/contract.html", context)


def render_contract_pdf(facts, *, schedule=(), version=None) -> tuple[bytes, int]:
    return write_pdf(contract_html(facts, schedule=schedule, version=version))


def render_signed_contract_pdf(facts, *, schedule, signed, signatures) -> tuple[bytes, int]:
    html = contract_html(
        facts, schedule=schedule, version=signed.version, signatures=signatures, signed=signed
    )
    return write_pdf(html)


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, border=2)


def certificate_html(certificate, facts) -> str:
    url = verify_url(certificate.number)
    context = {
        "c": certificate,
        "deal": certificate.deal,
        "listing": facts.listing,
        "contract": certificate.contract,
        "f": facts,
        "qr_svg": qr_svg(url),
        "verify_url": url,
        "upper_total": rmb_upper(facts.total_value_fen),
        "header_left": HEADER,
        "header_right": f"鉴证书编号：{certificate.number}",
    }
    with translation.override("zh-hans"):
        return render_to_string("contract_documents/pdf/certificate.html", context)


def render_certificate_pdf(certificate, facts) -> tuple[bytes, int]:
    return write_pdf(certificate_html(certificate, facts))


NOTICE_TITLES = {
    "filing_notice": "土地经营权流转备案告知书",
    "registration_notice": "土地经营权登记告知书",
}


def notice_html(notice: dict, *, kind) -> str:
    """kind "filing_notice" (发包方备案, to the collective) or "registration_notice" (terms ≥ 5
    years), from the snapshot taken at issue (`Certificate.notice_facts`) only."""
    if kind == "filing_notice":
        addressee = notice["collective"]
    else:
        addressee = f"{notice['transferor']}、{notice['transferee']}"
    day = dt.date.fromisoformat
    context = {
        "n": notice,
        "kind": kind,
        "title": NOTICE_TITLES[kind],
        "addressee": addressee,
        "term_start": day(notice["term_start"]),
        "term_end": day(notice["term_end"]),
        "issued_on": day(notice["issued_on"]),
        "contract_signed_on": day(notice["contract_signed_on"])
        if notice["contract_signed_on"]
        else None,
        "header_left": HEADER,
        "header_right": f"鉴证书编号：{notice['certificate_number']}",
    }
    with translation.override("zh-hans"):
        return render_to_string("contract_documents/pdf/notice.html", context)


def render_notice_pdf(notice: dict, *, kind) -> tuple[bytes, int]:
    return write_pdf(notice_html(notice, kind=kind))
