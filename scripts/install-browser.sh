#!/usr/bin/env bash
# Headless Chromium and its WebDriver from Debian, for the explorer's browser tests (tests/e2e/test_explorer.py).
# Nothing in the product needs them: serving the explorer needs no browser, no Node and no network.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium chromium-driver
