#!/usr/bin/env bash
# Installs every Debian package phase4's build, tests, benchmarks and demo
# need. Idempotent: installs only what is missing. Run as root (or with sudo
# available) on Debian 12.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3
  postgresql-15 libpq-dev
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libssl-dev libcurl4-openssl-dev
  libgmp-dev
  libxxhash-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang clang-format time
  libclang-rt-14-dev
  libjemalloc-dev
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
