"""Bidding benchmark (issue 6): one live auction, N bidders over HTTP against gunicorn + PostgreSQL.

    .venv/bin/python bench/bidding.py                 # N=50, 20 s, 3 runs, medians printed
    .venv/bin/python bench/bidding.py --runs 1 --duration 10 --workers 3 --threads 8

What it does, in its own PostgreSQL database (`--db`, created and migrated on first use):
1. sets up a live auction with N qualified bidders (API tokens), a soft-close window of
   `--window` seconds (the real 5 minutes would keep extending a 20-second run forever), and
   schedules its close with the real Celery task on Redis (`--broker`);
2. starts gunicorn (gthread) on a loopback port and a Celery worker;
3. drives `POST /api/v1/listings/{id}/bids/` with N concurrent clients for `--duration` seconds:
   each paces itself at `--rate` attempts per second (a person or a bidding system, not a flood),
   bids the next valid amount it knows (sometimes one increment more; refusals carry
   `next_min_yuan`) and polls `GET .../auction/` once a second with If-None-Match like the room;
4. waits for the close, checks the invariants (contracts.invariants) and prints attempts/s,
   accepted bids/s, p50/p99 latency of bid attempts, refusals by code, 5xx count and close delay.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--bidders", type=int, default=50)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    p.add_argument(
        "--gunicorn-arg", action="append", default=[], help="extra gunicorn argument (repeat)"
    )
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--rate", type=float, default=10.0, help="bid attempts per second per client")
    p.add_argument("--window", type=float, default=3.0, help="soft-close window W in seconds")
    p.add_argument("--db", default="bench_bidding")
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--broker", default="redis://127.0.0.1:6379/9")
    p.add_argument("--fresh", action="store_true", help="drop and re-create the database")
    return p.parse_args()


def environment(args) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{args.pg}/{args.db}",
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-not-secret",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CELERY_BROKER_URL=args.broker,
        LOG_LEVEL="ERROR",  # django.request logs every 4xx refusal at WARNING
        AXES_ENABLED="0",
        CONN_MAX_AGE="600",
    )
    env.pop("PYTEST_VERSION", None)
    return env


def ensure_database(args, env):
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db]).fetchone()
        if exists and args.fresh:
            conn.execute(f'DROP DATABASE "{args.db}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{args.db}"')
    print(f"migrating {args.db} …", flush=True)
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )


# ---------------------------------------------------------------- setup (Django in this process)


def django_setup(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def setup_auction(args, run: int):
    """A live auction with N qualified bidders; returns (listing_id, auction_id, tokens)."""
    import datetime as dt
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from contracts.models import Auction, Deal, Registration
    from contracts.services.bidding import schedule_close
    from listings.models import Listing, Parcel, Right
    from marketplace.demo import make_id_number, make_uscc
    from marketplace.models import (
        County,
        Enterprise,
        Household,
        Prefecture,
        Township,
        User,
        Village,
    )

    stamp = int(time.time())
    with transaction.atomic():
        pref, _ = Prefecture.objects.get_or_create(code="433100", defaults={"name": "湘西州"})
        county, _ = County.objects.get_or_create(
            code="433126", defaults={"prefecture": pref, "name": "古丈县"}
        )
        township, _ = Township.objects.get_or_create(
            county=county, code="901", defaults={"name": "压测镇"}
        )
        village, _ = Village.objects.get_or_create(
            township=township, code="901", defaults={"name": "压测村"}
        )
        household, _ = Household.objects.get_or_create(
            id_number=make_id_number("433126", dt.date(1970, 1, 1), 901),
            defaults={"name": "压测户", "village": village},
        )
        staff, _ = User.objects.get_or_create(username="bench-staff")
        parcel = Parcel.objects.create(
            code=f"{village.full_code}01{stamp % 100000:05d}",
            village=village,
            group_code="01",
            name="压测地块",
            area_mu=Decimal("100"),
            land_class="dry_land",
            boundary_east="-",
            boundary_south="-",
            boundary_west="-",
            boundary_north="-",
        )
        right = Right.objects.create(
            right_type="contract", starts_on=dt.date(2018, 1, 1), ends_on=dt.date(2047, 12, 31)
        )
        right.parcels.set([parcel])
        listing = Listing.objects.create(
            number=f"BENCH-{stamp}-{run}",
            title="压测挂牌",
            right=right,
            transferor_household=household,
            county=county,
            township=township,
            village=village,
            area_mu=Decimal("100"),
            land_class="dry_land",
            transfer_mode="lease",
            term_start=dt.date(2027, 1, 1),
            term_end=dt.date(2037, 1, 1),
            permitted_use="grain",
            listing_price_fen=50_000,
            increment_fen=100,
            deposit_fen=0,
            filed_by=staff,
            state=Listing.State.CLOSED,
            right_type="land_management",
        )
        deal = Deal.objects.create(
            listing=listing,
            number=f"JY-BENCH-{stamp}-{run}",
            state="auction",
            trading_mode="auction",
        )
        tokens, numbers = [], random.sample(range(1000, 10000), args.bidders)
        for i in range(args.bidders):
            enterprise = Enterprise.objects.create(
                name=f"压测企业{stamp}-{run}-{i}",
                kind="leading",
                uscc=make_uscc("433126", "91", (stamp * 100 + run * 60 + i) % 100000),
                legal_representative="压测",
            )
            user = User.objects.create(
                username=f"bench-{stamp}-{run}-{i}", role="agribusiness", enterprise=enterprise
            )
            Registration.objects.create(
                deal=deal,
                enterprise=enterprise,
                user=user,
                state="qualified",
                bidder_number=str(numbers[i]),
            )
            tokens.append(Token.objects.create(user=user).key)
        now = timezone.now()
        close_at = now + dt.timedelta(seconds=args.duration + 1)
        auction = Auction.objects.create(
            deal=deal,
            start_at=now,
            scheduled_close_at=close_at,
            close_at=close_at,
            extension_window=dt.timedelta(seconds=args.window),
            start_price_fen=50_000,
            increment_fen=100,
        )
        schedule_close(auction)  # the real Celery task, queued on Redis at commit
    return listing.pk, auction.pk, tokens


# ---------------------------------------------------------------- servers


def start_servers(args, env):
    gunicorn = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "marketplace.wsgi:application",
            "-w",
            str(args.workers),
            "-k",
            args.worker_class,
            "--threads",
            str(args.threads),
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
            "--keep-alive",
            "75",
            *args.gunicorn_arg,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "marketplace",
            "worker",
            "--pool=solo",
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"bench-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/api/v1/registrations/")
            conn.getresponse().read()
            break
        except OSError:
            time.sleep(0.3)
    else:
        raise SystemExit("gunicorn did not start")
    warm_up(args)
    return [gunicorn, worker]


def warm_up(args):
    """A few requests on many connections, so every worker has imported the URLconf and its
    views before the clock starts (a worker's first request costs ~0.5 s of CPU)."""

    def hit():
        for _ in range(10):
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
            conn.request("GET", "/api/v1/registrations/")
            conn.getresponse().read()
            conn.close()

    threads = [threading.Thread(target=hit) for _ in range(4 * args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def stop(processes):
    for p in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


# ---------------------------------------------------------------- CPU accounting


def _cpu_seconds(pid) -> float:
    """utime + stime of one process (Linux /proc), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(gunicorn_pid, db) -> tuple[float, float]:
    """CPU used by gunicorn (master and workers) and by this database's PostgreSQL backends.

    On a machine shared with other work the wall-clock figures suffer; CPU per request does
    not, and 2 cores / (CPU per request) bounds what an idle 2-core machine would serve.
    """
    from django.db import connection

    pids = [gunicorn_pid]
    for child in Path("/proc").glob("[0-9]*"):
        try:
            if child.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1] == str(gunicorn_pid):
                pids.append(int(child.name))
        except OSError:
            continue
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db]
        )
        backends = [row[0] for row in cursor.fetchall()]
    return sum(_cpu_seconds(pid) for pid in pids), sum(_cpu_seconds(pid) for pid in backends)


# ---------------------------------------------------------------- clients


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.accepted_latencies = []
        self.codes = Counter()
        self.accepted = []
        self.server_errors = 0
        self.attempts = 0
        self.reads = 0
        self.conn_errors = 0


def client(port, token, listing_id, end, results, seed, rate):
    """One bidder: `rate` bid attempts per second (paced), and the room's poll once a second."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    next_min, increment, etag, n = 50_000, 100, None, 0
    latencies, codes, accepted, errors, attempts, reads = [], Counter(), [], 0, 0, 0
    accepted_latencies = []
    conn_errors = 0
    period = 1.0 / rate
    tick = time.perf_counter() + rng.random() * period
    next_poll = time.perf_counter() + rng.random()
    while True:
        now = time.perf_counter()
        if now >= end:
            break
        if now < tick:
            time.sleep(tick - now)
        tick += period
        if time.perf_counter() >= next_poll:  # the room's conditional poll
            next_poll += 1.0
            poll_headers = dict(headers)
            if etag:
                poll_headers["If-None-Match"] = etag
            try:
                conn.request("GET", f"/api/v1/listings/{listing_id}/auction/", headers=poll_headers)
                state = conn.getresponse()
                payload = state.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn_errors += 1
                continue
            reads += 1
            if state.status >= 500:
                errors += 1
            elif state.status == 200:
                etag = state.getheader("ETag")
                next_min = int(round(float(json.loads(payload)["next_min_yuan"]) * 100))
        n += 1
        amount = next_min + increment * rng.choice((0, 0, 0, 1))
        body = json.dumps({"amount_yuan": f"{amount / 100:.2f}", "idempotency_key": f"k{n}"})
        t0 = time.perf_counter()
        try:
            conn.request("POST", f"/api/v1/listings/{listing_id}/bids/", body, headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()  # http.client reconnects on the next request
            conn_errors += 1
            continue
        latencies.append(time.perf_counter() - t0)
        attempts += 1
        if response.status >= 500:
            errors += 1
            continue
        answer = json.loads(data)
        if response.status == 201:
            accepted_latencies.append(latencies[-1])
            accepted.append(answer["id"])
            codes["accepted"] += 1
            next_min = amount + increment
            continue
        codes[answer.get("code", str(response.status))] += 1
        if answer.get("code") == "auction_closed":
            break
        if answer.get("next_min_yuan"):
            next_min = int(round(float(answer["next_min_yuan"]) * 100))
    with results.lock:
        results.latencies += latencies
        results.accepted_latencies += accepted_latencies
        results.codes.update(codes)
        results.accepted += accepted
        results.server_errors += errors
        results.attempts += attempts
        results.reads += reads
        results.conn_errors += conn_errors


def drive(args, listing_id, tokens) -> tuple[Results, float]:
    results = Results()
    start = time.perf_counter()
    end = start + args.duration
    threads = [
        threading.Thread(target=client, args=(args.port, t, listing_id, end, results, i, args.rate))
        for i, t in enumerate(tokens)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - start


def wait_for_close(auction_id, timeout=30.0):
    from contracts.models import Auction

    deadline = time.time() + timeout
    while time.time() < deadline:
        auction = Auction.objects.get(pk=auction_id)
        if auction.state == Auction.State.CLOSED:
            return auction
        time.sleep(0.1)
    return Auction.objects.get(pk=auction_id)


def percentile(values, q):
    values = sorted(values)
    if not values:
        return 0.0
    k = min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))
    return values[k]


def one_run(args, run):
    from django.db import connections

    from contracts.invariants import auction_invariant_violations
    from contracts.models import Deal

    listing_id, auction_id, tokens = setup_auction(args, run)
    connections.close_all()
    web_before, db_before = server_cpu_seconds(args.gunicorn_pid, args.db)
    client_before = time.process_time()
    results, elapsed = drive(args, listing_id, tokens)
    client_cpu = time.process_time() - client_before
    web_after, db_after = server_cpu_seconds(args.gunicorn_pid, args.db)
    requests = max(1, results.attempts + results.reads)
    web_cpu, db_cpu = web_after - web_before, db_after - db_before
    auction = wait_for_close(auction_id, timeout=args.window + 30)
    violations = auction_invariant_violations(auction_id, accepted_ids=results.accepted)
    if results.server_errors:
        violations.append(f"{results.server_errors} responses were 5xx")
    if results.conn_errors:
        violations.append(f"{results.conn_errors} requests failed at the connection")
    if auction.state != "closed":
        violations.append("the auction did not close")
        close_delay = float("nan")
    else:
        close_delay = (auction.closed_at - auction.close_at).total_seconds()
        deal = Deal.objects.get(pk=auction.deal_id)
        if auction.bid_count and deal.winner_id != auction.leading_registration_id:
            violations.append("the award is not the last accepted bid")
    figures = {
        "attempts_per_s": results.attempts / elapsed,
        "accepted_per_s": len(results.accepted) / elapsed,
        "p50_ms": percentile(results.latencies, 0.50) * 1000,
        "p99_ms": percentile(results.latencies, 0.99) * 1000,
        "accepted_p99_ms": percentile(results.accepted_latencies, 0.99) * 1000,
        "reads_per_s": results.reads / elapsed,
        "close_delay_s": close_delay,
        "cpu_ms_per_request": (web_cpu + db_cpu) * 1000 / requests,
        "web_cpu_ms": web_cpu * 1000 / requests,
        "db_cpu_ms": db_cpu * 1000 / requests,
        "client_cpu_ms": client_cpu * 1000 / requests,
        "load_avg": os.getloadavg()[0],
        "closed_by": auction.closed_by,
        "violations": violations,
        "codes": dict(results.codes),
    }
    print(
        f"run {run + 1}: {figures['attempts_per_s']:.0f} attempts/s, "
        f"{figures['accepted_per_s']:.0f} accepted/s, p50 {figures['p50_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms, {figures['reads_per_s']:.0f} reads/s, "
        f"close delay {close_delay:.3f} s (by {auction.closed_by}), "
        f"violations {len(violations)}",
        flush=True,
    )
    print(
        f"        CPU per request: gunicorn {figures['web_cpu_ms']:.2f} ms + PostgreSQL "
        f"{figures['db_cpu_ms']:.2f} ms = server {figures['cpu_ms_per_request']:.2f} ms; "
        f"client {figures['client_cpu_ms']:.2f} ms → 2 idle cores serve about "
        f"{2000 / (figures['cpu_ms_per_request'] + figures['client_cpu_ms']):.0f} requests/s "
        f"with this client on them; load average now "
        f"{figures['load_avg']:.1f}",
        flush=True,
    )
    print(
        f"        outcomes: {dict(sorted(results.codes.items()))}; p99 of accepted bids "
        f"{figures['accepted_p99_ms']:.1f} ms",
        flush=True,
    )
    for v in violations:
        print(f"        VIOLATION: {v}", flush=True)
    connections.close_all()
    return figures


def main():
    args = parse_args()
    env = environment(args)
    ensure_database(args, env)
    django_setup(env)
    processes = start_servers(args, env)
    args.gunicorn_pid = processes[0].pid
    try:
        runs = [one_run(args, run) for run in range(args.runs)]
    finally:
        stop(processes)
    med = {
        k: statistics.median(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], float)
    }
    total_violations = sum(len(r["violations"]) for r in runs)
    print(
        f"\nmedians over {len(runs)} runs (N={args.bidders}, {args.duration:.0f} s, gunicorn "
        f"-w {args.workers} --threads {args.threads}): {med['attempts_per_s']:.0f} attempts/s, "
        f"{med['accepted_per_s']:.0f} accepted bids/s, p50 {med['p50_ms']:.1f} ms, "
        f"p99 {med['p99_ms']:.1f} ms, close delay {med['close_delay_s']:.3f} s, "
        f"invariant violations {total_violations}; server CPU {med['cpu_ms_per_request']:.2f} ms "
        f"per request (≈ {2000 / med['cpu_ms_per_request']:.0f} requests/s on 2 idle cores), "
        f"load average {med['load_avg']:.1f}"
    )
    ok = (
        med["attempts_per_s"] >= 400
        and med["p99_ms"] <= 100
        and total_violations == 0
        and med["close_delay_s"] <= 2
    )
    print(
        "target (≥ 400 attempts/s, p99 ≤ 100 ms, 0 violations, close ≤ 2 s):",
        "met" if ok else "NOT met",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
