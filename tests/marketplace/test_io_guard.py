"""No network call, PDF render or file write inside a database transaction (STYLE.md, issue 15).

The guard counts only atomic blocks the code opened: the ones pytest-django's `db` fixture
(Django's TestCase) opens around each test carry `_from_testcase` and are left out.
"""

import logging

import pytest
from django.db import transaction

from marketplace.io_guard import IOInTransaction, in_transaction, refuse_in_transaction
from marketplace.payments.gateway import get_gateway

pytestmark = pytest.mark.django_db


def test_the_test_s_own_transaction_does_not_count_as_one():
    assert transaction.get_connection().in_atomic_block  # the db fixture's wrapper
    assert not in_transaction()
    refuse_in_transaction("a call")  # no error


def test_a_transaction_opened_by_the_code_counts_even_when_nested():
    with transaction.atomic():
        assert in_transaction()
        with transaction.atomic():
            assert in_transaction()
    assert not in_transaction()


def test_it_refuses_outside_work_inside_a_transaction_in_tests_and_debug(settings):
    settings.TESTING, settings.DEBUG = False, True
    with transaction.atomic(), pytest.raises(IOInTransaction, match="PDF render inside"):
        refuse_in_transaction("PDF render")


def test_in_production_it_logs_a_warning_and_goes_on(settings, caplog):
    settings.TESTING, settings.DEBUG = False, False
    with caplog.at_level(logging.WARNING, logger="marketplace.io_guard"), transaction.atomic():
        refuse_in_transaction("payment gateway create_intent")
    assert "payment gateway create_intent inside a database transaction" in caplog.text


def test_a_durable_entry_point_runs_inside_the_test_s_transaction():
    with transaction.atomic(durable=True):
        assert in_transaction()


def test_the_payment_gateway_refuses_to_be_called_inside_a_transaction():
    gateway = get_gateway()
    with transaction.atomic(), pytest.raises(IOInTransaction, match="retrieve_intent"):
        gateway.retrieve_intent("pi_missing")
