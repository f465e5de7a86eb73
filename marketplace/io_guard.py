"""No network call, PDF render or file write inside a database transaction (STYLE.md).

A call to the payment gateway or a write to document storage inside `transaction.atomic()` holds
the transaction's row locks for as long as the outside world takes to answer. The gateway and
the document store call `refuse_in_transaction(...)` first: in tests and with DEBUG it raises
`IOInTransaction`; in production it logs a warning and goes on (better a slow request than a
lost payment).

"Inside a transaction" means inside an atomic block *opened by the code*: the atomic blocks a
TestCase (and pytest-django's `db` fixture, which uses it) opens around each test carry Django's
own marker `Atomic._from_testcase` and are not counted. This is the marker Django itself uses to
let `transaction.atomic(durable=True)` run inside a TestCase, so tests see exactly what
production sees. Under `transaction=True` tests there are no such blocks at all.
"""

import logging

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)


class IOInTransaction(RuntimeError):
    """Slow outside work was attempted while a database transaction was open."""


def in_transaction(using=None) -> bool:
    """True when the code (not a TestCase wrapper) has an atomic block open."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return False
    blocks = connection.atomic_blocks
    if not blocks:  # autocommit off by hand: a transaction all the same
        return True
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def refuse_in_transaction(what: str, using=None) -> None:
    """Raise (tests, DEBUG) or warn (production) when `what` runs inside a transaction."""
    if not in_transaction(using):
        return
    message = f"{what} inside a database transaction: run it before the lock or after commit"
    if settings.DEBUG or getattr(settings, "TESTING", False):
        raise IOInTransaction(message)
    log.warning(message, stack_info=True)
