"""The audit append as it was before the sealer, for side-by-side figures (`--legacy-lock`).

Every `audit.record` then locks the one AuditHead row until its transaction commits, chains the
event at once and moves the head: every audited write of the exchange queues on that row. The
rows it writes are sealed rows of the same chain (inserted unsealed, sealed in the same
transaction, as the trigger allows), so `verify_audit` still passes after a legacy run.
"""

import contextlib
import json

from django.db import transaction


@contextlib.contextmanager
def head_lock():
    from marketplace import audit
    from marketplace.models import AuditEvent, AuditHead

    def record(*, action, obj=None, actor=None, payload=None):
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("audit.record must be called inside transaction.atomic()")
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": audit.GENESIS}
        )
        event = AuditEvent.objects.create(
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=str(actor) if actor is not None and actor.is_authenticated else "system",
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            payload=json.loads(audit.canonical_json(payload or {})),
        )
        event.seq = head.count + 1
        event.prev_hash = head.last_hash
        event.hash = audit.compute_hash(head.last_hash, event)
        event.save(update_fields=["seq", "prev_hash", "hash"])
        head.last_hash, head.count = event.hash, event.seq
        head.save(update_fields=["last_hash", "count"])
        return event

    audit.seal()  # nothing of the new kind may wait behind the legacy rows
    saved = audit.record
    audit.record = record
    try:
        yield
    finally:
        audit.record = saved
