"""The access policy: who may see and do what, and in which county (docs/security.md).

One place decides access for every view, DRF permission, admin class and service that takes an
id from a request. It is built on the `rules` package: predicates here, permissions named
``<app>.<verb>_<noun>`` registered with ``rules.add_perm`` (the kernel's below, each app's in its
own ``permissions.py``, imported by its ``AppConfig.ready``), and asked everywhere the same way:

    from marketplace import permissions as policy
    policy.require(request.user, "contracts.manage_deal", deal)     # PermissionDenied otherwise
    request.user.has_perm("contracts.manage_deal", deal)            # views, templates, admin
    permission_classes = [policy.HasPerm("contracts.view_auction")] # DRF

Scope (ARCHITECTURE.md, roles and scope): exchange staff and auditors with a county see only that
county; without a county, the whole prefecture. Auditors read what the matching staff read and
never write. The kernel imports no domain app, so objects are read by duck typing: an object's
county is its ``policy_county_id`` property, else its ``county_id``, else that of its
``listing``, ``deal``, ``contract``, ``block``, ``policy`` or ``claim``.
"""

from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from rest_framework.permissions import BasePermission

STAFF = "exchange_staff"
AUDITOR = "auditor"
STATION_OPERATOR = "station_operator"
AGRIBUSINESS = "agribusiness"
HOUSEHOLD = "household"
STORAGE_OPERATOR = "storage_operator"
INSURER = "insurer"
FORESTRY_INSPECTOR = "forestry_inspector"

_PARENTS = (
    "listing",
    "deal",
    "contract",
    "block",
    "policy",
    "claim",
    "auction",
    "registration",
)


# ---------------------------------------------------------------- where an object belongs


def county_id_of(obj):
    """The county an object belongs to (its scope); ImproperlyConfigured if it has none.
    A County is its own scope."""
    meta = getattr(obj, "_meta", None)
    if meta is not None and meta.label_lower == "marketplace.county":
        return obj.pk
    for attr in ("policy_county_id", "county_id"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    for parent in _PARENTS:
        related = getattr(obj, parent, None)
        if related is not None:
            return county_id_of(related)
    raise ImproperlyConfigured(f"No county for {type(obj).__name__}: add policy_county_id.")


def township_id_of(obj):
    """The township an object belongs to (station scope), or None."""
    for attr in ("policy_township_id", "township_id"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    for parent in (*_PARENTS, "village", "household"):
        related = getattr(obj, parent, None)
        if related is not None:
            return township_id_of(related)
    return None


# ---------------------------------------------------------------- predicates on the user


@rules.predicate
def is_active(user):
    return bool(user and user.is_authenticated and user.is_active)


def _role(role):
    @rules.predicate(name=f"has_role_{role}")
    def has_role(user):
        return is_active(user) and getattr(user, "role", "") == role

    return has_role


is_superuser = rules.predicate(lambda user: is_active(user) and user.is_superuser, name="su")
is_exchange_staff = _role(STAFF) | is_superuser
is_auditor = _role(AUDITOR)
is_station_operator = _role(STATION_OPERATOR)
is_agribusiness = _role(AGRIBUSINESS)
is_household = _role(HOUSEHOLD)
is_storage_operator = _role(STORAGE_OPERATOR)
is_insurer = _role(INSURER)
is_forestry_inspector = _role(FORESTRY_INSPECTOR)
is_staff_reader = is_exchange_staff | is_auditor


@rules.predicate
def has_whole_prefecture(user):
    """No county on the login: the prefecture centre (or a superuser)."""
    return is_active(user) and (user.is_superuser or not user.county_id)


is_prefecture_staff = is_exchange_staff & has_whole_prefecture
is_prefecture_reader = is_staff_reader & has_whole_prefecture


# ---------------------------------------------------------------- predicates on user and object


@rules.predicate
def in_users_county(user, obj):
    """The object lies in the user's county, or the user has the whole prefecture."""
    if obj is None or not is_active(user):
        return False
    if user.is_superuser or not user.county_id:
        return True
    return county_id_of(obj) == user.county_id


@rules.predicate
def in_operators_township(user, obj):
    """A station operator's township holds the object (R-LIST-1, R-RIGHT-6: where the land is)."""
    if obj is None or not is_station_operator(user) or not user.station_id:
        return False
    return township_id_of(obj) == user.station.township_id


staff_in_scope = is_exchange_staff & in_users_county
reader_in_scope = is_staff_reader & in_users_county


@rules.predicate
def in_users_county_or_prefecture_table(user, county):
    """`county` None is a prefecture-wide row (rulebook default, holiday): prefecture staff only;
    a county (or an object with one): that county's staff, or the prefecture's."""
    if county is None:
        return has_whole_prefecture(user)
    return in_users_county(user, county)


@rules.predicate
def is_read_only(user):
    """Auditors read and never write (nor do anonymous users)."""
    return not is_active(user) or getattr(user, "role", "") == AUDITOR


# ---------------------------------------------------------------- the kernel's permissions

rules.add_perm("marketplace.read_staff_pages", is_staff_reader)
rules.add_perm("marketplace.write_staff_pages", is_exchange_staff)
rules.add_perm("marketplace.read_county", reader_in_scope)
rules.add_perm("marketplace.manage_county", staff_in_scope)
# Prefecture-wide tables: holidays, working-day overrides, rulebook defaults; prefecture-tier reviews.
rules.add_perm("marketplace.manage_prefecture", is_prefecture_staff)
rules.add_perm("marketplace.read_audit", is_staff_reader)
# Rulebook numbers: object = the county (or None for the prefecture-wide default).
rules.add_perm("marketplace.set_rule", is_exchange_staff & in_users_county_or_prefecture_table)
rules.add_perm("marketplace.read_sms_log", is_exchange_staff)  # it shows one-time codes


# ---------------------------------------------------------------- asking the policy


def require(user, perm: str, obj=None):
    """Raise PermissionDenied unless `user` has `perm` (on `obj`)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied
    return obj


def allowed(user, perm: str, obj=None) -> bool:
    return user.has_perm(perm, obj)


def permission_required(perm: str, obj_getter=None):
    """View decorator: login first, then `perm`, on the object `obj_getter(request, **kwargs)`
    returns (which may raise Http404) or on no object."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            obj = obj_getter(request, *args, **kwargs) if obj_getter else None
            require(request.user, perm, obj)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def scope_queryset(qs: QuerySet, user, *, county_path: str = "county") -> QuerySet:
    """Rows of `qs` a staff reader may see: their county's, or all for the prefecture; none for
    anyone else. `county_path` leads from the model to its County (e.g. "deal__listing__county")."""
    if not is_staff_reader(user):
        return qs.none()
    if user.is_superuser or not user.county_id:
        return qs
    return qs.filter(**{f"{county_path}_id": user.county_id})


def HasPerm(perm: str, *, on_object_only: bool = False):  # noqa: N802 (a class factory)
    """A DRF permission class asking `perm`: without an object in `has_permission` (unless
    `on_object_only`), with the object in `has_object_permission`."""

    class _HasPerm(BasePermission):
        def has_permission(self, request, view):
            if on_object_only:
                return bool(request.user and request.user.is_authenticated)
            return request.user.has_perm(perm)

        def has_object_permission(self, request, view, obj):
            return request.user.has_perm(perm, obj)

    _HasPerm.__name__ = f"HasPerm[{perm}]"
    return _HasPerm
