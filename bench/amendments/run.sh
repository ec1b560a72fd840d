#!/usr/bin/env bash
# Impact of an amendment (issue 12): builds the bench in Release and runs it; output in bench/amendments/results/<UTC stamp>.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
ART=${ART:-/tmp/art-bench-amend}
dotnet build bench/amendments/Metrocircle.Bench.Amendments -c Release --artifacts-path "$ART" -v q -nologo >/dev/null
mkdir -p bench/amendments/results
out="bench/amendments/results/$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (uncommitted changes)')"
  echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "dotnet: $(dotnet --version)"
  echo "load before: $(uptime)"
  dotnet "$ART/bin/Metrocircle.Bench.Amendments/release/metrocircle-bench-amendments.dll" data/capital-circle "$@"
  echo "load after: $(uptime)"
} | tee "$out"
