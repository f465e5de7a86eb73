"""Who may do what with forest insurance (rules on marketplace.permissions' predicates).

Objects are a policy or a claim; both answer `policy`/`county_id` through `_policy(obj)`. The
insurer's household-list imports (`PolicyImport`) have their own predicate: a job belongs to the
insurer that uploaded it and to no county (its rows may lie anywhere in the prefecture).
"""

import rules

from marketplace.permissions import (
    is_active,
    is_exchange_staff,
    is_forestry_inspector,
    is_insurer,
    is_prefecture_reader,
    is_staff_reader,
    is_station_operator,
    reader_in_scope,
    staff_in_scope,
)


def _policy(obj):
    return getattr(obj, "policy", obj)


@rules.predicate
def insurer_of(user, obj):
    """The user's insurer wrote the policy."""
    return bool(obj is not None and user.insurer_id and _policy(obj).insurer_id == user.insurer_id)


@rules.predicate
def station_of(user, obj):
    """The station's township holds a parcel of the policy (where the land is, R-RIGHT-6)."""
    if obj is None or not is_station_operator(user) or not user.station_id:
        return False
    township = user.station.township_id
    return _policy(obj).parcels.filter(parcel__village__township_id=township).exists()


@rules.predicate
def inspector_in_county(user, obj):
    """A forestry inspector of the policy's county."""
    return bool(obj is not None and user.county_id and _policy(obj).county_id == user.county_id)


@rules.predicate
def holder_of(user, obj):
    """A household login among the policy's insured holders."""
    if obj is None or not is_active(user) or not user.household_id:
        return False
    return _policy(obj).holders.filter(household_id=user.household_id).exists()


@rules.predicate
def import_of_insurer(user, job):
    """The user's insurer uploaded the household list (a PolicyImport)."""
    return bool(job is not None and user.insurer_id and job.insurer_id == user.insurer_id)


insurer_in_scope = is_insurer & insurer_of
station_in_scope = is_station_operator & station_of
inspector_in_scope = is_forestry_inspector & inspector_in_county

rules.add_perm("insurance.record_policy", is_insurer | is_exchange_staff)
rules.add_perm("insurance.report_claim", insurer_in_scope | station_in_scope | staff_in_scope)
rules.add_perm("insurance.handle_claim", insurer_in_scope | staff_in_scope)
rules.add_perm("insurance.report_replanting", insurer_in_scope | station_in_scope)
rules.add_perm("insurance.inspect", inspector_in_scope)
rules.add_perm(
    "insurance.view_claim",
    insurer_in_scope | station_in_scope | inspector_in_scope | reader_in_scope | holder_of,
)
rules.add_perm("insurance.insurer_desk", is_insurer)
# The household list (R-INS-1): an insurer uploads its own; the job and its report of bad rows are
# read by that insurer and, as a job of no county, by the prefecture's staff and auditors (county
# staff read claims of their county only, and a list's rows may lie in any county).
rules.add_perm("insurance.import_policies", is_insurer)
rules.add_perm(
    "insurance.view_policy_import", (is_insurer & import_of_insurer) | is_prefecture_reader
)
rules.add_perm("insurance.inspector_desk", is_forestry_inspector)
rules.add_perm("insurance.station_desk", is_station_operator)
rules.add_perm("insurance.read_report", is_staff_reader)
