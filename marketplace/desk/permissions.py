"""Who may do what at the desk (R-SVC-1), on the kernel's access policy."""

import rules

from marketplace.permissions import (
    in_operators_township,
    is_staff_reader,
    is_station_operator,
    reader_in_scope,
    staff_in_scope,
)

# The operator works on its own station's requests; exchange staff of the county mediate;
# auditors and staff read in their scope.
rules.add_perm("desk.open_desk", is_station_operator | is_staff_reader)
rules.add_perm("desk.record_request", is_station_operator)
rules.add_perm("desk.view_request", in_operators_township | reader_in_scope)
rules.add_perm("desk.handle_request", in_operators_township)
rules.add_perm("desk.mediate_request", staff_in_scope)
rules.add_perm("desk.read_figures", is_staff_reader)
