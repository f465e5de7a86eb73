"""The audit log: append a hash-chained event in the caller's transaction; verify the chain.

Services call `record(...)` inside their `transaction.atomic()` block, so the event commits or
rolls back with the change it describes (Zulip's habit: the action and its audit row together).

Appending locks the one AuditHead row, so every audited change of the exchange queues there.
High-rate records keep their own chain instead (`chain_hash`) under a lock they hold anyway, and
anchor its head in this log at a milestone: an auction's bids are chained per auction and the
close records the head (contracts, docs/bidding.md).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from .models import AuditEvent, AuditHead

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
    """Append one event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic()")
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=str(actor) if actor is not None and actor.is_authenticated else "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        # Round-trip through JSON so the stored payload is exactly what was hashed.
        payload=json.loads(canonical_json(payload or {})),
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(head.last_hash, event)
    event.save(force_insert=True)
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return event


@dataclass
class ChainReport:
    ok: bool
    count: int
    first_bad_id: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Re-compute every hash in order; report the first event that does not verify."""
    prev = GENESIS
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            return ChainReport(False, count, event.pk, "prev_hash does not match the chain")
        if compute_hash(prev, event) != event.hash:
            return ChainReport(False, count, event.pk, "content does not match its hash")
        prev = event.hash
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.last_hash != prev or head.count != count):
        return ChainReport(False, count, None, "events are missing at the end of the chain")
    return ChainReport(True, count)


def events_for(obj):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
