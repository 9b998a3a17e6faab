#!/bin/sh
# Builds and runs a libFuzzer target from the repository root:
#   Tests/Fuzz/run.sh codec [SECONDS]     SlicerCodec decoders and encoders (CodecFuzz.swift)
#   Tests/Fuzz/run.sh wire  [SECONDS]     SlicerWire frame decoder (WireFuzz.swift)
# Needs a Linux Swift toolchain (libFuzzer ships with it). New interesting inputs go to
# .build/<target>-fuzz-corpus; a crash leaves .build/<target>-fuzz-artifacts/crash-* to replay with
#   .build/<target>-fuzz .build/<target>-fuzz-artifacts/crash-<hash>
set -eu
target=${1:-codec}
seconds=${2:-600}
case "$target" in
  codec) module=SlicerCodec; harness=Tests/Fuzz/CodecFuzz.swift; seeds=Tests/Fuzz/codec-corpus ;;
  wire) module=SlicerWire; harness=Tests/Fuzz/WireFuzz.swift; seeds=Tests/Fuzz/wire-corpus ;;
  *) echo "usage: $0 codec|wire [seconds]" >&2; exit 2 ;;
esac
binary=.build/$target-fuzz
mkdir -p .build/$target-fuzz-corpus .build/$target-fuzz-artifacts
swiftc -sanitize=fuzzer,address -parse-as-library -O \
  Sources/$module/*.swift "$harness" -o "$binary"
exec "$binary" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix=.build/$target-fuzz-artifacts/ .build/$target-fuzz-corpus "$seeds"
