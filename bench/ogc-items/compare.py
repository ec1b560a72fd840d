#!/usr/bin/env python3
"""compare.py BBOXES MC_ROOT MS_ROOT OUT_DIR

Checks that Metrocircle (MC_ROOT: its OGC API root, e.g. http://127.0.0.1:5190) and MapServer
(MS_ROOT: e.g. http://127.0.0.1:8098/fcgi/mapserv/anchors/ogcapi) answer the benchmark's county
requests with the same features. For every box in BBOXES it fetches
  <root>/collections/<counties|county>/items?f=json&limit=1000&bbox=<box>
from both, and (when psql reaches the harness database) counts the PostGIS rows whose bounding
box overlaps the box (`geom && box`, the filter MapServer's PostGIS driver uses) and whose
geometry really intersects it (`ST_Intersects`). Features are matched by "city|name" (names
repeat across cities, e.g. 桥西区). Writes OUT_DIR/compare.txt (every box) and prints a summary.
Differences are reported, not hidden; the exit status is 0 either way.
"""
import json
import subprocess
import sys
import urllib.request

MC_COLLECTION, MS_COLLECTION = "counties", "county"


def get(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.load(r)


def key(props):
    city = props.get("city") or props.get("province") or ""
    return f"{city}|{props.get('name')}"


def fetch(root, collection, box, limit):
    q = f"f=json&limit={limit}" + (f"&bbox={box}" if box else "")
    d = get(f"{root}/collections/{collection}/items?{q}")
    feats = d.get("features", [])
    multi = [f["geometry"]["coordinates"] for f in feats if (f.get("geometry") or {}).get("type") == "MultiPolygon"]
    multi = [m for m in multi if len(m) > 1]
    return {
        "matched": d.get("numberMatched"),
        "returned": d.get("numberReturned", len(feats)),
        "keys": {key(f.get("properties", {})) for f in feats},
        "vertices": sum(count_vertices(f.get("geometry")) for f in feats),
        "multi": len(multi),
        # MultiPolygons whose parts are all the same list of rings (seen in MapServer 8.0.0's output)
        "multi_repeated": sum(all(p == m[0] for p in m) for m in multi),
    }


def count_vertices(g):
    if not g:
        return 0
    def walk(c):
        if c and isinstance(c[0], (int, float)):
            return 1
        return sum(walk(x) for x in c)
    return walk(g.get("coordinates", []))


def postgis(boxes):
    """{box: (bbox_overlap_keys, intersect_keys, intersect_vertices)} from the harness database, or None."""
    values = ",".join(f"({i},{b})" for i, b in enumerate(boxes))
    sql = f"""
      SELECT v.i, c.city || '|' || c.name, (c.geom && e.env)::int, ST_Intersects(c.geom, e.env)::int, ST_NPoints(c.geom)
      FROM (VALUES {values}) v(i, x0, y0, x1, y1)
      CROSS JOIN LATERAL (SELECT ST_MakeEnvelope(v.x0, v.y0, v.x1, v.y1, 4326) AS env) e
      JOIN county c ON c.geom && e.env"""
    try:
        out = subprocess.run(["psql", "-X", "-tA", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"compare: PostGIS counts skipped ({e})", file=sys.stderr)
        return None
    res = {b: [set(), set(), 0] for b in boxes}
    for line in out.splitlines():
        i, k, overlap, inter, npoints = line.split("\t")
        b = boxes[int(i)]
        if overlap == "1":
            res[b][0].add(k)
        if inter == "1":
            res[b][1].add(k)
            res[b][2] += int(npoints)
    return res


def main():
    bbox_file, mc_root, ms_root, out_dir = sys.argv[1:5]
    boxes = [l.strip() for l in open(bbox_file, encoding="utf-8") if l.strip()]
    pg = postgis(boxes)
    lines = ["box\tMC matched\tMC returned\tMS matched\tMS returned\tPostGIS &&\tPostGIS ST_Intersects\tMC vertices\tMS vertices\tonly in MC\tonly in MS"]
    tot = {"mc": 0, "ms": 0, "pg_overlap": 0, "pg_inter": 0, "mc_v": 0, "ms_v": 0, "pg_v": 0,
           "mc_multi": 0, "ms_multi": 0, "mc_rep": 0, "ms_rep": 0}
    same_count = same_set = mc_eq_intersects = ms_eq_intersects = ms_eq_overlap = 0
    ms_only_bbox_only = ms_only_other = mc_only_total = 0
    notes = []
    for b in boxes:
        mc = fetch(mc_root, MC_COLLECTION, b, 1000)
        ms = fetch(ms_root, MS_COLLECTION, b, 1000)
        po, pi, pv = pg[b] if pg else (set(), set(), 0)
        only_mc = sorted(mc["keys"] - ms["keys"])
        only_ms = sorted(ms["keys"] - mc["keys"])
        tot["mc"] += mc["matched"]; tot["ms"] += ms["matched"]
        tot["pg_overlap"] += len(po); tot["pg_inter"] += len(pi)
        tot["mc_v"] += mc["vertices"]; tot["ms_v"] += ms["vertices"]; tot["pg_v"] += pv
        tot["mc_multi"] += mc["multi"]; tot["ms_multi"] += ms["multi"]
        tot["mc_rep"] += mc["multi_repeated"]; tot["ms_rep"] += ms["multi_repeated"]
        same_count += mc["matched"] == ms["matched"]
        same_set += not only_mc and not only_ms
        if pg:
            mc_eq_intersects += mc["keys"] == pi
            ms_eq_overlap += ms["keys"] == po
            ms_eq_intersects += ms["keys"] == pi
            for k in only_ms:
                if k not in pi:
                    ms_only_bbox_only += 1
                else:
                    ms_only_other += 1
                    notes.append(f"{b}: {k} is returned by MapServer and intersects the box in PostGIS, but Metrocircle does not return it")
            for k in only_mc:
                mc_only_total += 1
                notes.append(f"{b}: {k} is returned by Metrocircle only" + (" (PostGIS: intersects)" if k in pi else " (PostGIS: does not intersect)" if k in po else ""))
        else:
            mc_only_total += len(only_mc)
        lines.append("\t".join(map(str, [b, mc["matched"], mc["returned"], ms["matched"], ms["returned"],
                                         len(po) if pg else "", len(pi) if pg else "", mc["vertices"], ms["vertices"],
                                         " ".join(only_mc), " ".join(only_ms)])))
    whole_mc = fetch(mc_root, MC_COLLECTION, None, 200)
    whole_ms = fetch(ms_root, MS_COLLECTION, None, 200)
    lines.append(f"whole collection (limit=200)\t{whole_mc['matched']}\t{whole_mc['returned']}\t{whole_ms['matched']}\t{whole_ms['returned']}"
                 f"\t\t\t{whole_mc['vertices']}\t{whole_ms['vertices']}\t{' '.join(sorted(whole_mc['keys'] - whole_ms['keys']))}\t{' '.join(sorted(whole_ms['keys'] - whole_mc['keys']))}")
    with open(f"{out_dir}/compare.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        if notes:
            f.write("\nnotes:\n" + "\n".join(notes) + "\n")
    n = len(boxes)
    summary = [
        f"boxes: {n}; same numberMatched on {same_count}/{n}; same feature set on {same_set}/{n}",
        f"features over all boxes: Metrocircle {tot['mc']}, MapServer {tot['ms']}"
        + (f", PostGIS geom && box {tot['pg_overlap']}, PostGIS ST_Intersects {tot['pg_inter']}" if pg else ""),
        f"vertices over all boxes: Metrocircle {tot['mc_v']}, MapServer {tot['ms_v']}" + (f", PostGIS ST_NPoints of the same features {tot['pg_v']}" if pg else ""),
        f"multi-part MultiPolygons over all boxes: Metrocircle {tot['mc_multi']} ({tot['mc_rep']} with every part the same ring list), "
        f"MapServer {tot['ms_multi']} ({tot['ms_rep']} with every part the same ring list)",
    ]
    if pg:
        summary += [
            f"feature set = PostGIS ST_Intersects: Metrocircle on {mc_eq_intersects}/{n} boxes, MapServer on {ms_eq_intersects}/{n} "
            f"(MapServer's set = PostGIS bbox overlap && on {ms_eq_overlap}/{n})",
            f"returned by MapServer only: {ms_only_bbox_only} whose bounding box (not geometry) meets the box, {ms_only_other} that really intersect it",
            f"returned by Metrocircle only: {mc_only_total}",
        ]
    summary.append(f"whole collection: Metrocircle numberMatched {whole_mc['matched']} (returned {whole_mc['returned']}, {whole_mc['vertices']} vertices, "
                   f"{whole_mc['multi']} multi-part, {whole_mc['multi_repeated']} with repeated parts), "
                   f"MapServer numberMatched {whole_ms['matched']} (returned {whole_ms['returned']}, {whole_ms['vertices']} vertices, "
                   f"{whole_ms['multi']} multi-part, {whole_ms['multi_repeated']} with repeated parts)")
    with open(f"{out_dir}/compare-summary.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(summary + notes) + "\n")
    print("\n".join(summary + notes))


if __name__ == "__main__":
    main()
