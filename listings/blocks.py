"""Contiguous blocks of stored parcels (集中连片, R-STORE-4): pure geometry, no database.

A block's parcels lie in one township and form one connected whole: two parcels are adjacent when
the distance between their polygons is at most the contiguity tolerance (rulebook, default 1 m).
Polygons come in WGS84 (longitude, latitude); distances are measured in metres in a local
equirectangular projection centred on the data (x = R·Δλ·cos φ₀, y = R·Δφ). Over a township
(≈ 20 km) the scale error of that projection is well under 1 %, i.e. under a centimetre on the
1 m tolerance, so no pyproj is needed.

Candidate neighbours come from one bulk STRtree query (``predicate="dwithin"``), never all pairs;
components come from a union-find over those pairs.
"""

import math
from collections import defaultdict

import numpy as np
import shapely
from shapely.strtree import STRtree

EARTH_RADIUS_M = 6371008.8


def _projector(geoms):
    """A vectorised lon/lat -> metres transform centred on the bounding box of ``geoms``."""
    bounds = shapely.total_bounds(geoms)
    lon0 = (bounds[0] + bounds[2]) / 2
    lat0 = (bounds[1] + bounds[3]) / 2
    kx = EARTH_RADIUS_M * math.cos(math.radians(lat0)) * math.pi / 180
    ky = EARTH_RADIUS_M * math.pi / 180

    def project(coords):
        return np.column_stack([(coords[:, 0] - lon0) * kx, (coords[:, 1] - lat0) * ky])

    return project


def project_metric(geoms):
    """The polygons of the sequence ``geoms`` in metres (numpy array of shapely geometries)."""
    arr = np.asarray(list(geoms), dtype=object)
    if not len(arr):
        return arr
    return shapely.transform(arr, _projector(arr))


def adjacency_pairs(geoms_m, tolerance_m):
    """Index pairs (i < j) of metric polygons whose distance is at most ``tolerance_m``."""
    if len(geoms_m) < 2:
        return np.empty((0, 2), dtype=np.intp)
    tree = STRtree(geoms_m)
    left, right = tree.query(geoms_m, predicate="dwithin", distance=float(tolerance_m))
    keep = left < right
    return np.column_stack([left[keep], right[keep]])


def _components(n, pairs):
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs.tolist():
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    return list(groups.values())


def connected_groups(geoms, *, tolerance_m=1.0):
    """Connected components of the adjacency graph of ``geoms`` (key -> WGS84 polygon).

    Two parcels are adjacent when their distance is at most ``tolerance_m`` metres (R-STORE-4).
    Returns a list of sets of keys, largest total area first (ties: the group holding the
    earliest key in ``geoms``' order first).
    """
    keys = list(geoms)
    if not keys:
        return []
    metric = project_metric(geoms[k] for k in keys)
    areas = shapely.area(metric)
    groups = _components(len(keys), adjacency_pairs(metric, tolerance_m))
    groups.sort(key=lambda idx: (-float(areas[idx].sum()), min(idx)))
    return [{keys[i] for i in idx} for idx in groups]


def block_problems(geoms, townships, *, tolerance_m=1.0):
    """What stops ``geoms`` (key -> polygon) from being one block (R-STORE-4).

    ``townships`` maps each key to its township. Returns ``(other_township, cut_off)``:
    the keys not in the township of the block's first key, and the keys not connected to the
    largest connected group (both empty when the parcels form a valid block).
    """
    keys = list(geoms)
    if not keys:
        return set(), set()
    home = townships[keys[0]]
    other = {k for k in keys if townships[k] != home}
    groups = connected_groups(geoms, tolerance_m=tolerance_m)
    cut_off = set().union(*groups[1:]) if len(groups) > 1 else set()
    return other, cut_off


def blocks_suggest(parcels, *, tolerance_m=1.0, min_parcels=2, limit=None):
    """The largest connected groups of (unlet, unblocked) stored parcels per township.

    ``parcels`` is an iterable of ``(key, township, polygon)``. Returns a list of
    ``(township, set_of_keys)``, largest total area first across townships; groups smaller than
    ``min_parcels`` are left out; at most ``limit`` suggestions when given.
    """
    by_township = defaultdict(dict)
    for key, township, geom in parcels:
        by_township[township][key] = geom
    scored = []
    for township, geoms in by_township.items():
        metric = project_metric(geoms.values())
        area_of = dict(zip(geoms, shapely.area(metric).tolist(), strict=True))
        for group in connected_groups(geoms, tolerance_m=tolerance_m):
            if len(group) >= min_parcels:
                scored.append((sum(area_of[k] for k in group), township, group))
    scored.sort(key=lambda item: -item[0])
    suggestions = [(township, group) for _area, township, group in scored]
    return suggestions[:limit] if limit is not None else suggestions
