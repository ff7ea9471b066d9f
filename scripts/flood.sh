#!/usr/bin/env bash
# Origin flood against the tenant store: the `tenant_origins` example (release build) on a
# fresh SQLite file per run, loaded by `benches/examples/flood.rs` on 127.0.0.1 only.
#
#   scripts/flood.sh                 # five runs of 20 s each after the release builds
#   SHORT=1 scripts/flood.sh         # five runs of 3 s each (CI)
#   DURATION=60 ORIGINS=20000 PORT=18700 scripts/flood.sh
#
# Runs, each against a new server and database:
#   tenants only   the tenants' steady stream, no flood: their latency without it
#   flood          the stream plus FLOOD_CONNECTIONS connections sending preflights and
#                  simple GETs from ORIGINS distinct random origins, as fast as answered
#   flood, no cache   the same with TENANT_CACHE=off: one store query per request
#   flood, slow store the same with the cache, the store answering only after
#                  STORE_DELAY_MS (past the check's deadline) once the tenants are cached
#   flood past the limit, slow store   the same with LIMIT_CONNECTIONS connections, more
#                  than the checks the example lets be in flight
# Reported per run: requests sent, distinct flood origins, store queries (GET /stats), 5xx,
# requests without an answer, requests slower than the deadline + MARGIN_MS, tenants'
# requests not allowed, the tenants' p50/p99 latency, the server's VmRSS at start and end.
#
# Fails (exit 1) on any 5xx, on a request without an answer or slower than the deadline +
# margin, on a tenant's request not allowed, on a server that died, when a run with the
# cache made more store queries than distinct origins x refused-answer periods + tenants + 16,
# and when the slow store was asked more often than the limit x deadlines in the run + tenants
# + 16.
# Bounded: each run stops after DURATION seconds (the generator is killed at DURATION + 60),
# and the servers are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SHORT:-0}" = 1 ]; then
    DURATION=${DURATION:-3}
else
    DURATION=${DURATION:-20}
fi
PORT=${PORT:-18610}
ORIGINS=${ORIGINS:-10000}
FLOOD_CONNECTIONS=${FLOOD_CONNECTIONS:-8}
TENANTS=${TENANTS:-https://shop.example,https://books.example,https://music.example}
LIMIT_CONNECTIONS=${LIMIT_CONNECTIONS:-64}
# The example's check deadline (CHECK_DEADLINE), limit (CHECK_LIMIT) and refused-answer TTL
# (REFUSED_TTL).
DEADLINE_MS=500
CHECK_LIMIT=32
REFUSED_TTL_S=60
MARGIN_MS=${MARGIN_MS:-1000}
STORE_DELAY_MS=${STORE_DELAY_MS:-2000}
QUERY_MARGIN=16
URL="http://127.0.0.1:${PORT}"
TENANT_COUNT=$(tr ',' '\n' <<<"$TENANTS" | wc -l)

echo "== building tenant_origins and the flood generator (release)"
cargo build --release --quiet -p cors-actix-examples --example tenant_origins
cargo build --release --quiet -p cors-actix-benches --example flood
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
SERVER_BIN="$target_dir/release/examples/tenant_origins"
FLOOD_BIN="$target_dir/release/examples/flood"

WORK=$(mktemp -d -t cors-flood.XXXXXX)
SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }
field() { sed -n "s/.*RESULT.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }
mib() { awk -v kib="$1" 'BEGIN { printf "%.1f", kib / 1024 }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }

FAILURES=()
ROWS=()

# run NAME FLOOD_CONNECTIONS BOUND [VAR=value ...]: one server, one load, one row. BOUND is
# what bounds the store queries: `cache`, `limit` (a store slower than the deadline) or `none`.
run() {
    local name=$1 connections=$2 bound_by=$3
    shift 3
    local log="$WORK/$name.log"
    env DATABASE_URL="sqlite://$WORK/$name.sqlite?mode=rwc" PORT="$PORT" RUST_LOG=warn "$@" \
        "$SERVER_BIN" >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null "$URL/stats"; then break; fi
        sleep 0.1
    done
    if ! curl -s -o /dev/null "$URL/stats"; then
        echo "the server did not start:" >&2
        cat "$log" >&2
        exit 1
    fi
    local rss_start
    rss_start=$(rss)

    echo "== $name: ${DURATION}s, $connections flood connections, $* "
    local result
    result=$(timeout $((DURATION + 60)) "$FLOOD_BIN" --port "$PORT" --seconds "$DURATION" \
        --origins "$ORIGINS" --flood-connections "$connections" --tenants "$TENANTS" \
        --hang-ms $((DEADLINE_MS + MARGIN_MS))) || {
        echo "the flood generator failed or did not stop" >&2
        FAILURES+=("$name: generator")
        result="RESULT"
    }
    echo "$result"
    local queries alive=yes
    queries=$(curl -s -m 5 "$URL/stats" | sed -n 's/.*"store_queries":\([0-9]*\).*/\1/p')
    local rss_end
    rss_end=$(rss)
    if ! kill -0 "$SERVER_PID" 2>/dev/null || [ -z "$queries" ] || grep -qi panick "$log"; then
        alive=no
        FAILURES+=("$name: server died or panicked")
    fi
    stop_server

    local requests distinct s5xx failed hung refused p50 p99
    requests=$(field requests "$result")
    distinct=$(field distinct_origins "$result")
    s5xx=$(field 5xx "$result")
    failed=$(field failed "$result")
    hung=$(field hung "$result")
    refused=$(field tenant_refused "$result")
    p50=$(field tenant_p50_us "$result")
    p99=$(field tenant_p99_us "$result")
    : "${requests:=0}" "${distinct:=0}" "${s5xx:=0}" "${failed:=0}" "${hung:=0}" "${refused:=0}"
    : "${p50:=0}" "${p99:=0}" "${queries:=0}"

    local bound="-"
    case $bound_by in
        # Each distinct origin is asked once per refused-answer TTL, each tenant once.
        cache) bound=$((distinct * (1 + DURATION / REFUSED_TTL_S) + TENANT_COUNT + QUERY_MARGIN)) ;;
        # Each place of the limit is held by one query until the deadline cuts it.
        limit) bound=$((CHECK_LIMIT * (1 + DURATION * 1000 / DEADLINE_MS) + TENANT_COUNT + QUERY_MARGIN)) ;;
    esac
    if [ "$bound" != - ] && [ "$queries" -gt "$bound" ]; then
        FAILURES+=("$name: $queries store queries, more than the bound $bound")
    fi
    [ "$s5xx" = 0 ] || FAILURES+=("$name: $s5xx answers 5xx")
    [ "$failed" = 0 ] || FAILURES+=("$name: $failed requests without an answer")
    [ "$hung" = 0 ] || FAILURES+=("$name: $hung requests slower than $((DEADLINE_MS + MARGIN_MS)) ms")
    [ "$refused" = 0 ] || FAILURES+=("$name: $refused tenant requests not allowed")
    local per_request
    per_request=$(awk -v q="$queries" -v r="$requests" 'BEGIN { if (r > 0) printf "%.3f", q / r; else print "-" }')
    ROWS+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s → %s | %s |' \
        "$name" "$requests" "$distinct" "$queries" "$bound" "$per_request" "$s5xx" "$failed" "$hung" \
        "$refused" "$(ms "$p50")" "$(ms "$p99")" "$(mib "$rss_start")" "$(mib "$rss_end")" "$alive")")
}

SLOW=(STORE_DELAY_MS="$STORE_DELAY_MS" STORE_FAST_QUERIES="$TENANT_COUNT")
run "tenants only" 0 cache
run "flood" "$FLOOD_CONNECTIONS" cache
run "flood, no cache" "$FLOOD_CONNECTIONS" none TENANT_CACHE=off
run "flood, slow store" "$FLOOD_CONNECTIONS" limit "${SLOW[@]}"
run "flood past the limit, slow store" "$LIMIT_CONNECTIONS" limit "${SLOW[@]}"

echo
echo "== report: ${DURATION}s per run, $ORIGINS origins, $FLOOD_CONNECTIONS flood connections ($LIMIT_CONNECTIONS past the limit), tenants $TENANTS"
echo "| run | requests | distinct origins | store queries | bound | queries/request | 5xx | no answer | > $((DEADLINE_MS + MARGIN_MS)) ms | tenants refused | tenants p50 ms | tenants p99 ms | VmRSS MiB start → end | alive |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
printf '%s\n' "${ROWS[@]}"

if [ "${#FAILURES[@]}" != 0 ]; then
    printf 'FAILED: %s\n' "${FAILURES[@]}" >&2
    exit 1
fi
echo "OK"
