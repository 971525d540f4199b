#!/usr/bin/env bash
# Installs the Debian 12 packages meter-sync needs to build and test (only the missing ones).
set -euo pipefail
packages=(build-essential cmake pkg-config libpq-dev libpqxx-dev libcli11-dev nlohmann-json3-dev
          libspdlog-dev libfmt-dev doctest-dev librapidcheck-dev postgresql-15 postgresql-contrib
          python3 python3-jsonschema python3-prometheus-client time iproute2 openssl util-linux lintian mandoc groff-base man-db dpkg-dev file adduser shellcheck ${EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# promtool (tests check the alert rules and a real metrics file with it) comes from Debian's
# `prometheus` package, which is 96 MB installed and starts a Prometheus server: take only
# /usr/bin/promtool out of the package, into /usr/local/bin.
if ! command -v promtool >/dev/null; then
  echo "installing: promtool (from the prometheus package)" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1) \
    || { $SUDO apt-get update -qq && (cd "$tmp" && apt-get download prometheus >/dev/null); }
  dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb | tar -x -C "$tmp" ./usr/bin/promtool
  $SUDO install -m 0755 "$tmp/usr/bin/promtool" /usr/local/bin/promtool
fi
