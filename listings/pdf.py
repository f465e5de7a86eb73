"""The one-page summary of a filed listing, handed to the household (WeasyPrint, A4, Chinese)."""

from django.template.loader import render_to_string
from django.utils import timezone

from .checks import total_value_fen
from .geometry import render_svg


def render_listing_summary_pdf(listing) -> bytes:
    from weasyprint import HTML

    parcels = list(listing.parcels.order_by("code"))
    html = render_to_string(
        "listings/pdf/summary.html",
        {
            "listing": listing,
            "parcels": parcels,
            "household": listing.transferor_household,
            "entrustment": listing.entrustment,
            "total_value_fen": total_value_fen(listing),
            "parcel_map": render_svg(
                [{"geometry": p.geometry, "label": p.name} for p in parcels if p.geometry],
                width=360,
                height=200,
            ),
            "printed_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()
