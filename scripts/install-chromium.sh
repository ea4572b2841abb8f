#!/usr/bin/env bash
# Kept for the messages that name it (BrowserLaunchError): the system packages, Debian's Chromium
# among them, are installed by install-system-deps.sh.
exec "$(dirname "$0")/install-system-deps.sh" "$@"
