"""The audit log is append-only and hash-chained; verify_audit names the first bad event.

Writers append unsealed rows without any shared lock; `audit.seal()` chains committed rows.
"""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from marketplace import audit
from marketplace.models import AuditEvent, AuditHead
from tests import factories

pytestmark = pytest.mark.django_db


def _record_three(*, seal=True):
    household = factories.HouseholdFactory()
    with transaction.atomic():
        for n in range(3):
            audit.record(action="test.touched", obj=household, payload={"n": n, "名": "张"})
    if seal:
        audit.seal()
    return list(AuditEvent.objects.order_by("id"))


def test_a_writer_appends_its_event_unsealed_and_takes_no_lock_on_the_head():
    household = factories.HouseholdFactory()
    with transaction.atomic():
        event = audit.record(action="test.touched", obj=household)
    event.refresh_from_db()
    assert (event.seq, event.prev_hash, event.hash) == (None, None, None)
    assert not AuditHead.objects.exists()


def test_the_sealer_chains_each_event_to_the_previous_hash_and_its_canonical_json():
    first, second, third = _record_three()
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == audit.GENESIS
    assert second.prev_hash == first.hash
    assert third.hash == audit.compute_hash(second.hash, third)
    head = AuditHead.objects.get()
    assert (head.count, head.last_hash) == (3, third.hash)


def test_sealing_twice_changes_nothing_and_later_events_continue_the_chain():
    *_, third = _record_three()
    assert audit.seal() == 0
    fourth = _record_three()[3]
    assert (fourth.seq, fourth.prev_hash) == (4, third.hash)


def test_the_commit_of_an_audited_write_queues_the_sealer(
    django_capture_on_commit_callbacks, settings
):
    settings.AUDIT_SEAL_QUEUE_SECONDS = 0
    household = factories.HouseholdFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        audit.record(action="a", obj=household)
        audit.record(action="b", obj=household)
    assert len(callbacks) == 1  # one sealing per transaction, not one per event
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2]


def test_at_high_rates_the_sealer_is_queued_at_most_twice_a_second(
    django_capture_on_commit_callbacks, settings, monkeypatch
):
    from marketplace import tasks

    queued = []
    monkeypatch.setattr(tasks.seal_audit_task, "delay", lambda: queued.append(1))
    monkeypatch.setattr(audit, "_last_queued", [0.0])
    settings.AUDIT_SEAL_QUEUE_SECONDS = 60
    household = factories.HouseholdFactory()
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            audit.record(action="a", obj=household, payload={"n": n})
    assert len(queued) == 1


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    household = factories.HouseholdFactory()
    with pytest.raises(RuntimeError):
        audit.record(action="x", obj=household)


def test_verify_audit_prints_ok_with_the_count(capsys):
    _record_three()
    call_command("verify_audit")
    assert "audit chain OK (3 events)" in capsys.readouterr().out


def test_verify_audit_accepts_events_not_yet_sealed_within_the_grace_period(capsys):
    _record_three(seal=False)
    call_command("verify_audit")
    assert "audit chain OK (0 events)" in capsys.readouterr().out


def test_verify_audit_reports_events_left_unsealed_longer_than_the_grace_period():
    first, *_ = _record_three(seal=False)
    report = audit.verify_chain(now=timezone.now() + audit.seal_grace() + dt.timedelta(seconds=1))
    assert not report.ok and report.first_bad_id == first.pk
    assert report.reason.startswith("left unsealed for longer than 600 s (3 unsealed)")


def _tamper(event_id, sql="UPDATE marketplace_auditevent SET payload = %s WHERE id = %s", *args):
    if "%s" not in sql.replace("id = %s", ""):
        args = ()
    elif not args:
        args = ('{"n": 99}',)
    """Edit a row behind the log's back (on PostgreSQL the trigger must be switched off first)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE marketplace_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, [*args, event_id])
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


def test_a_deleted_event_is_found_in_the_middle_and_at_the_end():
    first, second, third = _record_three()
    _tamper(second.pk, "DELETE FROM marketplace_auditevent WHERE id = %s")
    report = audit.verify_chain()
    assert (report.ok, report.first_bad_id, report.reason) == (
        False,
        third.pk,
        "chain positions have a gap",
    )
    _tamper(third.pk, "DELETE FROM marketplace_auditevent WHERE id = %s")
    assert audit.verify_chain().reason == "events are missing at the end of the chain"


def test_two_events_swapped_in_the_chain_are_found():
    first, second, third = _record_three()
    _tamper(second.pk, "UPDATE marketplace_auditevent SET seq = -seq WHERE id = %s")
    _tamper(third.pk, "UPDATE marketplace_auditevent SET seq = 2 WHERE id = %s")
    _tamper(second.pk, "UPDATE marketplace_auditevent SET seq = 3 WHERE id = %s")
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_id == third.pk
    assert report.reason == "prev_hash does not match the chain"


def test_an_event_slipped_in_with_a_hash_but_no_place_is_found():
    _record_three()
    household = factories.HouseholdFactory()
    with transaction.atomic():
        forged = audit.record(action="test.forged", obj=household)
    _tamper(forged.pk, "UPDATE marketplace_auditevent SET hash = %s WHERE id = %s", "f" * 64)
    report = audit.verify_chain()
    assert (report.ok, report.first_bad_id) == (False, forged.pk)
    assert report.reason == "a hash without a place in the chain"


def test_postgresql_refuses_update_and_delete_on_the_audit_log(postgres_only):
    from django.db import DatabaseError

    event = _record_three()[0]
    for sql in (
        "UPDATE marketplace_auditevent SET action = 'x' WHERE id = %s",
        "UPDATE marketplace_auditevent SET hash = repeat('0', 64) WHERE id = %s",
        "DELETE FROM marketplace_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])


def test_postgresql_lets_only_the_one_time_sealing_through(postgres_only):
    from django.db import DatabaseError

    household = factories.HouseholdFactory()
    with transaction.atomic():
        event = audit.record(action="test.touched", obj=household)
    # an unsealed row may not have its content changed on the way, nor be inserted sealed
    for sql, params in (
        (
            "UPDATE marketplace_auditevent SET seq = 1, prev_hash = %s, hash = %s, action = 'x' "
            "WHERE id = %s",
            ["0" * 64, "1" * 64, event.pk],
        ),
        (
            "INSERT INTO marketplace_auditevent (at, actor_label, action, object_type, object_id,"
            " payload, seq, prev_hash, hash) VALUES (now(), '', 'x', '', '', '{}', 9, %s, %s)",
            ["0" * 64, "2" * 64],
        ),
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    assert audit.seal() == 1 and audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_writer_waits_for_no_one_and_a_late_commit_is_sealed_after_the_others(postgres_only):
    """A transaction holding an audit row open blocks neither other writers nor the sealer; its
    row is chained after the rows that committed before it, and the chain verifies."""
    household = factories.HouseholdFactory()
    opened, release = threading.Event(), threading.Event()

    def slow_writer():
        with transaction.atomic():
            audit.record(action="test.slow", obj=household)
            opened.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert opened.wait(10)
    try:
        with transaction.atomic():  # would wait on the slow writer under a global lock
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            fast = audit.record(action="test.fast", obj=household)
        audit.seal()
        fast.refresh_from_db()
        assert fast.seq is not None
    finally:
        release.set()
        thread.join()
    audit.seal()
    slow = AuditEvent.objects.get(action="test.slow")
    assert slow.pk < fast.pk and slow.seq > fast.seq
    assert audit.verify_chain().ok
