"""The audit log: append an event in the caller's transaction; one sealer hash-chains them.

Services call `record(...)` inside their `transaction.atomic()` block, so the event commits or
rolls back with the change it describes (Zulip's habit: the action and its audit row together).

Appending takes no lock: the row is inserted *unsealed* (no `seq`, `prev_hash`, `hash`). After
commit, `seal()` (a Celery task queued on commit, and the beat every minute) gives every
committed unsealed row, in id order, the next position `seq` and its link
hash = sha256(previous hash + canonical JSON of the event), and moves `AuditHead`. Only one
sealer runs at a time: it holds the AuditHead row lock, taken with SKIP LOCKED, so a second sealer
returns at once instead of queueing. A row whose transaction is still open is invisible to the
sealer and is sealed by a later run, after the rows that committed before it: the chain's order is
the order of sealing (≈ commit order), never a gap to wait for, and a rolled-back row never
appears at all. `verify_chain` checks seq 1..N without gaps, every link, the head, and reports
rows left unsealed longer than AUDIT_SEAL_GRACE_SECONDS (default 600). See docs/audit.md.

High-rate records keep their own chain instead (`chain_hash`) under a lock they hold anyway, and
anchor its head in this log at a milestone: an auction's bids are chained per auction and the
close records the head (contracts, docs/bidding.md).
"""

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import AuditEvent, AuditHead

log = logging.getLogger(__name__)
GENESIS = "0" * 64


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON-serialisable in an audit payload: {type(value).__name__}")


def canonical_json(data) -> str:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def event_body(event: AuditEvent) -> dict:
    return {
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "payload": event.payload,
    }


def chain_hash(prev_hash: str, body: dict) -> str:
    """One link of a hash chain: sha256(previous hash + canonical JSON of the body)."""
    return hashlib.sha256((prev_hash + canonical_json(body)).encode()).hexdigest()


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return chain_hash(prev_hash, event_body(event))


def record(*, action: str, obj=None, actor=None, payload: dict | None = None) -> AuditEvent:
    """Append one unsealed event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic()")
    event = AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=str(actor) if actor is not None and actor.is_authenticated else "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        # Round-trip through JSON so the stored payload is exactly what was hashed.
        payload=json.loads(canonical_json(payload or {})),
    )
    _seal_on_commit()
    return event


def _seal_on_commit():
    """Queue one sealing per transaction, after its commit (nothing when it rolls back)."""
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is _seal_soon for entry in pending):
        return
    transaction.on_commit(_seal_soon)


_last_queued = [0.0]


def _seal_soon():
    """Queue the sealer, at most once per AUDIT_SEAL_QUEUE_SECONDS (0.5) per process: one
    sealing takes every row committed before it starts, so at high rates a sealer per write
    would only find its rows taken; rows committed after a skipped queueing are sealed by the
    next one, or by the beat within a minute."""
    from .tasks import seal_audit_task

    now = time.monotonic()
    if now - _last_queued[0] < getattr(settings, "AUDIT_SEAL_QUEUE_SECONDS", 0.5):
        return
    _last_queued[0] = now
    try:
        seal_audit_task.delay()
    except Exception:  # the broker is down: the beat seals it within a minute
        log.warning("audit: could not queue the sealer; the beat will seal", exc_info=True)


def _head() -> None:
    if not AuditHead.objects.filter(pk=1).exists():
        try:
            with transaction.atomic():
                AuditHead.objects.create(pk=1, last_hash=GENESIS, count=0)
        except IntegrityError:  # created by a concurrent sealer
            pass


def seal(*, batch_size: int = 500, max_batches: int = 40) -> int:
    """Chain every committed unsealed event in id order; returns how many it sealed.

    One sealer at a time: the AuditHead row is locked with SKIP LOCKED, so when another sealer
    holds it this one returns 0 at once (that sealer, a later one or the beat takes the rows).
    Each batch is its own short transaction.
    """
    _head()
    sealed = 0
    for _ in range(max_batches):
        with transaction.atomic():
            head = AuditHead.objects.select_for_update(skip_locked=True).filter(pk=1).first()
            if head is None:
                return sealed  # another sealer is at work
            rows = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch_size])
            if not rows:
                return sealed
            for event in rows:
                head.count += 1
                event.seq = head.count
                event.prev_hash = head.last_hash
                event.hash = compute_hash(head.last_hash, event)
                head.last_hash = event.hash
            AuditEvent.objects.bulk_update(rows, ["seq", "prev_hash", "hash"])
            head.save(update_fields=["last_hash", "count"])
            sealed += len(rows)
        if len(rows) < batch_size:
            return sealed
    return sealed


def seal_grace() -> timedelta:
    return timedelta(seconds=getattr(settings, "AUDIT_SEAL_GRACE_SECONDS", 600))


@dataclass
class ChainReport:
    ok: bool
    count: int
    first_bad_id: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 2000, *, now=None) -> ChainReport:
    """Re-compute every sealed hash in chain order; report the first event that does not verify.

    Also a problem: a gap or repeat in the positions, a head that does not match the last
    sealed event, a row carrying a hash without a position, and rows left unsealed longer than
    the grace period (the sealer is not running, or someone inserted behind its back).
    """
    prev = GENESIS
    count = 0
    sealed = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in sealed.iterator(chunk_size=batch_size):
        if event.seq != count + 1:
            return ChainReport(False, count, event.pk, "chain positions have a gap")
        if event.prev_hash != prev:
            return ChainReport(False, count, event.pk, "prev_hash does not match the chain")
        if compute_hash(prev, event) != event.hash:
            return ChainReport(False, count, event.pk, "content does not match its hash")
        prev = event.hash
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.last_hash != prev or head.count != count):
        return ChainReport(False, count, None, "events are missing at the end of the chain")
    unsealed = AuditEvent.objects.filter(seq__isnull=True).order_by("id")
    forged = unsealed.exclude(hash__isnull=True, prev_hash__isnull=True).first()
    if forged is not None:
        return ChainReport(False, count, forged.pk, "a hash without a place in the chain")
    stale = unsealed.filter(at__lt=(now or timezone.now()) - seal_grace()).first()
    if stale is not None:
        return ChainReport(
            False,
            count,
            stale.pk,
            f"left unsealed for longer than {int(seal_grace().total_seconds())} s "
            f"({unsealed.count()} unsealed)",
        )
    return ChainReport(True, count)


def events_for(obj):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
