"""The audit log is append-only and hash-chained; verify_audit names the first bad event."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from marketplace import audit
from marketplace.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def _record_three():
    household = factories.HouseholdFactory()
    with transaction.atomic():
        for n in range(3):
            audit.record(action="test.touched", obj=household, payload={"n": n, "名": "张"})
    return list(AuditEvent.objects.order_by("id"))


def test_each_event_hashes_the_previous_hash_and_its_canonical_json():
    first, second, third = _record_three()
    assert first.prev_hash == audit.GENESIS
    assert second.prev_hash == first.hash
    assert third.hash == audit.compute_hash(second.hash, third)


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    household = factories.HouseholdFactory()
    with pytest.raises(RuntimeError):
        audit.record(action="x", obj=household)


def test_verify_audit_prints_ok_with_the_count(capsys):
    _record_three()
    call_command("verify_audit")
    assert "audit chain OK (3 events)" in capsys.readouterr().out


def _tamper(event_id):
    """Edit a row behind the log's back (on PostgreSQL the trigger must be switched off first)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE marketplace_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE marketplace_auditevent SET payload = %s WHERE id = %s",
            ['{"n": 99}', event_id],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE marketplace_auditevent ENABLE TRIGGER USER")


def test_verify_audit_names_the_first_event_edited_behind_its_back(capsys):
    # given a chain of three events
    _, second, _ = _record_three()
    # when the second one is edited directly in the database
    _tamper(second.pk)
    # then verify_audit exits 1 and names it
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    assert f"event {second.pk}" in capsys.readouterr().err


def test_postgresql_refuses_update_and_delete_on_the_audit_log(postgres_only):
    from django.db import DatabaseError

    event = _record_three()[0]
    for sql in (
        "UPDATE marketplace_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM marketplace_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
