"""Contiguity benchmark (issue 11, R-STORE-4): `connected_groups` on one township's parcels.

    .venv/bin/python bench/blocks.py              # 10,000 parcels, 5 runs, median printed
    .venv/bin/python bench/blocks.py --parcels 20000 --runs 3

The township is a grid of real-sized parcels (20–60 m × 15–45 m, 1.5 mu on average) in 古丈县,
laid out row by row with the parcels of a row touching or 0–0.8 m apart (within the 1 m
tolerance), about one in eight separated from its neighbour by a 3–8 m gap (a ditch, a path),
some rows shifted off the row below by a gap, and a few hundred islands scattered in between.
Target (issue 11): ≤ 1 s for 10,000 parcels.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from shapely.geometry import box  # noqa: E402

from listings.blocks import connected_groups  # noqa: E402

LON0, LAT0 = 109.90, 28.55
M_LAT = 6371008.8 * math.pi / 180
M_LON = M_LAT * math.cos(math.radians(LAT0))


def township(n, seed=11):
    rnd = random.Random(seed)
    geoms = {}
    per_row = int(math.sqrt(n))
    y = 0.0
    key = 0
    while key < n:
        x = rnd.uniform(0, 30)
        h = rnd.uniform(15, 45)
        for _ in range(per_row):
            if key >= n:
                break
            w = rnd.uniform(20, 60)
            if rnd.random() < 0.03:  # an island in a field of its own
                ix, iy = rnd.uniform(0, 60 * per_row), rnd.uniform(0, 40 * per_row)
                geoms[key] = _rect(ix + 100000, iy, w, h)
            else:
                geoms[key] = _rect(x, y, w, h)
            key += 1
            x += w + (rnd.uniform(3, 8) if rnd.random() < 0.125 else rnd.uniform(0, 0.8))
        y += h + (rnd.uniform(3, 8) if rnd.random() < 0.3 else rnd.uniform(0, 0.5))
    return geoms


def _rect(x, y, w, h):
    return box(LON0 + x / M_LON, LAT0 + y / M_LAT, LON0 + (x + w) / M_LON, LAT0 + (y + h) / M_LAT)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    geoms = township(args.parcels)
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        groups = connected_groups(geoms, tolerance_m=1.0)
        timings.append(time.perf_counter() - start)
    sizes = sorted((len(g) for g in groups), reverse=True)
    print(
        f"parcels: {len(geoms)}  groups: {len(groups)}  largest: {sizes[:5]}  "
        f"singletons: {sizes.count(1)}"
    )
    print(
        f"connected_groups: median {statistics.median(timings) * 1000:.0f} ms "
        f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}) over {args.runs} runs; "
        f"target <= 1000 ms"
    )


if __name__ == "__main__":
    main()
