#!/usr/bin/env bash
# Instructions per request, counted by callgrind, for every variant x case.
#
# Each variant x case runs the in-process loop (examples/request_loop.rs) at two lengths; the
# difference of the two instruction totals divided by the difference of the lengths is the cost
# of one request (building the test request, routing, the handler, the CORS layer, dropping
# the response), with start-up and set-up cancelled out. Every run is its own process, so a
# `#[cors]` route mounted by the per-route variant cannot change the app-wide variant.
#
#   benches/callgrind.sh                 # the whole table
#   N1=1000 N2=3000 benches/callgrind.sh # the loop lengths (defaults)
#   VARIANTS="no-cors app-wide" CASES="simple-allowed" benches/callgrind.sh
#
# Variants: the four compared (no-cors, actix-cors, app-wide, per-route), the composition
# (`mixed`: an app-wide Cors in an app that also has a #[cors] route, the request going to a
# plain route; `composed`: an app-wide Cors in front of the requested #[cors] route),
# `protected` (app-wide with cross-origin request protection on), `floor` (an
# outermost middleware answering every request with an empty 204: what answering before
# routing costs at least in this harness) and `decide` (Policy::decide alone, on the head).
#
# SERVER=1 adds the same count for the real server (examples/server.rs: HTTP/1.1 parsing, the
# dispatcher, writing the response) under wrk, by difference of a short and a long run
# (SERVER_D1, SERVER_D2 seconds); it needs wrk. Kernel time is not counted, so the ratio of
# these counts bounds from below the throughput ratio a CPU-bound server would show.
#
# Output: a table on stdout, and the raw counts in target/callgrind/results.tsv (and
# server.tsv).
set -euo pipefail
cd "$(dirname "$0")/.."

N1=${N1:-1000}
N2=${N2:-3000}
VARIANTS=${VARIANTS:-"no-cors actix-cors app-wide per-route mixed composed rejecting floor decide"}
CASES=${CASES:-"simple-allowed simple-disallowed preflight-allowed preflight-rejected no-origin"}

if ! command -v valgrind >/dev/null 2>&1; then
    echo "== installing valgrind" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
fi

echo "== cargo build --release -p cors-actix-benches --example request_loop" >&2
cargo build --release --quiet -p cors-actix-benches --example request_loop
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release/examples/request_loop"
out="$target_dir/callgrind"
mkdir -p "$out"

# Total instructions (Ir) of one run.
instructions() {
    local log="$out/$1-$2-$3.log"
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" "$3" >/dev/null 2>"$log"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log"
}

results="$out/results.tsv"
printf 'variant\tcase\tI(N1)\tI(N2)\tper_request\n' >"$results"
declare -A per_request
for variant in $VARIANTS; do
    for case in $CASES; do
        i1=$(instructions "$variant" "$case" "$N1")
        i2=$(instructions "$variant" "$case" "$N2")
        per=$(( (i2 - i1 + (N2 - N1) / 2) / (N2 - N1) ))
        per_request[$variant,$case]=$per
        printf '%s\t%s\t%s\t%s\t%s\n' "$variant" "$case" "$i1" "$i2" "$per" >>"$results"
        echo "  $variant $case: $per" >&2
    done
done

# The table: instructions per request, and the CORS variants' cost over the no-CORS app.
has() { [[ " $1 " == *" $2 "* ]]; }
echo
echo "Instructions per request (callgrind, Ir; (I(N2) - I(N1)) / (N2 - N1), N1=$N1, N2=$N2)"
printf '%-20s' "case"
for variant in $VARIANTS; do printf '%12s' "$variant"; done
if has "$VARIANTS" no-cors; then
    for variant in $VARIANTS; do
        [[ $variant == no-cors || $variant == decide || $variant == floor ]] || printf '%14s' "Δ $variant"
    done
fi
echo
for case in $CASES; do
    printf '%-20s' "$case"
    for variant in $VARIANTS; do printf '%12s' "${per_request[$variant,$case]}"; done
    if has "$VARIANTS" no-cors; then
        base=${per_request[no-cors,$case]}
        for variant in $VARIANTS; do
            [[ $variant == no-cors || $variant == decide || $variant == floor ]] && continue
            printf '%+14d' "$(( ${per_request[$variant,$case]} - base ))"
        done
    fi
    echo
done
if has "$VARIANTS" actix-cors && has "$CASES" preflight-allowed; then
    echo
    ref=${per_request[actix-cors,preflight-allowed]}
    for variant in app-wide per-route; do
        has "$VARIANTS" "$variant" || continue
        ours=${per_request[$variant,preflight-allowed]}
        echo "preflight-allowed, $variant / actix-cors: $ours / $ref = $(awk -v a="$ours" -v b="$ref" 'BEGIN { printf "%.2f", a / b }') (budget: <= 0.60)"
        if has "$VARIANTS" floor; then
            floor=${per_request[floor,preflight-allowed]}
            echo "  above the floor ($floor): $((ours - floor)) / $((ref - floor)) = $(awk -v a="$((ours - floor))" -v b="$((ref - floor))" 'BEGIN { printf "%.2f", a / b }')"
        fi
    done
fi
if has "$VARIANTS" no-cors; then
    echo
    echo "Budget over no-cors: simple-allowed <= +600, no-origin <= +200."
fi

[[ ${SERVER:-0} == 1 ]] || exit 0
SERVER_VARIANTS=${SERVER_VARIANTS:-"no-cors actix-cors app-wide per-route"}
SERVER_CASES=${SERVER_CASES:-"simple-allowed no-origin"}
SERVER_D1=${SERVER_D1:-4}
SERVER_D2=${SERVER_D2:-12}
SERVER_PORT=${SERVER_PORT:-18190}
echo "== cargo build --release -p cors-actix-benches --example server" >&2
cargo build --release --quiet -p cors-actix-benches --example server
server="$target_dir/release/examples/server"

# Instructions and requests of one server run under callgrind, driven by wrk for $3 seconds.
server_run() {
    local variant=$1 case=$2 seconds=$3 log="$out/server-$1-$2-$3.log" lua="$out/$2.lua" vg requests
    case $case in
        simple-allowed) printf 'wrk.method = "GET"\nwrk.headers["Origin"] = "https://app.example"\n' >"$lua" ;;
        no-origin) printf 'wrk.method = "GET"\n' >"$lua" ;;
        *) echo "unknown server case $case" >&2; exit 1 ;;
    esac
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$server" "$variant" "$SERVER_PORT" 1 >/dev/null 2>"$log" &
    vg=$!
    for _ in $(seq 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$SERVER_PORT") 2>/dev/null; then break; fi
        sleep 0.1
    done
    requests=$(wrk -t1 -c4 -d"${seconds}s" -s "$lua" "http://127.0.0.1:$SERVER_PORT/items/7" |
        sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
    kill -INT "$vg"
    wait "$vg" || true
    echo "$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log") $requests"
}

printf 'variant\tcase\tI1\tR1\tI2\tR2\tper_request\n' >"$out/server.tsv"
declare -A server_per
for case in $SERVER_CASES; do
    for variant in $SERVER_VARIANTS; do
        read -r i1 r1 < <(server_run "$variant" "$case" "$SERVER_D1")
        read -r i2 r2 < <(server_run "$variant" "$case" "$SERVER_D2")
        server_per[$variant,$case]=$(( (i2 - i1) / (r2 - r1) ))
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "$case" "$i1" "$r1" "$i2" "$r2" "${server_per[$variant,$case]}" >>"$out/server.tsv"
        echo "  server $variant $case: ${server_per[$variant,$case]}" >&2
    done
done
echo
echo "Server instructions per request (user space, callgrind; wrk -c4, runs of ${SERVER_D1} s and ${SERVER_D2} s)"
printf '%-20s' "case"
for variant in $SERVER_VARIANTS; do printf '%12s' "$variant"; done
echo "   no-cors/variant (CPU-bound throughput ratio, user space only)"
for case in $SERVER_CASES; do
    printf '%-20s' "$case"
    for variant in $SERVER_VARIANTS; do printf '%12s' "${server_per[$variant,$case]}"; done
    printf '  '
    for variant in $SERVER_VARIANTS; do
        [[ $variant == no-cors ]] && continue
        printf ' %s %s' "$variant" "$(awk -v a="${server_per[no-cors,$case]}" -v b="${server_per[$variant,$case]}" 'BEGIN { printf "%.3f", a / b }')"
    done
    echo
done
