#!/usr/bin/env python3
"""Writes COPIES shifted copies of a farmland GeoJSON text sequence (the harness's 1,000,000 parcels) as one file.

A stand-in for the harness's generator at 10,000,000 parcels, which takes about an hour here: the parcels keep the
harness's shapes (vertex counts, convexity, properties) and only move. Copy k is shifted by k times (DX, DY) degrees,
a few hundred metres, so the copies overlap one another inside the same region; ids become k * 10,000,000 + id.
Good for memory and per-parcel costs, not for anything that depends on parcels tiling the land without overlap.

usage: replicate-parcels.py IN.geojsons COPIES OUT.geojsons [DX DY]
COPIES is a count, or FIRST:END to write copies FIRST .. END-1 only (two processes, then cat, on two cores).
"""
import json
import sys

src, out = sys.argv[1], sys.argv[3]
first, end = (int(p) for p in sys.argv[2].split(":")) if ":" in sys.argv[2] else (0, int(sys.argv[2]))
dx, dy = (float(sys.argv[4]), float(sys.argv[5])) if len(sys.argv) > 5 else (0.0031, 0.0023)


def shift(coords, ox, oy):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0] + ox, 15), round(coords[1] + oy, 15)]
    return [shift(c, ox, oy) for c in coords]


with open(out, "w", encoding="utf-8") as f:
    for k in range(first, end):
        with open(src, encoding="utf-8") as lines:
            for line in lines:
                feature = json.loads(line)
                if k:
                    g = feature["geometry"]
                    g["coordinates"] = shift(g["coordinates"], k * dx, k * dy)
                    feature["properties"]["id"] = k * 10_000_000 + feature["properties"]["id"]
                f.write(json.dumps(feature, separators=(",", ":")))
                f.write("\n")
