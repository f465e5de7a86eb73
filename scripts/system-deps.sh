#!/usr/bin/env bash
# Install the Debian packages the exchange needs, or say exactly which are missing.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi
echo "Missing system packages: ${missing[*]}" >&2
if ! command -v apt-get >/dev/null; then
  echo "This is not a Debian machine: install the equivalents of these packages yourself." >&2
else
  echo "Run as root: apt-get install ${missing[*]}" >&2
fi
exit 1
