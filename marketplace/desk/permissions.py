"""Who may do what at the desk (R-SVC-1), on the kernel's access policy."""

import rules

from marketplace.permissions import (
    in_operators_township,
    is_household,
    is_staff_reader,
    is_station_operator,
    reader_in_scope,
    staff_in_scope,
)


@rules.predicate
def is_the_household(user, household):
    """The household's own login."""
    return bool(household is not None and is_household(user) and user.household_id == household.pk)


@rules.predicate
def household_in_county(user, household):
    if household is None or not is_staff_reader(user):
        return False
    if user.is_superuser or not user.county_id:
        return True
    return household.village.township.county_id == user.county_id


# The household page: its operator, its own login, staff and auditors in scope.
rules.add_perm(
    "desk.view_household", in_operators_township | is_the_household | household_in_county
)

# The operator works on its own station's requests; exchange staff of the county mediate;
# auditors and staff read in their scope.
rules.add_perm("desk.open_desk", is_station_operator | is_staff_reader)
rules.add_perm("desk.record_request", is_station_operator)
rules.add_perm("desk.view_request", in_operators_township | reader_in_scope)
rules.add_perm("desk.handle_request", in_operators_township)
rules.add_perm("desk.mediate_request", staff_in_scope)
rules.add_perm("desk.read_figures", is_staff_reader)
rules.add_perm(
    "desk.open_my_household",
    is_household & rules.predicate(lambda user: bool(user.household_id), name="has_household"),
)
