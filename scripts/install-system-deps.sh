#!/usr/bin/env bash
# System packages the project needs beyond Node and Go, installed with apt-get only when missing,
# so running it again (every CI run) costs a few `command -v` checks.
#   chromium:   the browser fetcher (Cloudflare sites) and the Web UI screenshot test drive
#               Debian's Chromium through playwright-core (executablePath /usr/bin/chromium).
#   postgresql: `orchestrator cluster` keeps the Temporal cluster's data in a PostgreSQL of its own
#               (lib/cluster/postgres.ts runs /usr/lib/postgresql/<version>/bin/initdb and postgres;
#               Debian's package also creates the unprivileged `postgres` account they run as under root).
set -euo pipefail

have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
describe_postgres() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sed -E 's#.*/postgresql/([0-9]+)/bin#PostgreSQL \1#' | sort -V | tail -n 1; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
have_postgres || missing+=(postgresql)

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

# initdb and postgres refuse to run as root: under root they run as this account, made when the
# package did not make it (PostgreSQL installed some other way).
ensure_postgres_account() {
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
    echo "created the system account postgres (PostgreSQL refuses to run as root)"
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  ensure_postgres_account
  echo "system packages present: chromium ($(chromium --version 2>/dev/null || echo 'version unknown')), $(describe_postgres)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing ${missing[*]} and no apt-get to install them: install them with your package manager" >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
  echo "error: missing ${missing[*]}: run this script as root (or with sudo available)" >&2
  exit 1
fi

echo "installing ${missing[*]} with apt-get …"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
ensure_postgres_account
echo "installed: ${missing[*]} (chromium: $(chromium --version 2>/dev/null || echo 'version unknown'); $(describe_postgres || true))"
