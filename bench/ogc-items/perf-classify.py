#!/usr/bin/env python3
"""perf-classify.py < `perf report --no-children --sort dso,sym --stdio -g none` output

Groups a perf self-time profile of Metrocircle (JIT frames resolved through DOTNET_PerfMapEnabled=1
and DOTNET_EnableWriteXorExecute=0) into coarse buckets: number formatting, SQLite, WKB decoding, ...
The first matching bucket wins; the method name is matched without its parameter list.
"""
import re,sys,collections
cats=collections.OrderedDict([
 ('number formatting (double -> text)', r'Number::|FormattingHelpers|Utf8Formatter|GetFloatingPointMaxDigits|Dragon|Grisu|BigInteger'),
 ('JSON writer (other)', r'Utf8JsonWriter|System\.Text\.Json|JsonObject|JsonNode|JsonValue|JsonElement|JsonDocument'),
 ('GeoJSON geometry walk', r'GeoJsonGeometry|GeoJsonFeatureWriter|CoordinateSequence::Get|CoordinateArraySequence'),
 ('WKB decode', r'WKBReader|BinaryReader|MemoryStream'),
 ('NTS predicates/envelopes', r'NetTopologySuite\.(Algorithm|Operation|Geometries\.Prepared|Geometries\.(LineString|Polygon|Envelope|Geometry)|Index)|RayCrossing|Rectangle'),
 ('NTS other', r'NetTopologySuite'),
 ('SQLite engine', r'libe_sqlite3|sqlite3'),
 ('Microsoft.Data.Sqlite/SQLitePCL', r'Microsoft\.Data\.Sqlite|SQLitePCL|SafeHandle'),
 ('Kestrel/ASP.NET/pipelines', r'AspNetCore|System\.IO\.Pipelines|System\.Net'),
 ('memmove/memset/malloc', r'mem(move|set|cpy)|malloc|_int_free|_int_malloc|Memmove|SpanHelpers'),
 ('GC / runtime (coreclr)', r'libcoreclr|JIT_|WriteBarrier|StelemRef|CastHelpers|Allocat|stub '),
 ('kernel (network, scheduling)', r'\[k\]'),
])
tot=collections.Counter(); allp=0
for line in sys.stdin:
    m=re.match(r'\s+([0-9.]+)%\s+(.*)',line)
    if not m: continue
    p=float(m.group(1)); s=m.group(2); allp+=p
    s=s.split("(")[0] if "::" in s else s
    for c,rx in cats.items():
        if re.search(rx,s): tot[c]+=p; break
    else: tot['other']+=p
for c,p in tot.most_common(): print(f'{p:6.1f}%  {c}')
print(f'{allp:6.1f}%  total')
