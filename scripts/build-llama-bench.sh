#!/bin/bash
# Builds llama.cpp's `llama-bench` for measurements only (it is not a project dependency): the
# source comes from the llama-cpp-python source package on PyPI, which vendors llama.cpp. Needs
# cmake and ninja (`pip install cmake ninja`) and a C++ compiler; ~15 min on 2 cores.
#   scripts/build-llama-bench.sh [DIR]   # default /tmp/llama-bench; prints the binary's path
set -euo pipefail
dir=${1:-/tmp/llama-bench}
mkdir -p "$dir"
cd "$dir"
if ! ls llama_cpp_python-*.tar.gz >/dev/null 2>&1; then
  pip download --no-deps --no-binary llama-cpp-python -d . llama-cpp-python >&2
fi
tar xzf llama_cpp_python-*.tar.gz
src=$(ls -d llama_cpp_python-*/vendor/llama.cpp | head -1)
cmake -S "$src" -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF >&2
cmake --build build -j"$(nproc)" --target llama-bench >&2
echo "$dir/build/bin/llama-bench"
