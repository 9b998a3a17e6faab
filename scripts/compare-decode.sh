#!/bin/bash
# Decode speed side by side in one run: slicer (this build) and Hugging Face transformers, on
# facebook/opt-125m's shape (random weights; slicer in F16 like the real checkpoint, transformers
# in fp32) and on SmolLM2-135M-Instruct Q4_1 (transformers widens the GGUF to fp32; llama.cpp's
# llama-bench reads the same file when $LLAMA_BENCH names it, see scripts/build-llama-bench.sh).
# The engines alternate ROUNDS times so drift on a shared machine hits all alike.
#   pip install torch transformers gguf   # for the measurement only
#   LLAMA_BENCH=/tmp/llama-bench/build/bin/llama-bench scripts/compare-decode.sh [ROUNDS]
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
    if [ -n "${LLAMA_BENCH:-}" ]; then
      # 32-token prompt and 64 generated tokens, 2 threads, 5 repetitions: as bench decode.
      "$LLAMA_BENCH" -m "$smol" -p 32 -n 64 -t 2 -r 5
    fi
  fi
done
