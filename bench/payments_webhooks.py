"""Webhook benchmark (issue 5): signed deliveries through the real verification and handler.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_payments .venv/bin/python bench/payments_webhooks.py
    ... --payables 300 --threads 8 --mode both   # both: the old audit head lock, then the sealer

`--mode legacy` (or `--legacy-lock`) takes the old exchange-wide AuditHead lock in every audit
append (bench/_audit_legacy.py), `sealer` is the code as it is; `both` runs one after the other
in the same process, each on its own payables.

In its own database (migrated on first use; the database must exist): creates N deposits through
`payable_create` (offline gateway), completes their intents, then delivers, on T threads, one
`payment_intent.succeeded` per payable plus a replay of each and a second event id for a third of
them (concurrent duplicates). Prints deliveries/s, p50/p99 handling time, outcomes, and the
ledger check (clearing must equal the gateway's net; each payable paid once).
"""

import argparse
import contextlib
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--payables", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--mode", choices=["both", "legacy", "sealer"], default="both")
    parser.add_argument("--legacy-lock", action="store_true", help="same as --mode legacy")
    args = parser.parse_args()
    if args.legacy_lock:
        args.mode = "legacy"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from _audit_legacy import head_lock

    print(f"load average before: {os.getloadavg()[0]:.1f}")
    code = 0
    for mode in ["legacy", "sealer"] if args.mode == "both" else [args.mode]:
        print(f"--- audit append: {mode}")
        with head_lock() if mode == "legacy" else contextlib.nullcontext():
            code |= run(args)
    return code


def run(args):
    from django.db import connection

    from marketplace import audit
    from marketplace.payments import ledger, services
    from marketplace.payments.gateway import get_gateway
    from marketplace.payments.models import Payable, WebhookEvent
    from marketplace.payments.testing import signed_webhook
    from marketplace.payments.verify import verify_ledger
    from marketplace.payments.webhooks import handle_payload
    from tests import factories

    stamp = time.time_ns()
    from marketplace.models import Household, User

    # A second run in the same database reuses them (the factories' sequences restart).
    payer = (
        User.objects.filter(role=User.Role.AGRIBUSINESS, enterprise__isnull=False).first()
        or factories.AgribusinessUserFactory()
    )
    subject = Household.objects.first() or factories.HouseholdFactory()
    gateway = get_gateway()
    clearing_before = ledger.balance("clearing")
    deliveries = []
    t0 = time.perf_counter()
    for i in range(args.payables):
        payable = services.payable_create(
            kind=Payable.Kind.DEPOSIT, amount_fen=100_000 + i, payer=payer, subject=subject,
            description="bench", idempotency_key=f"bench-{stamp}-{i}",
        )  # fmt: skip
        intent = gateway.complete_intent(payable.payment_intent_id).raw
        first = signed_webhook("payment_intent.succeeded", intent)
        deliveries += [first, first]  # a replay of the same event
        if i % 3 == 0:
            deliveries.append(signed_webhook("payment_intent.succeeded", intent))
    setup_s = time.perf_counter() - t0
    deliveries.sort(key=lambda d: hash(d[0]))  # interleave replays and duplicates

    timings, outcomes, lock = [], Counter(), threading.Lock()
    queue = list(deliveries)

    def worker():
        while True:
            with lock:
                if not queue:
                    break
                payload, signature = queue.pop()
            start = time.perf_counter()
            status, reason = handle_payload(payload, signature)
            elapsed = time.perf_counter() - start
            with lock:
                timings.append(elapsed)
                outcomes[f"{status} {reason}"] += 1
        connection.close()

    t1 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t1
    timings.sort()
    paid = Payable.objects.filter(
        idempotency_key__startswith=f"bench-{stamp}-", state="paid"
    ).count()
    expected = sum(100_000 + i for i in range(args.payables))
    print(f"database: {connection.vendor}; payables: {args.payables}; threads: {args.threads}")
    print(f"setup (create + complete intents): {setup_s:.1f} s")
    print(f"deliveries: {len(deliveries)} in {wall:.2f} s = {len(deliveries) / wall:.0f}/s")
    print(f"handling p50 {statistics.median(timings) * 1000:.1f} ms, "
          f"p99 {timings[int(len(timings) * 0.99) - 1] * 1000:.1f} ms")  # fmt: skip
    print(f"outcomes: {dict(outcomes)}")
    moved = ledger.balance("clearing") - clearing_before
    print(f"paid once: {paid == args.payables}; money moved {moved} fen, expected {expected}")
    print(
        f"events stored: {WebhookEvent.objects.count()}; verify_ledger: {verify_ledger().message}"
    )
    audit.seal(max_batches=10**6)
    print(f"verify_audit: {audit.verify_chain().reason or 'OK'}")
    return 0 if paid == args.payables and moved == expected else 1


if __name__ == "__main__":
    sys.exit(main())
