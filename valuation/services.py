"""Writes of the valuation app: reports (R-VAL-3), benchmark rows, price observations (R-VAL-4).

Other apps call these (listings at review and approval, contracts when a deal completes); the
valuation app never imports them back.
"""

import hashlib
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace import audit
from marketplace.choices import AgeClass, LandClass, RightType
from marketplace.io_guard import refuse_in_transaction
from marketplace.money import fen_to_yuan, round_yuan, yuan_to_fen

from . import formulas, methods, selectors
from .models import PriceObservation, ValuationReport

Method = ValuationReport.Method
FOREST_METHODS = {
    Method.FOREST_MARKET_PRICE_BACK,
    Method.FOREST_HARVEST_PRESENT_VALUE,
    Method.FOREST_REPLACEMENT_COST,
    Method.FOREST_ANNUITY,
}


def _money(value) -> str:
    return str(round_yuan(value))


def _positive_decimal(field, value):
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not result.is_finite() or result <= 0:
        raise ValidationError({field: _("Must be greater than 0.")})
    return result


def suggest_method(*, right_type, age_class=None, stable_income=False) -> str:
    """R-VAL-1/2: land → income capitalisation; forest → by age class (no age class → annuity)."""
    if right_type != RightType.FOREST:
        return Method.INCOME_CAPITALISATION
    if not stable_income and not age_class:
        return Method.FOREST_ANNUITY  # the forest land's rent is the stable income left to value
    return formulas.suggest_forest_method(age_class=age_class, stable_income=stable_income)


def _income_prefill(ctx, inputs, sources):
    rent = selectors.benchmark_rent_get(
        county=ctx["county"], land_class=ctx["land_class"], township=ctx["township"], on=ctx["on"]
    )
    if rent is not None:
        inputs["annual_income"] = _money(fen_to_yuan(rent.rent_per_mu_year_fen) * ctx["area"])
        sources["annual_income"] = f"{rent.source} ({rent.effective_from.isoformat()})"
    inputs["years"] = str(ctx["term"])


def _forest_prefill(method, ctx, inputs, sources):
    row = None
    if ctx["species"]:
        row = selectors.forest_parameter_get(
            county=ctx["county"], species=ctx["species"], township=ctx["township"], on=ctx["on"]
        )
    if row is None:
        return
    source = f"{row.source} ({row.effective_from.isoformat()})"
    price, cost = fen_to_yuan(row.stumpage_price_fen), fen_to_yuan(row.harvest_cost_fen)
    area, age = ctx["area"], ctx["stand_age"]
    if method == Method.FOREST_MARKET_PRICE_BACK:
        volume = row.yield_for(ctx["age_class"] or AgeClass.MATURE) * area
        inputs.update(
            revenue=_money(volume * price),
            costs=_money(volume * cost),
            profit=_money(volume * cost * row.profit_rate),
        )
        names = ("revenue", "costs", "profit")
    elif method == Method.FOREST_HARVEST_PRESENT_VALUE:
        tending = fen_to_yuan(row.tending_cost_per_mu_year_fen) * area
        inputs.update(
            final_net_income=_money(row.yield_mature * area * (price - cost)),
            rotation_age=str(row.rotation_age),
        )
        names = ("final_net_income", "rotation_age")
        if age is not None and age <= row.rotation_age:
            inputs["costs"] = [[str(i), _money(tending)] for i in range(age, row.rotation_age)]
            names += ("costs",)
    else:  # replacement cost: planting in year 1, tending in the later years
        if age is None or age < 1:
            return
        planting = fen_to_yuan(row.planting_cost_per_mu_fen) * area
        tending = fen_to_yuan(row.tending_cost_per_mu_year_fen) * area
        inputs["yearly_costs"] = [_money(planting)] + [_money(tending)] * (age - 1)
        names = ("yearly_costs",)
    for name in names:
        sources[name] = source


def _table_inputs(method, ctx):
    """The inputs the benchmark tables give for `method`, and where each came from."""
    inputs, sources = {}, {}
    rate = selectors.capitalisation_rate_get(
        county=ctx["county"], land_class=ctx["land_class"], township=ctx["township"], on=ctx["on"]
    )
    names = {spec.name for spec in methods.METHOD_INPUTS[method]}
    if "rate" in names:
        inputs["rate"] = format((rate.rate if rate else selectors.DEFAULT_RATE).normalize(), "f")
        sources["rate"] = (
            f"{rate.source} ({rate.effective_from.isoformat()})"
            if rate
            else str(_("Default of rule %(rule)s") % {"rule": "R-VAL-1"})
        )
    if "quality_factor" in names:
        inputs["quality_factor"] = "1"
        sources["quality_factor"] = str(_("Default of rule %(rule)s") % {"rule": "R-VAL-2"})
    if "current_age" in names and ctx["stand_age"] is not None:
        inputs["current_age"] = str(ctx["stand_age"])
    if method == Method.GROWING_INCOME:
        inputs["growth"] = "0"
    if method in (Method.INCOME_CAPITALISATION, Method.GROWING_INCOME, Method.FOREST_ANNUITY):
        _income_prefill(ctx, inputs, sources)
    else:
        _forest_prefill(method, ctx, inputs, sources)
    return inputs, sources


def _context(*, county, township, land_class, area_mu, term_years, **extra):
    return {
        "county": county,
        "township": township,
        "land_class": land_class,
        "area": _positive_decimal("area_mu", area_mu),
        "term": _positive_decimal("term_years", term_years),
        "species": extra.get("species") or "",
        "age_class": extra.get("age_class") or "",
        "stand_age": extra.get("stand_age"),
        "on": extra.get("on") or timezone.localdate(),
    }


def valuation_suggest(
    *,
    right_type,
    land_class,
    area_mu,
    county,
    township=None,
    term_years,
    age_class=None,
    species=None,
    stable_income=False,
    stand_age=None,
    method=None,
    on=None,
) -> dict:
    """The method R-VAL-1/2 suggests (or `method`) with inputs prefilled from the tables on `on`."""
    suggested = suggest_method(
        right_type=right_type, age_class=age_class, stable_income=stable_income
    )
    method = method or suggested
    if method not in Method.values:
        raise ValidationError({"method": _("Choose a valuation method.")})
    ctx = _context(
        county=county,
        township=township,
        land_class=land_class,
        area_mu=area_mu,
        term_years=term_years,
        species=species,
        age_class=age_class,
        stand_age=stand_age,
        on=on,
    )
    inputs, sources = _table_inputs(method, ctx)
    return {"method": method, "suggested_method": suggested, "inputs": inputs, "sources": sources}


def _flat(value):
    if isinstance(value, list | tuple):
        return [x for item in value for x in _flat(item)]
    return [Decimal(value)]


def _same(entered, table):
    return _flat(entered) == _flat(table)


def _overridden(method, entered, table):
    return [
        spec.name
        for spec in methods.METHOD_INPUTS[method]
        if spec.name in table and not _same(entered[spec.name], table[spec.name])
    ]


def _reference_price(value, *, rate, term, area) -> Decimal:
    """The annual amount per mu whose present value over the term is `value` (docs/valuation.md)."""
    factor = formulas.income_capitalisation(annual_income=1, rate=rate, years=term)
    return value / factor / area


def _validate_subject(*, subject_label, county, township, land_class, method):
    if not (subject_label or "").strip():
        raise ValidationError({"subject_label": _("Name what is valued.")})
    if township is not None and township.county_id != county.pk:
        raise ValidationError({"township": _("The township is not in this county.")})
    if land_class not in LandClass.values:
        raise ValidationError({"land_class": _("Choose a land class.")})
    if method not in Method.values:
        raise ValidationError({"method": _("Choose a valuation method.")})


def _evaluate(method, inputs, ctx, overrides_reason):
    """Normalise, compare with the tables, compute: (stored inputs, unrounded value, rate)."""
    try:
        entered = methods.normalise(method, inputs)
        value = methods.compute(method, entered)
    except methods.InputError as exc:
        raise ValidationError({exc.field: exc.message}) from None
    if value < 0:
        field = "revenue" if method == Method.FOREST_MARKET_PRICE_BACK else "final_net_income"
        raise ValidationError(
            {field: _("The income does not cover the costs: the value would be negative.")}
        )
    table, sources = _table_inputs(method, ctx)
    overridden = _overridden(method, entered, table)
    if overridden and not (overrides_reason or "").strip():
        raise ValidationError(
            {"overrides_reason": _("Say why the inputs differ from the benchmark tables.")}
        )
    rate = Decimal(entered.get("rate") or table.get("rate") or selectors.DEFAULT_RATE)
    stored = {
        "values": entered,
        "table_values": table,
        "sources": sources,
        "overridden": overridden,
        "overrides_reason": (overrides_reason or "").strip() if overridden else "",
        "reference_rate": str(rate),
    }
    return stored, value, rate


def valuation_report_create(
    *,
    valuer,
    subject_label,
    county,
    township,
    land_class,
    area_mu,
    term_years,
    method,
    inputs,
    overrides_reason="",
    species=None,
    age_class=None,
    stand_age=None,
    supersedes=None,
    on=None,
) -> ValuationReport:
    """R-VAL-3: value a subject, store every input with the result; nothing saved on bad input."""
    _validate_subject(
        subject_label=subject_label,
        county=county,
        township=township,
        land_class=land_class,
        method=method,
    )
    ctx = _context(
        county=county,
        township=township,
        land_class=land_class,
        area_mu=area_mu,
        term_years=term_years,
        species=species,
        age_class=age_class,
        stand_age=stand_age,
        on=on,
    )
    stored, value, rate = _evaluate(method, inputs, ctx, overrides_reason)
    stored.update(species=ctx["species"], age_class=ctx["age_class"], stand_age=stand_age)
    reference = _reference_price(value, rate=rate, term=ctx["term"], area=ctx["area"])
    with transaction.atomic():
        if supersedes is not None:
            supersedes = ValuationReport.objects.select_for_update().get(pk=supersedes.pk)
            if ValuationReport.objects.filter(supersedes=supersedes).exists():
                raise ValidationError({"supersedes": _("This report has already been replaced.")})
        report = ValuationReport.objects.create(
            subject_label=subject_label.strip(),
            county=county,
            township=township,
            land_class=land_class,
            area_mu=ctx["area"],
            term_years=ctx["term"],
            method=method,
            inputs=stored,
            formula_version=formulas.FORMULA_VERSION,
            value_fen=yuan_to_fen(value),
            reference_price_per_mu_year_fen=yuan_to_fen(reference),
            valuer=valuer,
            supersedes=supersedes,
        )
        audit.record(
            action="valuation.report_created",
            obj=report,
            actor=valuer,
            payload={
                "method": method,
                "value_fen": report.value_fen,
                "overridden": stored["overridden"],
                "supersedes": supersedes.pk if supersedes else None,
            },
        )
        transaction.on_commit(partial(_queue_pdf, report.pk))
    return report


def _queue_pdf(report_id):
    from .tasks import render_valuation_report_pdf_task

    render_valuation_report_pdf_task.delay(report_id)


def valuation_report_supersede(
    *, report, valuer, inputs, method=None, overrides_reason="", **changes
) -> ValuationReport:
    """R-VAL-3: a new report replacing `report` (which stays as it was, locked or not)."""
    fields = {
        "subject_label": report.subject_label,
        "county": report.county,
        "township": report.township,
        "land_class": report.land_class,
        "area_mu": report.area_mu,
        "term_years": report.term_years,
        "species": report.inputs.get("species"),
        "age_class": report.inputs.get("age_class"),
        "stand_age": report.inputs.get("stand_age"),
    }
    fields.update(changes)
    return valuation_report_create(
        valuer=valuer,
        method=method or report.method,
        inputs=inputs,
        overrides_reason=overrides_reason,
        supersedes=report,
        **fields,
    )


def valuation_report_lock(*, report, actor=None) -> ValuationReport:
    """R-VAL-3: freeze the report (the listings app calls this when it approves the listing)."""
    with transaction.atomic():
        report = ValuationReport.objects.select_for_update().get(pk=report.pk)
        if report.locked_at is None:
            report.locked_at = timezone.now()
            report.save(update_fields=["locked_at"])
            audit.record(action="valuation.report_locked", obj=report, actor=actor)
    return report


def valuation_report_attach_pdf(*, report_id) -> ValuationReport:
    """Render the report's PDF once and store it with its SHA-256 (idempotent).

    Rendered and written with no transaction open (marketplace.io_guard); recorded in a short
    transaction under the report's lock only if no PDF was stored meanwhile (else the file of
    this render is deleted)."""
    from .pdf import render_valuation_report_pdf

    report = ValuationReport.objects.get(pk=report_id)
    if report.pdf_sha256:
        return report
    data = render_valuation_report_pdf(report)
    refuse_in_transaction("document storage write")
    stored = ValuationReport(pk=report.pk)
    stored.pdf.save(f"valuation-report-{report.pk}.pdf", ContentFile(data), save=False)
    with transaction.atomic(durable=True):
        report = ValuationReport.objects.select_for_update().get(pk=report_id)
        stored_first = bool(report.pdf_sha256)
        if not stored_first:
            report.pdf_sha256 = hashlib.sha256(data).hexdigest()
            report.pdf = stored.pdf.name
            report.save(update_fields=["pdf", "pdf_sha256"])
            audit.record(
                action="valuation.report_pdf_rendered",
                obj=report,
                payload={"sha256": report.pdf_sha256},
            )
    if stored_first:
        stored.pdf.storage.delete(stored.pdf.name)
    return report


def reference_price_per_mu_year(report) -> Decimal:
    """R-LIST-4 reference: the report's value as an annual amount per mu, in yuan."""
    return fen_to_yuan(report.reference_price_per_mu_year_fen)


def benchmark_row_add(*, actor, model, **fields):
    """Add a benchmark row (history is kept: figures change by adding rows, never editing)."""
    row = model(created_by=actor, **fields)
    row.full_clean()
    with transaction.atomic():
        row.save()
        audit.record(
            action="valuation.benchmark_added",
            obj=row,
            actor=actor,
            payload={k: v for k, v in fields.items() if isinstance(v, int | str | Decimal)},
        )
    return row


def price_observation_record(
    *, township, land_class, price_per_mu_year_fen, area_mu, completed_on, source_ref
) -> PriceObservation:
    """R-VAL-4: record a completed deal's price; a second call with the same source_ref is a no-op."""
    if land_class not in LandClass.values:
        raise ValidationError({"land_class": _("Choose a land class.")})
    if isinstance(price_per_mu_year_fen, bool) or not isinstance(price_per_mu_year_fen, int):
        raise ValidationError({"price_per_mu_year_fen": _("Give the price as integer fen.")})
    if price_per_mu_year_fen < 0:
        raise ValidationError({"price_per_mu_year_fen": _("Must not be negative.")})
    area = _positive_decimal("area_mu", area_mu)
    if not (source_ref or "").strip():
        raise ValidationError({"source_ref": _("Name the deal this price comes from.")})
    with transaction.atomic():
        observation, created = PriceObservation.objects.get_or_create(
            source_ref=source_ref.strip(),
            defaults={
                "township": township,
                "land_class": land_class,
                "price_per_mu_year_fen": price_per_mu_year_fen,
                "area_mu": area,
                "completed_on": completed_on,
            },
        )
        if created:
            audit.record(
                action="valuation.price_observed",
                obj=observation,
                payload={"source_ref": observation.source_ref, "fen": price_per_mu_year_fen},
            )
    return observation
