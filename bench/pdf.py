"""PDF benchmark (issue 7): contract rendering, our overhead over bare WeasyPrint, and issuing
100 certificates through Celery with 2 workers.

    .venv/bin/python bench/pdf.py                    # 15 contract renders, 3 batch runs
    .venv/bin/python bench/pdf.py --renders 30 --runs 1 --certificates 100

In its own PostgreSQL database (`--db`, created and migrated on first use) and Redis db
(`--broker`):
1. builds a lease deal with 10 parcels (polygons → map) and renders its contract `--renders`
   times with `contracts.documents.pdf.render_contract_pdf` (median, p95, pages);
2. renders the same HTML with bare `weasyprint.HTML(string=html).write_pdf()` as many times
   and prints the ratio of the medians (ours / bare);
3. creates `--certificates` settled deals (signed contract, announcement over), starts a real
   Celery worker with `--concurrency 2`, issues them all with `certificate_batch_start` and
   waits until every certificate PDF is stored (the batch's progress bar is finished);
4. the filing and registration notices are rendered on first download, not in the batch
   (their content is fixed at issue): times that first download for `--notices` certificates
   in this process, so the cost moved out of the batch is shown, not hidden.
Targets on this machine: contract ≤ 0.5 s median; 100 certificates ≤ 30 s; ours ≤ 1.2× bare.
"""

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--renders", type=int, default=15)
    p.add_argument("--runs", type=int, default=3, help="batch runs of --certificates each")
    p.add_argument("--certificates", type=int, default=100)
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--notices", type=int, default=10, help="certificates whose notices to render")
    p.add_argument("--db", default="bench_pdf_docs7")
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--broker", default="redis://127.0.0.1:6379/5")
    p.add_argument("--fresh", action="store_true", help="drop and re-create the database")
    return p.parse_args()


def environment(args, media) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{args.pg}/{args.db}",
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-not-secret",
        SECURE_SSL_REDIRECT="0",
        CELERY_BROKER_URL=args.broker,
        LOG_LEVEL="ERROR",
        AXES_ENABLED="0",
        MEDIA_ROOT=media,
        PRIVATE_MEDIA_ROOT=f"{media}-private",
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


def django_setup(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# ---------------------------------------------------------------- fixtures (plain ORM, fast)


class World:
    serial = 0

    def __init__(self):
        from marketplace.models import (
            County,
            Enterprise,
            Household,
            Prefecture,
            Township,
            User,
            Village,
        )

        prefecture, _ = Prefecture.objects.get_or_create(code="433100", defaults={"name": "湘西州"})
        self.county, _ = County.objects.get_or_create(
            code="433126", defaults={"name": "古丈县", "prefecture": prefecture}
        )
        self.township, _ = Township.objects.get_or_create(
            county=self.county, code="901", defaults={"name": "基准镇"}
        )
        self.village, _ = Village.objects.get_or_create(
            township=self.township, code="901", defaults={"name": "基准村"}
        )
        self.staff, _ = User.objects.get_or_create(
            username="bench-staff", defaults={"role": "exchange_staff"}
        )
        from marketplace.demo import make_id_number, make_uscc

        self.make_id_number, self.make_uscc = make_id_number, make_uscc
        self.Household, self.Enterprise, self.User = Household, Enterprise, User
        World.serial = Household.objects.filter(name__startswith="基准").count()

    def deal(self, *, parcels, settled):
        from contracts.documents.models import Contract
        from contracts.models import Deal, Registration
        from listings.models import Listing, Parcel, Right

        World.serial += 1
        n = World.serial
        household = self.Household.objects.create(
            name=f"基准农户{n}",
            id_number=self.make_id_number(
                "433126", dt.date(1960, 1, 1) + dt.timedelta(days=n), n % 1000
            ),
            phone="13900000000",
            village=self.village,
            bank_name="农商银行",
            bank_account="6230500000000001",
        )
        enterprise = self.Enterprise.objects.create(
            name=f"基准农业公司{n}",
            kind="leading",
            uscc=self.make_uscc("433126", "91", 700000 + n),
            legal_representative="王基准",
            contact_phone="13800000000",
            address="古丈县古阳镇",
        )
        user = self.User.objects.create(
            username=f"bench-buyer-{n}", role="agribusiness", enterprise=enterprise
        )
        rows = []
        for k in range(parcels):
            lon, lat, d = 109.9 + 0.0007 * (k % 5), 28.6 + 0.0007 * (k // 5), 0.0006
            ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
            rows.append(
                Parcel.objects.create(
                    code=f"{self.village.full_code}01{(n * 20 + k) % 100000:05d}",
                    village=self.village,
                    group_code="01",
                    name=f"基准{k + 1}号地",
                    area_mu=Decimal("3.5"),
                    land_class="paddy",
                    boundary_east="机耕路",
                    boundary_south="水渠",
                    boundary_west=f"基准{k}号地" if k else "山林",
                    boundary_north="村道",
                    geometry={"type": "Polygon", "coordinates": [ring]},
                )
            )
        right = Right.objects.create(
            right_type="contract", starts_on=dt.date(2018, 1, 1), ends_on=dt.date(2047, 12, 31)
        )
        right.parcels.set(rows)
        area = Decimal("3.5") * parcels
        listing = Listing.objects.create(
            number=f"GP-433126-2026-B{n:05d}",
            title=f"基准镇水田{area}亩",
            right=right,
            transferor_household=household,
            county=self.county,
            township=self.township,
            village=self.village,
            area_mu=area,
            land_class="paddy",
            transfer_mode="lease",
            term_start=dt.date(2027, 1, 1),
            term_end=dt.date(2037, 1, 1),
            permitted_use="grain",
            listing_price_fen=60_000,
            increment_fen=1_000,
            deposit_fen=100_000,
            filed_by=self.staff,
            state=Listing.State.CLOSED,
        )
        listing.parcels.set(rows)
        now = time_now()
        annual = int(60_000 * area)
        deal = Deal.objects.create(
            number=f"JY-433126-2026-B{n:05d}",
            listing=listing,
            state=Deal.State.SETTLED if settled else Deal.State.SIGNING,
            trading_mode="negotiated",
            price_fen=60_000,
            annual_rent_fen=annual,
            total_value_fen=annual * 10,
            awarded_at=now - dt.timedelta(days=10),
            result_announcement_ends_at=now - dt.timedelta(days=2),
            settled_at=now if settled else None,
        )
        registration = Registration.objects.create(
            deal=deal, enterprise=enterprise, user=user, state="qualified", bidder_number=f"{n:04d}"
        )
        Deal.objects.filter(pk=deal.pk).update(winner=registration, transferee=enterprise)
        deal = Deal.objects.get(pk=deal.pk)
        contract = Contract.objects.create(
            deal=deal,
            registration=registration,
            transferee=enterprise,
            number=f"HT-433126-2026-B{n:05d}",
            template="lease",
            state=Contract.State.SIGNED if settled else Contract.State.READY,
            signed_at=now if settled else None,
        )
        return deal, contract


def time_now():
    from django.utils import timezone

    return timezone.now()


def stats(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


# ---------------------------------------------------------------- 1 + 2: contract rendering


def bench_contract(world, renders):
    from weasyprint import HTML

    from contracts.documents.facts import contract_facts
    from contracts.documents.pdf import contract_html, render_contract_pdf
    from contracts.documents.services.schedule import rent_schedule

    deal, contract = world.deal(parcels=10, settled=False)
    facts = contract_facts(deal, registration=contract.registration, number=contract.number)
    assert not facts.missing, facts.missing
    schedule = rent_schedule(deal)
    render_contract_pdf(facts, schedule=schedule, version=1)  # warm the font cache
    ours, bare, cpu, pages = [], [], [], 0
    html = contract_html(facts, schedule=schedule, version=1)
    for _ in range(renders):
        t, c = time.perf_counter(), time.process_time()
        _pdf, pages = render_contract_pdf(facts, schedule=schedule, version=1)
        ours.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        t = time.perf_counter()
        HTML(string=html, base_url=str(ROOT)).write_pdf()
        bare.append(time.perf_counter() - t)
    return ours, bare, cpu, pages


def cpu_seconds(pid) -> float:
    """CPU time (user + system) of a process and its live children, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


# ---------------------------------------------------------------- 3: 100 certificates


def start_worker(env, concurrency):
    return subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "marketplace",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"bench-pdf-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
    )


def purge(env):
    subprocess.run(
        [str(VENV_BIN / "celery"), "-A", "marketplace", "purge", "-f"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )


def bench_batch(world, count, worker_pid):
    from contracts.documents.models import CertificateBatch
    from contracts.documents.services import certificate_batch_start

    deals = [world.deal(parcels=2, settled=True)[0] for _ in range(count)]
    cpu_before = cpu_seconds(worker_pid)
    t = time.perf_counter()
    batch = certificate_batch_start(deal_ids=[d.pk for d in deals], actor=world.staff)
    while True:
        batch = CertificateBatch.objects.get(pk=batch.pk)
        if batch.finished_at is not None:
            break
        if time.perf_counter() - t > 600:
            raise SystemExit(f"batch not finished after 600 s: {batch}")
        time.sleep(0.1)
    elapsed = time.perf_counter() - t
    cpu = cpu_seconds(worker_pid) - cpu_before
    if batch.failed:
        raise SystemExit(f"{batch.failed} certificates refused: {batch.errors[:3]}")
    missing = batch.certificates.filter(document__isnull=True).count()
    if missing:
        raise SystemExit(f"{missing} certificates without a PDF after the batch finished")
    return elapsed, cpu, batch


def bench_notices(batch, count):
    """First download of each notice (render + store) for `count` certificates of the batch."""
    from contracts.documents.services import certificate_notice, certificate_notice_kinds

    wall, cpu = [], []
    for certificate in batch.certificates.order_by("pk")[:count]:
        for kind in certificate_notice_kinds(certificate):
            t, c = time.perf_counter(), time.process_time()
            certificate_notice(certificate=certificate, kind=kind)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    return wall, cpu


def main():
    args = parse_args()
    media = tempfile.mkdtemp(prefix="bench-pdf-media-")
    env = environment(args, media)
    ensure_database(args, env)
    django_setup(env)
    world = World()

    print(f"load average before: {os.getloadavg()}  ({os.cpu_count()} CPUs)")
    ours, bare, cpu, pages = bench_contract(world, args.renders)
    o_med, o_p95 = stats(ours)
    b_med, b_p95 = stats(bare)
    print(f"contract: {pages} pages, 10 parcels + map, {args.renders} renders")
    print(f"  ours  median {o_med:.3f} s  p95 {o_p95:.3f} s   (target ≤ 0.5 s median)")
    print(f"  bare  median {b_med:.3f} s  p95 {b_p95:.3f} s")
    print(f"  ratio ours/bare {o_med / b_med:.2f}   (target ≤ 1.2)")
    print(f"  ours CPU time median {statistics.median(cpu):.3f} s (what one idle core would take)")

    purge(env)
    worker = start_worker(env, args.concurrency)
    try:
        time.sleep(4)  # worker boot
        results = [bench_batch(world, args.certificates, worker.pid) for _ in range(args.runs)]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    times = [wall for wall, _cpu, _batch in results]
    cpus = [cpu for _wall, cpu, _batch in results]
    print(
        f"certificates: {args.certificates} through Celery with {args.concurrency} workers, "
        f"{args.runs} runs: " + ", ".join(f"{t:.1f} s" for t in times)
    )
    print(f"  median {statistics.median(times):.1f} s   (target ≤ 30 s)")
    print(
        f"  workers' CPU time median {statistics.median(cpus):.1f} s, i.e. "
        f"{statistics.median(cpus) / args.concurrency:.1f} s on {args.concurrency} idle cores"
    )
    wall, cpu = bench_notices(results[-1][2], args.notices)
    if wall:
        print(
            f"notices (rendered on first download, not in the batch): {len(wall)} renders, "
            f"median {statistics.median(wall):.3f} s wall, {statistics.median(cpu):.3f} s CPU each"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
