"""The rulebook's numbers that exchange staff change (RULES.md, header: every number marked
[practice] or [default] is a setting, per county and per right type where offered).

Apps declare their numbers once, at start-up (`define(...)` in their `AppConfig.ready`), with the
rule they come from and the value RULES.md seeds. Code asks `value(key, county=..., right_type=...)`
and gets, in this order: the county's value for that right type, the county's value, the
prefecture's value for that right type, the prefecture's value, the deployment's seed
(`settings.RULEBOOK`, or the caller's own settings dict), the rulebook default.

Staff change values on the console page "规则参数" (`marketplace:rulebook`); every change is in
the audit log with its reason. Each process keeps the table in memory and re-reads it after
`RULEBOOK_CACHE_SECONDS` (and at once after a change made in the same process), so a hot path
such as bidding never waits for it.
"""

import re
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .errors import Invalid, NotAllowed
from .money import round_half_up

# ---------------------------------------------------------------- kinds of number

DECIMAL_TEXT = re.compile(r"\A[0-9]+(\.[0-9]+)?\Z")  # ASCII digits only, no exponent


@dataclass(frozen=True)
class Count:
    """A whole number (days, minutes, mu, years, an hour of the day)."""

    minimum: int = 0
    maximum: int | None = None
    unit: str = ""

    def parse(self, text):
        text = str(text).strip()
        digits = text[1:] if text.startswith("-") else text
        if not (digits.isascii() and digits.isdigit()):  # not ８, ٨ or ² (int() takes them)
            raise ValueError(_("a whole number"))
        number = int(text)
        if number < self.minimum or (self.maximum is not None and number > self.maximum):
            if self.maximum is None:
                raise ValueError(_("at least %(min)s") % {"min": self.minimum})
            raise ValueError(
                _("between %(min)s and %(max)s") % {"min": self.minimum, "max": self.maximum}
            )
        return number

    def show(self, value):
        return f"{value} {self.unit}".strip()


@dataclass(frozen=True)
class Share:
    """A factor or a share, e.g. 0.8 or 0.30 (at most 4 decimals)."""

    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal(1)

    def parse(self, text):
        text = str(text).strip()
        if not DECIMAL_TEXT.match(text):
            raise ValueError(_("a decimal number such as 0.8"))
        number = Decimal(text)
        if number.as_tuple().exponent < -4:
            raise ValueError(_("a decimal number with at most 4 decimals"))
        if not self.minimum <= number <= self.maximum:
            raise ValueError(
                _("between %(min)s and %(max)s") % {"min": self.minimum, "max": self.maximum}
            )
        return number

    def show(self, value):
        return f"{value}"


@dataclass(frozen=True)
class Percent:
    """A rate entered and shown in per cent (30 → 30 %); code receives the fraction (0.30)."""

    maximum: Decimal = Decimal(100)

    def parse(self, text):
        text = str(text).strip().removesuffix("%").strip()
        if not DECIMAL_TEXT.match(text):
            raise ValueError(_("a percentage such as 30 or 1.3"))
        number = Decimal(text)
        if number.as_tuple().exponent < -2:
            raise ValueError(_("a percentage with at most 2 decimals"))
        if number > self.maximum:
            raise ValueError(_("at most %(max)s %%") % {"max": self.maximum})
        return number / 100

    def show(self, value):
        return f"{_percent_text(value)} %"


def _percent_text(fraction) -> str:
    return format((Decimal(fraction) * 100).normalize(), "f")


@dataclass(frozen=True)
class Yuan:
    """An amount entered in whole yuan; code receives integer fen."""

    minimum: int = 0

    def parse(self, text):
        text = str(text).strip().replace(",", "")
        if not (text.isascii() and text.isdigit()):
            raise ValueError(_("whole yuan, e.g. 300000"))
        if int(text) < self.minimum:
            raise ValueError(_("at least %(min)s yuan") % {"min": self.minimum})
        return int(text) * 100

    def show(self, value):
        return _("%(yuan)s yuan") % {"yuan": f"{Decimal(value) / 100:,.0f}"}


@dataclass(frozen=True)
class Number:
    key: str
    rule: str
    section: str
    label: str
    default: str
    kind: Count | Share | Percent | Yuan
    by_right_type: bool = False
    help_text: str = ""
    order: int = field(default=0, compare=False)

    def parse(self, text):
        return self.kind.parse(text)

    def show(self, value):
        return self.kind.show(value)

    @property
    def default_value(self):
        return self.kind.parse(self.default)


REGISTRY: dict[str, Number] = {}


def define(key, *, rule, section, label, default, kind, by_right_type=False, help_text=""):
    """Declare a number (idempotent: `ready()` may run twice in tests)."""
    number = Number(
        key=key,
        rule=rule,
        section=section,
        label=label,
        default=str(default),
        kind=kind,
        by_right_type=by_right_type,
        help_text=help_text,
        order=len(REGISTRY),
    )
    number.default_value  # noqa: B018  (a bad default fails at start-up, not at use)
    REGISTRY.setdefault(key, number)
    return REGISTRY[key]


RULE_ORDER = (
    "R-TIME", "R-RIGHT", "R-LIST", "R-REG", "R-MODE", "R-BID", "R-DEAL", "R-FAIL", "R-STORE"
)  # fmt: skip


def _rule_key(rule: str):
    """R-LIST-5 → (position of R-LIST in RULES.md, 5): the order a reader of RULES.md expects."""
    prefix, _sep, number = rule.rpartition("-")
    position = RULE_ORDER.index(prefix) if prefix in RULE_ORDER else len(RULE_ORDER)
    return (position, int(number) if number.isdigit() else 0)


def numbers() -> list[Number]:
    """Every number, in the order of RULES.md (then as declared)."""
    return sorted(REGISTRY.values(), key=lambda n: (*_rule_key(n.rule), n.order))


# ---------------------------------------------------------------- reading


_cache: dict = {"at": None, "rows": {}, "generation": 0}


def _ttl() -> float:
    return float(getattr(settings, "RULEBOOK_CACHE_SECONDS", 30))


def forget():
    """Drop this process's copy (after a change, and in tests)."""
    _cache["generation"] += 1
    _cache["at"] = None  # rows stay: a thread past its freshness check still reads a full table


def _changed_in_this_transaction() -> bool:
    """This connection changed a number and has not committed yet (`forget` waits in its
    on-commit list; a rollback drops it): read that change, but do not keep it for the process."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        entry[1] is forget for entry in connection.run_on_commit
    )


def _rows() -> dict:
    now = time.monotonic()
    ttl = _ttl()
    uncommitted = _changed_in_this_transaction()
    if not uncommitted and _cache["at"] is not None and ttl > 0 and now - _cache["at"] < ttl:
        return _cache["rows"]
    from .models import RuleSetting

    generation = _cache["generation"]
    rows = {}
    for key, county_id, right_type, text in RuleSetting.objects.values_list(
        "key", "county_id", "right_type", "value"
    ):
        number = REGISTRY.get(key)
        if number is None:
            continue  # a number no longer defined: kept for history, not used
        try:
            rows[(key, county_id, right_type)] = number.parse(text)
        except ValueError:
            continue  # never stored through the service; ignore rather than fail every read
    # Not kept if a change was forgotten meanwhile (another thread): these rows may predate it.
    if not uncommitted and _cache["generation"] == generation:
        _cache["rows"], _cache["at"] = rows, now
    return rows


def _county_id(county):
    if county is None:
        return None
    return getattr(county, "pk", county)


def value(key, *, county=None, right_type="", seed=None):
    """The number in force for this county and right type (see the module docstring)."""
    number = REGISTRY[key]
    rows = _rows()
    county_id = _county_id(county)
    right_type = right_type if number.by_right_type else ""
    scopes = []
    if county_id is not None:
        if right_type:
            scopes.append((county_id, right_type))
        scopes.append((county_id, ""))
    if right_type:
        scopes.append((None, right_type))
    scopes.append((None, ""))
    for scope in scopes:
        found = rows.get((key, *scope))
        if found is not None:
            return found
    configured = getattr(settings, "RULEBOOK", {}).get(key, seed)
    if configured is not None:
        return number.parse(configured) if isinstance(configured, str) else configured
    return number.default_value


def source_of(key, *, county=None, right_type=""):
    """Where `value` comes from, for the staff page: 'county', 'prefecture' or 'default'."""
    number = REGISTRY[key]
    rows = _rows()
    county_id = _county_id(county)
    right_type = right_type if number.by_right_type else ""
    if county_id is not None and (
        (key, county_id, right_type) in rows or (key, county_id, "") in rows
    ):
        return "county"
    if (key, None, right_type) in rows or (key, None, "") in rows:
        return "prefecture"
    return "default"


# ---------------------------------------------------------------- changing


class SettingInvalid(Invalid):
    code = "rule_setting_invalid"


def can_change(user, county=None) -> bool:
    """Exchange staff change their own county's numbers; prefecture staff (no county) any, and
    the prefecture-wide defaults. The policy's `marketplace.set_rule` decides."""
    from types import SimpleNamespace

    if user is None or not user.is_authenticated:
        return False
    county_id = _county_id(county)
    return user.has_perm(
        "marketplace.set_rule", None if county_id is None else SimpleNamespace(county_id=county_id)
    )


def setting_change(*, key, county=None, right_type="", value_text, reason, actor):
    """Set a number for a scope; refuses bad values with the field named. Audited."""
    from .choices import RightType
    from .models import RuleSetting

    number = REGISTRY.get(key)
    if number is None:
        raise SettingInvalid(_("Setting: unknown setting."), field="key")
    if not can_change(actor, county):
        raise NotAllowed(_("You may change the numbers of your own county only."))
    right_type = (right_type or "").strip()
    if right_type and (not number.by_right_type or right_type not in RightType.values):
        raise SettingInvalid(
            _("Right type: this number is not set per right type."), field="right_type"
        )
    reason = (reason or "").strip()
    if not reason:
        raise SettingInvalid(_("Reason: say why the number changes."), field="reason")
    try:
        parsed = number.parse(value_text)
    except ValueError as exc:
        raise SettingInvalid(
            _("Value: must be %(what)s (%(rule)s).") % {"what": exc, "rule": number.rule},
            field="value",
        ) from None
    text = _canonical(number, parsed)
    county_id = _county_id(county)
    with transaction.atomic():
        # No default ordering here: it joins the county, and PostgreSQL refuses FOR UPDATE on
        # the nullable side of an outer join.
        row = (
            RuleSetting.objects.select_for_update()
            .filter(key=key, county_id=county_id, right_type=right_type)
            .order_by()
            .first()
        )
        old = row.value if row else None
        if row is None:
            row = RuleSetting(key=key, county_id=county_id, right_type=right_type)
        row.value, row.reason, row.changed_by = text, reason[:200], actor
        row.changed_at = _now()
        row.save()
        audit.record(
            action="rulebook.changed",
            obj=row,
            actor=actor,
            payload={
                "key": key,
                "rule": number.rule,
                "county": county_id,
                "right_type": right_type,
                "old": old,
                "new": text,
                "reason": reason,
            },
        )
        transaction.on_commit(forget)
    forget()
    return row


def setting_reset(*, setting, reason, actor):
    """Remove a scope's value: the next wider scope (or the default) applies again. Audited."""
    if not can_change(actor, setting.county_id):
        raise NotAllowed(_("You may change the numbers of your own county only."))
    reason = (reason or "").strip()
    if not reason:
        raise SettingInvalid(_("Reason: say why the number changes."), field="reason")
    number = REGISTRY.get(setting.key)
    with transaction.atomic():
        audit.record(
            action="rulebook.reset",
            obj=setting,
            actor=actor,
            payload={
                "key": setting.key,
                "rule": number.rule if number else "",
                "county": setting.county_id,
                "right_type": setting.right_type,
                "old": setting.value,
                "reason": reason,
            },
        )
        setting.delete()
        transaction.on_commit(forget)
    forget()


def _canonical(number, parsed) -> str:
    if isinstance(number.kind, Yuan):
        return str(parsed // 100)
    if isinstance(number.kind, Percent):
        return _percent_text(parsed)
    if isinstance(parsed, Decimal):
        return str(round_half_up(parsed, 4).normalize())
    return str(parsed)


def _now():
    from django.utils import timezone

    return timezone.now()


SECTION_LISTING = gettext_lazy("Listing and announcement")
SECTION_REGISTRATION = gettext_lazy("Registration and deposit")
SECTION_AUCTION = gettext_lazy("Trading mode and auction")
SECTION_DEAL = gettext_lazy("After the auction")
SECTION_STORAGE = gettext_lazy("Floor-price storage")
SECTION_INSURANCE = gettext_lazy("Forest insurance")
