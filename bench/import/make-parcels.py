#!/usr/bin/env python3
"""Writes N synthetic farmland parcels over the Beijing-Tianjin-Hebei box as a GeoJSON text sequence.

Stand-in for the harness's farmland.geojsons (same shape of file: one Feature per line, 15 decimals, `id` in
properties) when that export is not there. Parcels are cells of a jittered lattice with 6 vertices; 1 in 100 has
clockwise rings (re-oriented on import) and 1 in 2,000 is a bow-tie (repaired), so the report has real lines.
Deterministic: the same N gives the same file.

usage: make-parcels.py N OUT.geojsons
"""
import math
import random
import sys

n = int(sys.argv[1])
out = sys.argv[2]
side = max(1, math.isqrt(n - 1) + 1)
x0, x1, y0, y1 = 113.5, 119.8, 36.1, 42.6
dx, dy = (x1 - x0) / side, (y1 - y0) / side
rng = random.Random(42)


def node(i, j):
    # Jitter depends only on the lattice node, so neighbouring cells share their corners.
    h = random.Random(i * 1_000_003 + j)
    return (x0 + (i + 0.3 * (h.random() - 0.5)) * dx, y0 + (j + 0.3 * (h.random() - 0.5)) * dy)


def mid(a, b):
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


with open(out, "w", encoding="utf-8") as f:
    for k in range(n):
        i, j = k % side, k // side
        a, b, c, d = node(i, j), node(i + 1, j), node(i + 1, j + 1), node(i, j + 1)
        ring = [a, mid(a, b), b, c, mid(c, d), d, a]  # counter-clockwise
        if k % 2000 == 1999:
            ring = [a, b, d, c, a]  # bow-tie
        elif k % 100 == 99:
            ring.reverse()
        coords = ",".join("[%.15f,%.15f]" % p for p in ring)
        area_ha = dx * dy * 111.32 * 111.32 * math.cos(math.radians(a[1])) * 100
        f.write(
            '{"type":"Feature","properties":{"id":%d,"county_id":%d,"dlbm":"%s","permanent":%s,"area_ha":%.4f},'
            '"geometry":{"type":"Polygon","coordinates":[[%s]]}}\n'
            % (k + 1, 1 + (k * 7919) % 200, ("0101", "0102", "0103")[rng.randrange(3)],
               "true" if rng.random() < 0.6 else "false", area_ha, coords)
        )
