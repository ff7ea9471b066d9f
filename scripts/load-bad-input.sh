#!/usr/bin/env bash
# Load with bad input: starts the quickstart example on 127.0.0.1 and sends it a
# mix of valid, disallowed and malformed CORS requests with wrk, then reports the number of
# requests, 5xx answers (must be 0), responses that broke the policy (must be 0), whether the
# server is still alive, and its resident memory before and after.
#
#   scripts/load-bad-input.sh            # ~10 s of load after the release build
#   SECONDS_MIXED=3 SECONDS_CHECKED=2 PORT=18500 scripts/load-bad-input.sh
#
# Bounded: loopback only, each wrk phase stops after its duration, the server is stopped on
# exit. Needs wrk (Debian: apt-get install -y wrk) and curl; installs wrk when missing and
# running as root.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18437}
SECONDS_MIXED=${SECONDS_MIXED:-6}
SECONDS_CHECKED=${SECONDS_CHECKED:-4}
CONNECTIONS=${CONNECTIONS:-32}
URL="http://127.0.0.1:${PORT}"
LUA=scripts/load-bad-input.lua
LOG=$(mktemp -t cors-load-server.XXXXXX)

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    else
        echo "wrk is missing: apt-get install -y wrk" >&2
        exit 2
    fi
fi

echo "== building the quickstart example (release)"
cargo build --release --example quickstart --quiet

echo "== starting: PORT=$PORT cargo run --release --example quickstart"
PORT=$PORT RUST_LOG=warn cargo run --release --quiet --example quickstart >"$LOG" 2>&1 &
LAUNCHER=$!
SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
    fi
    kill "$LAUNCHER" 2>/dev/null || true
    wait "$LAUNCHER" 2>/dev/null || true
    rm -f "$LOG"
}
trap stop_server EXIT

for _ in $(seq 1 100); do
    if curl -s -o /dev/null "$URL/api/items"; then
        break
    fi
    sleep 0.1
done
# The listening process: `cargo run` execs the example, but do not rely on it.
SERVER_PID=$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
if [ -z "$SERVER_PID" ]; then
    echo "the server did not start:" >&2
    cat "$LOG" >&2
    exit 1
fi
rss() { awk '/^VmRSS/ { print $2 " " $3 }' "/proc/$SERVER_PID/status"; }
RSS_BEFORE=$(rss)
echo "server pid $SERVER_PID, VmRSS before load: $RSS_BEFORE"

echo "== phase 1: mixed (malformed HTTP included), ${SECONDS_MIXED}s, $CONNECTIONS connections"
MIXED=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_MIXED}s" --timeout 5s -s "$LUA" "$URL" -- mixed)
echo "$MIXED"
echo "== phase 2: checked (each response against its variant), ${SECONDS_CHECKED}s, 2 connections"
CHECKED=$(wrk -t2 -c2 -d"${SECONDS_CHECKED}s" --timeout 5s -s "$LUA" "$URL" -- checked)
echo "$CHECKED"

ALIVE=no
if kill -0 "$SERVER_PID" 2>/dev/null \
    && [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Origin: https://app.example' "$URL/api/items")" = 200 ]; then
    ALIVE=yes
fi
RSS_AFTER=$(rss 2>/dev/null || echo "gone")

field() { sed -n "s/.*RESULT.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }
REQUESTS=$(($(field requests "$MIXED") + $(field requests "$CHECKED")))
FIVE_XX=$(($(field 5xx "$MIXED") + $(field 5xx "$CHECKED")))
MISMATCHES=$(($(field mismatches "$MIXED") + $(field mismatches "$CHECKED")))
SOCKET_ERRORS=$(($(field socket_errors "$MIXED") + $(field socket_errors "$CHECKED")))
CRASHES=0
[ "$ALIVE" = yes ] || CRASHES=1
if grep -qi panick "$LOG"; then
    CRASHES=1
fi

echo
echo "== report"
echo "requests:        $REQUESTS"
echo "5xx:             $FIVE_XX"
echo "policy mismatch: $MISMATCHES (a status or Access-Control-Allow-Origin other than expected)"
echo "socket errors:   $SOCKET_ERRORS (400 + close on malformed HTTP makes wrk reconnect)"
echo "server alive:    $ALIVE (crashes/panics: $CRASHES)"
echo "VmRSS before:    $RSS_BEFORE"
echo "VmRSS after:     $RSS_AFTER"

if [ "$FIVE_XX" != 0 ] || [ "$MISMATCHES" != 0 ] || [ "$CRASHES" != 0 ]; then
    echo "FAILED" >&2
    exit 1
fi
echo "OK"
