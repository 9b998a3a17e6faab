#!/bin/bash
# Codec speed of two (or more) slicer binaries, measured alternately so the machine's drift hits
# them alike: each round runs every binary once (`slicer bench codec`, slicer row only), and the
# table gives, per binary, the median over rounds of each run's median encode, decode and
# encode + decode (µs), with the fastest and slowest run. Measurement aid, not part of the build.
#
#   ROUNDS=20 ITER=400 KIND=massive BUDGET=1e-3 scripts/compare-codec-speed.sh old/slicer new/slicer
#
# EXTRA passes more flags to `bench codec` (e.g. EXTRA="--kind real --split 15 --model M").
# On a shared 2-core machine, keep compilers and tests from running meanwhile.
set -eu
ROUNDS=${ROUNDS:-20}; ITER=${ITER:-400}; KIND=${KIND:-massive}; BUDGET=${BUDGET:-1e-3}
[ $# -ge 1 ] || { echo "usage: $0 SLICER_BINARY..." >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -r "$tmp"' EXIT
for _ in $(seq "$ROUNDS"); do
  for i in $(seq $#); do
    bin=${!i}
    "$bin" bench codec --kind "$KIND" --budget "$BUDGET" --iterations "$ITER" --baselines fp16 \
      ${EXTRA:-} | grep '^slicer' >> "$tmp/$i"
  done
done
for i in $(seq $#); do
  # Row: spec, then p10/median/p90 of encode, decode, encode+decode, mean bits, distortion.
  sort -n -k3 "$tmp/$i" | awk '{e[NR]=$3} END {print e[int((NR+1)/2)]}' > "$tmp/e"
  sort -n -k6 "$tmp/$i" | awk '{d[NR]=$6} END {print d[int((NR+1)/2)]}' > "$tmp/d"
  sort -n -k9 "$tmp/$i" | awk -v bin="${!i}" -v e="$(cat "$tmp/e")" -v d="$(cat "$tmp/d")" \
    '{t[NR]=$9; bits=$11} END {printf "%-40s enc %6.1f  dec %6.1f  enc+dec %6.1f  (runs %.1f–%.1f)  %s bits\n", bin, e, d, t[int((NR+1)/2)], t[1], t[NR], bits}'
done
