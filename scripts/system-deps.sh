#!/usr/bin/env bash
# The Debian packages Espace Famille needs: WeasyPrint's Pango and HarfBuzz subsetter (PDF),
# poppler-utils (pdftotext, for tests), gettext (translations), Chromium (browser tests), nginx and
# Redis (the production stack that tests/deploy/ starts on loopback) and wrk (load benchmarks).
# As root, installs what is missing; otherwise prints the apt-get line to run.
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
          poppler-utils gettext chromium nginx redis-server wrk)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing system packages. Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  if [ "${CI:-}" = "true" ]; then
    exit 1
  fi
fi
