"""Audited-write benchmark (issue 15): T threads on PostgreSQL, each write one short transaction
that updates a row of its own and records an audit event.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit .venv/bin/python bench/audit_writes.py
    ... --writes 2000 --threads 8 --mode both     # both = the old head lock, then the sealer

In its own database (migrated on first use; the database must exist). `legacy` takes the old
exchange-wide AuditHead lock inside every write (bench/_audit_legacy.py); `sealer` is the code as
it is: writers append unsealed rows, the sealer chains them after commit. Each write holds its
transaction open `--hold-ms` after recording (default 2 ms: a typical service's further queries),
so the lock's cost shows as it does in the services. Prints writes/s and p50/p99 per mode, then
seals what is left and verifies the whole chain.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")


def run(mode, *, writes, threads, hold_s, households):
    import contextlib

    from _audit_legacy import head_lock
    from django.db import connection, transaction

    from marketplace import audit
    from marketplace.models import Household

    timings, lock = [], threading.Lock()
    left = [writes]

    def worker(household_pk):
        while True:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
                n = left[0]
            start = time.perf_counter()
            with transaction.atomic():
                household = Household.objects.select_for_update().get(pk=household_pk)
                Household.objects.filter(pk=household_pk).update(name=household.name)
                audit.record(action="bench.write", obj=household, payload={"n": n, "mode": mode})
                if hold_s:
                    time.sleep(hold_s)
            elapsed = time.perf_counter() - start
            with lock:
                timings.append(elapsed)
        connection.close()

    context = head_lock() if mode == "legacy" else contextlib.nullcontext()
    with context:
        t0 = time.perf_counter()
        pool = [threading.Thread(target=worker, args=(households[i],)) for i in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        wall = time.perf_counter() - t0
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[max(int(len(timings) * 0.99) - 1, 0)] * 1000
    print(
        f"{mode:>7}: {len(timings)} writes in {wall:.2f} s = {len(timings) / wall:.0f} writes/s; "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--hold-ms", type=float, default=2.0)
    parser.add_argument("--mode", choices=["both", "legacy", "sealer"], default="both")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from marketplace import audit
    from tests import factories

    if connection.vendor != "postgresql":
        print("warning: row locks only bite on PostgreSQL; figures on", connection.vendor)
    from marketplace.models import Household

    households = list(Household.objects.order_by("pk").values_list("pk", flat=True))
    households += [factories.HouseholdFactory().pk for _ in range(args.threads - len(households))]
    print(
        f"database: {connection.vendor}; threads: {args.threads}; writes per mode: {args.writes};"
        f" hold {args.hold_ms} ms; load average before: {os.getloadavg()[0]:.1f}"
    )
    modes = ["legacy", "sealer"] if args.mode == "both" else [args.mode]
    for mode in modes:
        run(
            mode,
            writes=args.writes,
            threads=args.threads,
            hold_s=args.hold_ms / 1000,
            households=households,
        )
    t0 = time.perf_counter()
    sealed = audit.seal(max_batches=10**6)
    report = audit.verify_chain()
    print(
        f"sealed afterwards: {sealed} in {time.perf_counter() - t0:.2f} s; "
        f"verify_audit: {'OK' if report.ok else 'BROKEN ' + report.reason} ({report.count} events)"
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
