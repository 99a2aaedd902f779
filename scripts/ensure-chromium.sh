#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the browser tests (tests/web/test_web_browser.py).
# Installs it with apt-get when missing and possible; otherwise says why, and the browser tests
# skip with a visible reason. Never downloads a Playwright browser build.
set -u
CHROMIUM="${UNSPIN_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: $CHROMIUM missing and no apt-get here; browser tests will be skipped" >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "ensure-chromium: $CHROMIUM missing; run 'apt-get install chromium' as root" \
             "(browser tests will be skipped)" >&2
        exit 0
    fi
else
    SUDO=""
fi
echo "ensure-chromium: installing chromium with apt-get" >&2
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; } >/dev/null; then
    echo "ensure-chromium: apt-get could not install chromium; browser tests will be skipped" >&2
fi
exit 0
