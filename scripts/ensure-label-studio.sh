#!/usr/bin/env bash
# Make sure Label Studio (for tests/integrations/test_labelstudio_server.py) is installed in a
# virtual environment of its own, outside the project's: its pins (Django, ...) are not ours.
# Prints the folder holding venv/ (Label Studio) and template/ (an empty, migrated data folder
# the test copies so that each run starts a throwaway server in seconds); prints nothing, with
# the reason on stderr, when it cannot install. Cached across runs and clones under
# ${UNSPIN_CACHE:-~/.cache/unspin}; a second run costs nothing.
set -u
VERSION="${UNSPIN_LABEL_STUDIO_VERSION:-1.23.2}"
PYTHON="${PYTHON:-python3}"
HOME_DIR="${UNSPIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/unspin}/label-studio-$VERSION"
STAMP="$HOME_DIR/.ready"
if [ -f "$STAMP" ]; then
    echo "$HOME_DIR"
    exit 0
fi
say() { echo "ensure-label-studio: $*" >&2; }
started=$(date +%s)
rm -rf "$HOME_DIR"
mkdir -p "$HOME_DIR" || { say "cannot create $HOME_DIR"; exit 0; }
say "installing label-studio==$VERSION into $HOME_DIR/venv (once; a few minutes)"
if ! "$PYTHON" -m venv "$HOME_DIR/venv" >&2; then
    say "cannot create a virtual environment; the Label Studio test will be skipped"
    exit 0
fi
if ! "$HOME_DIR/venv/bin/python" -m pip install -q --disable-pip-version-check \
        "label-studio==$VERSION" >"$HOME_DIR/install.log" 2>&1; then
    say "pip could not install label-studio (see $HOME_DIR/install.log); the test will be skipped"
    exit 0
fi
# An empty data folder with every database migration applied ('version' migrates, then exits).
if ! LABEL_STUDIO_COLLECT_ANALYTICS=false LABEL_STUDIO_LATEST_VERSION_CHECK=false \
        "$HOME_DIR/venv/bin/label-studio" version --data-dir "$HOME_DIR/template" \
        >>"$HOME_DIR/install.log" 2>&1; then
    say "label-studio could not set up its database (see $HOME_DIR/install.log)"
    exit 0
fi
touch "$STAMP"
say "ready in $(( $(date +%s) - started )) s"
echo "$HOME_DIR"
