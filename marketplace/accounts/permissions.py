"""Who decides account applications: exchange staff (any county: an enterprise is not tied to
one); auditors read them."""

import rules

from marketplace.permissions import is_exchange_staff, is_staff_reader

rules.add_perm("accounts.view_applications", is_staff_reader)
rules.add_perm("accounts.decide_application", is_exchange_staff)
