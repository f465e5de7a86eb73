"""The valuation report as a Chinese A4 PDF (WeasyPrint, Noto Sans CJK SC)."""

from django.template.loader import render_to_string
from django.utils import translation

from . import methods


def input_rows(report):
    values = report.inputs.get("values", {})
    table = report.inputs.get("table_values", {})
    sources = report.inputs.get("sources", {})
    overridden = set(report.inputs.get("overridden", []))
    rows = []
    for spec in methods.METHOD_INPUTS.get(report.method, ()):
        rows.append(
            {
                "label": spec.label,
                "value": methods.format_text(spec, values.get(spec.name)),
                "table": methods.format_text(spec, table.get(spec.name)),
                "source": sources.get(spec.name, ""),
                "overridden": spec.name in overridden,
            }
        )
    return rows


def render_valuation_report_pdf(report) -> bytes:
    """R-VAL-3: the report's content, inputs and result; no saving here."""
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string(
            "valuation/report_pdf.html", {"report": report, "rows": input_rows(report)}
        )
    return HTML(string=html).write_pdf()
