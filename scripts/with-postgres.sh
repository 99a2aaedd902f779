#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server on 127.0.0.1; exports UNSPIN_TEST_POSTGRES_URL.
# Installs Debian's postgresql package when missing (needs root). Without a server the command
# still runs, with the variable unset, so the PostgreSQL tests say why they skip (or fail in CI).
# Usage: scripts/with-postgres.sh CMD [ARGS...]
set -uo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

start_server() {
    local bin dir port user
    bin=$(find_bin)
    if [ -z "$bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "with-postgres: installing postgresql" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1 \
                 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1; }
        bin=$(find_bin)
    fi
    [ -n "$bin" ] || { echo "with-postgres: no PostgreSQL binaries" >&2; return 1; }
    dir=$(mktemp -d /tmp/unspin-pg.XXXXXX)
    PG_DIR=$dir
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then
        user=postgres
        id "$user" >/dev/null 2>&1 || useradd --system --no-create-home "$user" || return 1
        chown "$user" "$dir"
        RUN_AS=(runuser -u "$user" --)
    else
        user=$(id -un)
        RUN_AS=()
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${RUN_AS[@]}" "$bin/initdb" -D "$dir/data" -U unspin --auth=trust -E UTF8 >/dev/null || return 1
    "${RUN_AS[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null \
        || { cat "$dir/log" >&2; return 1; }
    PG_CTL=("${RUN_AS[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop)
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U unspin unspin_test || return 1
    export UNSPIN_TEST_POSTGRES_URL="postgresql://unspin@127.0.0.1:$port/unspin_test"
    echo "with-postgres: PostgreSQL running at $UNSPIN_TEST_POSTGRES_URL" >&2
}

cleanup() {
    [ -n "${PG_CTL:-}" ] && "${PG_CTL[@]}" >/dev/null 2>&1
    [ -n "${PG_DIR:-}" ] && rm -rf "$PG_DIR"
}

PG_CTL=()
PG_DIR=
trap cleanup EXIT INT TERM
if [ -z "${UNSPIN_TEST_POSTGRES_URL:-}" ]; then
    start_server || echo "with-postgres: could not start PostgreSQL; its tests will skip" >&2
fi
"$@"
