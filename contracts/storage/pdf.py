"""The storage contract as a Chinese A4 PDF (WeasyPrint), from its own model text. Saves nothing."""

from django.template.loader import render_to_string
from django.utils import translation

from contracts.documents.maps import parcel_map_svg
from contracts.documents.pdf import HEADER, rmb_upper, write_pdf
from marketplace.money import round_half_up

from .money import term_years

TITLE = "农村土地保底价收储合同"


def storage_contract_html(contract) -> str:
    offer = contract.offer
    lines = list(offer.lines.select_related("parcel__village__township").order_by("parcel__code"))
    parcels = [line.parcel for line in lines]
    context = {
        "c": contract,
        "offer": offer,
        "household": contract.household,
        "centre": contract.storage_center,
        "lines": lines,
        "title": TITLE,
        "years": round_half_up(term_years(contract.term_start, contract.term_end), 2),
        "upper": {
            "annual": rmb_upper(contract.annual_guarantee_fen),
            "total": rmb_upper(contract.total_fen),
        },
        "map_svg": parcel_map_svg([{"geometry": p.geometry, "code": p.code} for p in parcels]),
        "header_left": HEADER,
        "header_right": f"合同编号：{contract.number}",
    }
    with translation.override("zh-hans"):
        return render_to_string("storage/pdf/contract.html", context)


def render_storage_contract_pdf(contract) -> bytes:
    data, _pages = write_pdf(storage_contract_html(contract))
    return data
