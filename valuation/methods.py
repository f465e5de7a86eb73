"""Which inputs each valuation method takes, how they are parsed, and the formula they feed.

Shared by the report service, the form and the quote API so the three can never disagree.
Inputs travel as JSON-friendly values: decimals as strings, pairs as [[age, amount], ...].
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from . import formulas

DECIMAL = "decimal"
YEARS = "years"  # a decimal number of years
PAIRS = "pairs"  # [(age or year, amount), ...]
AMOUNTS = "amounts"  # [amount, ...] year 1 first


@dataclass(frozen=True)
class InputSpec:
    name: str
    kind: str
    label: object
    help_text: object = ""
    required: bool = True


ANNUAL_INCOME = InputSpec(
    "annual_income",
    DECIMAL,
    _("Annual net income (yuan)"),
    _("For the whole area; default: benchmark rent × area."),
)
RATE = InputSpec("rate", DECIMAL, _("Capitalisation rate"), _("As a fraction: 0.05 means 5 %."))
YEARS_INPUT = InputSpec("years", YEARS, _("Term (years)"), _("May be fractional, e.g. 7.5."))
QUALITY = InputSpec(
    "quality_factor", DECIMAL, _("Quality factor K"), _("Stand quality adjustment; default 1.")
)

METHOD_INPUTS: dict[str, tuple[InputSpec, ...]] = {
    formulas.INCOME_CAPITALISATION: (ANNUAL_INCOME, RATE, YEARS_INPUT),
    formulas.GROWING_INCOME: (
        ANNUAL_INCOME,
        RATE,
        InputSpec(
            "growth", DECIMAL, _("Yearly income growth"), _("As a fraction, below the rate.")
        ),
        YEARS_INPUT,
    ),
    formulas.FOREST_MARKET_PRICE_BACK: (
        InputSpec("revenue", DECIMAL, _("Timber sales revenue W (yuan)")),
        InputSpec("costs", DECIMAL, _("Harvest costs C (yuan)")),
        InputSpec("profit", DECIMAL, _("Harvester's reasonable profit F (yuan)")),
    ),
    formulas.FOREST_HARVEST_PRESENT_VALUE: (
        QUALITY,
        InputSpec(
            "final_net_income",
            DECIMAL,
            _("Net income at final harvest A_u (yuan)"),
            _("Revenue less harvest costs at the rotation age."),
        ),
        InputSpec(
            "thinnings",
            PAIRS,
            _("Thinnings still to come (age: net income)"),
            _("One per line, e.g. 15: 1200."),
            required=False,
        ),
        InputSpec(
            "costs",
            PAIRS,
            _("Costs still to come (year: amount)"),
            _("One per line, e.g. 12: 300."),
            required=False,
        ),
        RATE,
        InputSpec("rotation_age", DECIMAL, _("Rotation age u (years)")),
        InputSpec("current_age", DECIMAL, _("Current stand age n (years)")),
    ),
    formulas.FOREST_REPLACEMENT_COST: (
        QUALITY,
        InputSpec(
            "yearly_costs",
            AMOUNTS,
            _("Cost of each year since planting (yuan)"),
            _("Year 1 first, separated by commas or new lines."),
        ),
        RATE,
    ),
    formulas.FOREST_ANNUITY: (ANNUAL_INCOME, RATE, YEARS_INPUT),
}

FORMULA_BY_METHOD = {
    formulas.INCOME_CAPITALISATION: formulas.income_capitalisation,
    formulas.GROWING_INCOME: formulas.growing_income_capitalisation,
    formulas.FOREST_MARKET_PRICE_BACK: formulas.forest_market_price_back,
    formulas.FOREST_HARVEST_PRESENT_VALUE: formulas.forest_harvest_present_value,
    formulas.FOREST_REPLACEMENT_COST: formulas.forest_replacement_cost,
    formulas.FOREST_ANNUITY: formulas.forest_annuity,
}


class InputError(ValueError):
    """A bad or missing input; `field` names it."""

    def __init__(self, field, message):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _decimal(field, value):
    if isinstance(value, bool | float) or value is None:
        raise InputError(field, _("Enter a number."))
    try:
        result = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise InputError(field, _("Enter a number.")) from None
    if not result.is_finite():
        raise InputError(field, _("Enter a number."))
    return result


def _is_blank(value):
    return value is None or (isinstance(value, str | list | tuple) and not value)


def parse_text(spec, text):
    """A form's text for one input → the JSON-friendly value (pairs from 'age: amount' lines)."""
    text = (text or "").strip()
    if spec.kind == PAIRS:
        pairs = []
        for line in text.replace("；", "\n").replace(";", "\n").splitlines():
            if not line.strip():
                continue
            parts = line.replace("：", ":").split(":")
            if len(parts) != 2:
                raise InputError(spec.name, _("Write each line as age: amount."))
            pairs.append([parts[0].strip(), parts[1].strip()])
        return pairs
    if spec.kind == AMOUNTS:
        items = text.replace("，", ",").replace("\n", ",").split(",")
        return [item.strip() for item in items if item.strip()]
    return text


def format_text(spec, value):
    """The JSON-friendly value → text for a form field."""
    if value is None:
        return ""
    if spec.kind == PAIRS:
        return "\n".join(f"{age}: {amount}" for age, amount in value)
    if spec.kind == AMOUNTS:
        return ", ".join(str(item) for item in value)
    return str(value)


def normalise(method, values, *, allow_perpetual=False):
    """Check presence and number format; return {name: JSON-friendly value} with every input.

    With allow_perpetual, a term (`years`) of None stays None: a perpetual income.
    """
    if method not in METHOD_INPUTS:
        raise InputError("method", _("Unknown valuation method."))
    result = {}
    for spec in METHOD_INPUTS[method]:
        value = values.get(spec.name)
        if spec.kind == YEARS and value is None and allow_perpetual:
            result[spec.name] = None
            continue
        if _is_blank(value):
            if spec.required:
                raise InputError(spec.name, _("This input is required."))
            result[spec.name] = []
            continue
        if spec.kind == PAIRS:
            if not isinstance(value, list | tuple):
                raise InputError(spec.name, _("Write each line as age: amount."))
            pairs = []
            for pair in value:
                if not isinstance(pair, list | tuple) or len(pair) != 2:
                    raise InputError(spec.name, _("Write each line as age: amount."))
                pairs.append([str(_decimal(spec.name, pair[0])), str(_decimal(spec.name, pair[1]))])
            result[spec.name] = pairs
        elif spec.kind == AMOUNTS:
            if not isinstance(value, list | tuple):
                raise InputError(spec.name, _("Separate the amounts with commas."))
            result[spec.name] = [str(_decimal(spec.name, item)) for item in value]
        else:
            result[spec.name] = str(_decimal(spec.name, value))
    return result


def compute(method, values, *, allow_perpetual=False):
    """Run the method's formula on normalised inputs; a refusal becomes an InputError."""
    normalised = normalise(method, values, allow_perpetual=allow_perpetual)
    kwargs = {}
    for spec in METHOD_INPUTS[method]:
        value = normalised[spec.name]
        if value is None:
            kwargs[spec.name] = None
        elif spec.kind == PAIRS:
            kwargs[spec.name] = [(Decimal(a), Decimal(b)) for a, b in value]
        elif spec.kind == AMOUNTS:
            kwargs[spec.name] = [Decimal(item) for item in value]
        else:
            kwargs[spec.name] = Decimal(value)
    try:
        return FORMULA_BY_METHOD[method](**kwargs)
    except ValueError as exc:
        field, _sep, detail = str(exc).partition(": ")
        raise InputError(field.split("[")[0], translated_refusal(field, detail)) from None


def translated_refusal(field, detail):
    """The formula's English refusal as a sentence a Chinese user can read."""
    if "must not be negative" in detail:
        return _("Must not be negative.")
    if "greater than 0" in detail:
        return _("Must be greater than 0.")
    if field == "growth":
        return _("The growth must be below the rate (and above -1).")
    if field == "current_age":
        return _("The current age must not be beyond the rotation age.")
    if field.startswith("thinnings"):
        return _("Each thinning must come after the current age and by the rotation age.")
    if field.startswith("costs"):
        return _("Each cost year must lie between the current age and the rotation age.")
    if field.startswith("yearly_costs"):
        return _("Enter at least one year's cost.")
    return _("This value is not acceptable.")
