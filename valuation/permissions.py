"""Who may use the valuation console and change its tables (docs/security.md).

Staff of a county add benchmark and floor-price rows and value subjects of their county only;
prefecture staff any county. Reports are read by staff and auditors of their county.
Registered from ValuationConfig.ready().
"""

import rules

from marketplace.permissions import (
    is_agribusiness,
    is_exchange_staff,
    reader_in_scope,
    staff_in_scope,
)

# The staff valuation pages (benchmarks, price index, report forms).
rules.add_perm("valuation.use_console", is_exchange_staff)
# Object: the county of the row or of the valued subject (R-VAL-1..3).
rules.add_perm("valuation.manage_county_tables", staff_in_scope)
rules.add_perm("valuation.read_report", reader_in_scope)
# The quote API (R-VAL-3 formulas): staff and agribusinesses.
rules.add_perm("valuation.ask_quote", is_exchange_staff | is_agribusiness)
