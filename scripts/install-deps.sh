#!/usr/bin/env bash
# Installs the Debian 12 packages meter-sync needs to build and test (only the missing ones).
set -euo pipefail
packages=(build-essential cmake pkg-config libpq-dev libpqxx-dev libcli11-dev nlohmann-json3-dev
          libspdlog-dev libfmt-dev doctest-dev librapidcheck-dev postgresql-15 postgresql-contrib
          python3 python3-jsonschema time iproute2 openssl util-linux lintian mandoc groff-base man-db dpkg-dev file adduser shellcheck ${EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
