"""Webhook benchmark (issue 5, 15): signed deliveries through the real verification and handler.

    createdb -h 127.0.0.1 -U postgres bench_payments
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_payments .venv/bin/python bench/payments_webhooks.py
    ... --payables 150 --threads 8 --runs 3 --mode both   # both: the old head lock, then the sealer

`--mode legacy` (or `--legacy-lock`) takes the old exchange-wide AuditHead lock in every audit
append (bench/_audit_legacy.py), `sealer` is the code as it is; `both` runs one after the other
in the same process, each on its own payables. The handler as it was before issue 15 (24 queries
per applied delivery: a read before the event insert, savepoints, one account read per ledger
line, a StripeObject tree per event) no longer exists; its recorded figure is printed beside
the new ones (RECORDED below).

In its own database (migrated on first use; the database must exist): creates N deposits through
`payable_create` (offline gateway), completes their intents, then delivers, on T threads, one
`payment_intent.succeeded` per payable plus a replay of each and a second event id for a third of
them (concurrent duplicates). Prints deliveries/s, p50/p99 handling time, CPU per delivery,
queries per applied delivery and per replay, outcomes, and the ledger and audit checks (clearing
must equal the gateway's net; each payable paid once; the chain verifies).

As in production, the audit sealer runs beside the request threads (a Celery worker there; one
thread here, woken by the same `seal_audit_task.delay()` the services queue on commit), not in
the delivery's own thread as eager Celery would. Log lines are written (to /dev/null).
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
# A benchmark process of its own database: offline gateway, a signing secret, no DEBUG.
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("PAYMENTS_OFFLINE_ALLOWED", "1")
os.environ.setdefault("STRIPE_WEBHOOK_SECRET", "whsec_bench")

# The figures of the handler before issue 15's query and CPU cuts (docs/audit.md at 3ec34d8,
# 2026-12-02 07:57 UTC): medians of three runs, 300 payables, 8 threads, load average 12-14.
RECORDED = {
    "legacy": "36/s, p50 239 ms, p99 478 ms",
    "sealer": "51/s, p50 137 ms, p99 943 ms (24 queries per applied delivery; ~19 ms CPU per delivery under cProfile, one thread)",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--payables", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--mode", choices=["both", "legacy", "sealer"], default="both")
    parser.add_argument("--legacy-lock", action="store_true", help="same as --mode legacy")
    parser.add_argument("--runs", type=int, default=1, help="runs per mode; medians printed")
    args = parser.parse_args()
    if args.legacy_lock:
        args.mode = "legacy"

    import django

    django.setup()
    import logging

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 (for the process's life)
    from _audit_legacy import head_lock

    print(f"load average before: {os.getloadavg()[0]:.1f}")
    code, summary = 0, []
    for mode in ["legacy", "sealer"] if args.mode == "both" else [args.mode]:
        results = []
        for n in range(args.runs):
            print(f"--- audit append: {mode}, run {n + 1}/{args.runs}")
            with head_lock() if mode == "legacy" else contextlib.nullcontext(), sealer_thread():
                result = run(args)
            code |= result["code"]
            results.append(result)
        summary.append((mode, results))
    print(f"=== medians, load average now {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for mode, results in summary:
        rate = statistics.median(r["rate"] for r in results)
        p50 = statistics.median(r["p50"] for r in results)
        p99 = statistics.median(r["p99"] for r in results)
        cpu = statistics.median(r["cpu_ms"] for r in results)
        runs = ", ".join(f"{r['rate']:.0f}/s p99 {r['p99']:.0f} ms" for r in results)
        print(f"{mode:>6} now:  {rate:.0f}/s, p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
              f"{cpu:.1f} ms CPU per delivery, {results[0]['queries']} ({runs})")  # fmt: skip
        print(f"{mode:>6} before (recorded): {RECORDED[mode]}")
    return code


@contextlib.contextmanager
def sealer_thread():
    """Run `seal_audit_task` in a thread of its own whenever a commit queues it (the worker)."""
    from marketplace import tasks

    wake, stop = threading.Event(), threading.Event()

    def worker():
        from django.db import connection

        while not stop.is_set():
            if wake.wait(timeout=1.0):
                wake.clear()
                tasks.seal_audit_task.apply()
        connection.close()

    saved = tasks.seal_audit_task.delay
    tasks.seal_audit_task.delay = wake.set
    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        yield
    finally:
        tasks.seal_audit_task.delay = saved
        stop.set()
        thread.join()


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
    queries = count_queries(handle_payload, payer, subject)  # before the clearing balance is read
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

    t1, cpu0 = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - t1, time.process_time() - cpu0
    timings.sort()
    paid = Payable.objects.filter(
        idempotency_key__startswith=f"bench-{stamp}-", state="paid"
    ).count()
    expected = sum(100_000 + i for i in range(args.payables))
    print(f"database: {connection.vendor}; payables: {args.payables}; threads: {args.threads}")
    print(f"setup (create + complete intents): {setup_s:.1f} s")
    print(f"deliveries: {len(deliveries)} in {wall:.2f} s = {len(deliveries) / wall:.0f}/s")
    p50, p99 = statistics.median(timings) * 1000, timings[int(len(timings) * 0.99) - 1] * 1000
    print(f"handling p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    cpu_ms = cpu * 1000 / len(deliveries)
    print(f"CPU of this process: {cpu_ms:.1f} ms per delivery (with the sealer thread); {queries}")
    print(f"outcomes: {dict(outcomes)}")
    moved = ledger.balance("clearing") - clearing_before
    print(f"paid once: {paid == args.payables}; money moved {moved} fen, expected {expected}")
    print(
        f"events stored: {WebhookEvent.objects.count()}; verify_ledger: {verify_ledger().message}"
    )
    audit.seal(max_batches=10**6)
    print(f"verify_audit: {audit.verify_chain().reason or 'OK'}")
    ok = paid == args.payables and moved == expected
    return {"code": 0 if ok else 1, "rate": len(deliveries) / wall, "p50": p50, "p99": p99,
            "cpu_ms": cpu_ms, "queries": queries}  # fmt: skip


def count_queries(handle_payload, payer, subject):
    """Queries of one applied delivery and of its replay (outside the timed run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace.payments import services
    from marketplace.payments.gateway import get_gateway
    from marketplace.payments.models import Payable
    from marketplace.payments.testing import signed_webhook

    counts = []
    for n in range(2):  # the first warms the process's caches (content types)
        payable = services.payable_create(
            kind=Payable.Kind.DEPOSIT, amount_fen=100_000, payer=payer, subject=subject,
            description="bench", idempotency_key=f"bench-queries-{time.time_ns()}-{n}",
        )  # fmt: skip
        intent = get_gateway().complete_intent(payable.payment_intent_id).raw
        delivery = signed_webhook("payment_intent.succeeded", intent)
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                handle_payload(*delivery)
            counts.append(len(captured))
    return f"queries: {counts[0]} per applied delivery, {counts[1]} per replay"


if __name__ == "__main__":
    sys.exit(main())
