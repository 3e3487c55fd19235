#!/usr/bin/env bash
# Installs vigil's Debian 12 build, runtime and test dependencies with apt-get.
# Idempotent and quiet when everything is already there.
#
#   scripts/install-deps.sh          build + runtime
#   scripts/install-deps.sh --test   also what the tests need (ClamAV, YARA,
#                                    clang for the sanitizer/fuzz builds)
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config
  libvectorscan-dev libpcre2-dev libssl-dev zlib1g-dev libarchive-dev
  nlohmann-json3-dev libcli11-dev
  # CHM (src/formats/chm): LZX through libmspack
  libmspack-dev
  # vigild's networking (src/daemon): standalone Asio
  libasio-dev
)
TEST_PKGS=(
  libgtest-dev libgmock-dev clamav clamav-daemon yara python3 time
  # container fixtures (tests/e2e/test_containers.py)
  gcc binutils zip p7zip-full cpio xz-utils bzip2 zstd genisoimage gcab
  ncompress mscompress arj
  # OLE2 reader cross-check (tests/unit/formats/ole2)
  python3-olefile
  # PDF fixtures (tests/unit/formats/pdf, tests/e2e/test_containers.py)
  qpdf
  # CHM cross-check: chmlib's extract_chmLib, an independent reader
  # (tests/e2e/test_chm.py)
  libchm-bin
  # vigild interoperability: the real clamdscan client (only recommended by
  # clamav-daemon, which brings clamd and clamdtop) (tests/daemon)
  clamdscan
  # systemd-analyze verify/security and systemd-socket-activate for the
  # units in dist/systemd (tests/daemon/test_systemd.py); nothing is started
  systemd
)

want=("${BUILD_PKGS[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${TEST_PKGS[@]}")

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Vectorscan and Hyperscan's -dev packages conflict: vigil uses Vectorscan.
if dpkg-query -W -f='${Status}' libhyperscan-dev 2>/dev/null | grep -q "install ok installed"; then
  $SUDO apt-get remove -y -qq libhyperscan-dev >/dev/null
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
