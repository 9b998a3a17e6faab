#!/bin/bash
# Decode speed side by side in one run: slicer (this build) and Hugging Face transformers, on
# facebook/opt-125m's shape (random weights; slicer in F16 like the real checkpoint, transformers
# in fp32) and on SmolLM2-135M-Instruct Q4_1 (transformers widens the GGUF to fp32). Each pair
# alternates ROUNDS times so drift on a shared machine hits both alike.
#   pip install torch transformers gguf   # for the measurement only
#   scripts/compare-decode.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
slicer=.build/release/slicer
smol=Weights/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf
[ -x "$slicer" ] || swift build -c release --product slicer --static-swift-stdlib  # as make build
for round in $(seq "$rounds"); do
  echo "== round $round"
  "$slicer" bench decode --runs 5 --split 6 --codec fp32
  python3 scripts/bench-transformers.py --model opt-125m --runs 5
  if [ -f "$smol" ]; then
    "$slicer" bench decode --model "$smol" --runs 5 --no-bandwidth
    python3 scripts/bench-transformers.py --model "$smol" --runs 5
  fi
done
