#!/usr/bin/env bash
# System packages the project needs beyond Node and Go, installed with apt-get only when missing,
# so running it again (every CI run) costs a few `command -v` checks.
#   chromium: the browser fetcher (Cloudflare sites) and the Web UI screenshot test drive
#             Debian's Chromium through playwright-core (executablePath /usr/bin/chromium).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present: chromium ($(chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing ${missing[*]} and no apt-get to install them: install them with your package manager" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: missing ${missing[*]}: run this script as root (or with sudo available)" >&2
    exit 1
  fi
fi

echo "installing ${missing[*]} with apt-get …"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
echo "installed: $(chromium --version 2>/dev/null || echo "${missing[*]}")"
