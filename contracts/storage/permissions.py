"""Who may see and do what in floor-price storage (marketplace/permissions.py, issue 11).

Storage operators act for their county's storage centre; the station operator of the township
where the household's land lies makes offers, records the household's decision and witnesses its
signature; exchange staff and auditors read in their scope; auditors never write.
"""

import rules

from marketplace.permissions import (
    county_id_of,
    in_operators_township,
    is_active,
    is_staff_reader,
    is_station_operator,
    is_storage_operator,
    reader_in_scope,
)


def _county_id(obj):
    village = getattr(obj, "village", None)
    if village is not None and not hasattr(obj, "county_id"):
        return village.township.county_id
    return county_id_of(obj)


@rules.predicate
def in_storage_operators_county(user, obj):
    """A storage operator whose centre is the county's (the object's county)."""
    if obj is None or not is_storage_operator(user) or not user.storage_center_id:
        return False
    return _county_id(obj) == user.storage_center.county_id


@rules.predicate
def household_in_operators_township(user, obj):
    return is_active(user) and in_operators_township(user, obj)


can_read = in_storage_operators_county | reader_in_scope | household_in_operators_township

rules.add_perm("storage.view_pages", is_storage_operator | is_staff_reader | is_station_operator)
rules.add_perm("storage.operate", is_storage_operator)
rules.add_perm("storage.view_storage", can_read)
rules.add_perm("storage.make_offer", in_storage_operators_county | household_in_operators_township)
rules.add_perm("storage.decide_offer", household_in_operators_township)
rules.add_perm("storage.witness_contract", household_in_operators_township)
rules.add_perm("storage.sign_for_centre", in_storage_operators_county)
rules.add_perm("storage.pay_guarantee", in_storage_operators_county)


@rules.predicate
def storage_operator_of_county(user, county):
    return (
        county is not None
        and is_storage_operator(user)
        and bool(user.storage_center_id)
        and user.storage_center.county_id == county.pk
    )


@rules.predicate
def reader_of_county(user, county):
    return (
        county is not None
        and is_staff_reader(user)
        and (user.is_superuser or not user.county_id or user.county_id == county.pk)
    )


rules.add_perm("storage.read_exposure", storage_operator_of_county | reader_of_county)

# Blocks (R-STORE-4/5): read by the county's storage operator and staff/auditors in scope;
# listed only by the county's storage operator.
rules.add_perm("storage.view_block", in_storage_operators_county | reader_in_scope)
rules.add_perm("storage.list_block", in_storage_operators_county)
