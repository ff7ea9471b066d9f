#!/usr/bin/env bash
# Throughput under load: wrk against one server per variant, on 127.0.0.1 only.
#
# Every variant serves the same app (examples/server.rs) with one worker. The servers run side
# by side, each idle while another is measured; rounds interleave the variants, so that a
# drift of the machine (another process, thermal state) spreads over all of them. On a
# machine with two or more cores the servers are pinned to core 0 and wrk to core 1.
#
#   benches/load.sh                                  # 3 rounds x 5 s per variant and case
#   ROUNDS=5 DURATION=10s benches/load.sh
#   CASES="simple-allowed" VARIANTS="no-cors app-wide" benches/load.sh
#
# Cases: simple-allowed (GET with an allowed Origin), no-origin (GET without Origin),
# preflight-allowed (OPTIONS with Origin, Access-Control-Request-Method: PUT and
# Access-Control-Request-Headers: content-type,x-api-key).
# Output: requests/s per round, the median per variant, and ratios to no-cors and actix-cors;
# the same for the server's CPU time per request (utime + stime from /proc, which does not
# count time the server waited for a core, so it is steadier than requests/s on a busy
# machine); raw numbers in target/load/results.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-32}
VARIANTS=${VARIANTS:-"no-cors actix-cors app-wide per-route"}
CASES=${CASES:-"simple-allowed no-origin preflight-allowed"}
BASE_PORT=${BASE_PORT:-18080}

if ! command -v wrk >/dev/null 2>&1; then
    echo "== installing wrk" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

echo "== cargo build --release -p cors-actix-benches --example server" >&2
cargo build --release --quiet -p cors-actix-benches --example server
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release/examples/server"
out="$target_dir/load"
mkdir -p "$out"

if [[ $(nproc) -ge 2 ]]; then
    pin_server=(taskset -c 0)
    pin_wrk=(taskset -c 1)
else
    pin_server=()
    pin_wrk=()
fi

# Start one server per variant; stop exactly those on exit.
pids=()
stop_servers() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_servers EXIT
declare -A port pid_of
i=0
for variant in $VARIANTS; do
    i=$((i + 1))
    port[$variant]=$((BASE_PORT + i))
    "${pin_server[@]}" "$bin" "$variant" "${port[$variant]}" 1 >"$out/server-$variant.log" 2>&1 &
    pids+=("$!")
    pid_of[$variant]=$!
done
for variant in $VARIANTS; do
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/${port[$variant]}") 2>/dev/null; then continue 2; fi
        sleep 0.1
    done
    echo "server $variant did not start; see $out/server-$variant.log" >&2
    exit 1
done

# wrk's request per case, as a Lua script.
script() {
    local file="$out/$1.lua"
    case $1 in
        simple-allowed)
            printf 'wrk.method = "GET"\nwrk.headers["Origin"] = "https://app.example"\n' >"$file" ;;
        no-origin)
            printf 'wrk.method = "GET"\n' >"$file" ;;
        preflight-allowed)
            printf '%s\n' 'wrk.method = "OPTIONS"' \
                'wrk.headers["Origin"] = "https://app.example"' \
                'wrk.headers["Access-Control-Request-Method"] = "PUT"' \
                'wrk.headers["Access-Control-Request-Headers"] = "content-type,x-api-key"' >"$file" ;;
        *) echo "unknown case $1" >&2; exit 1 ;;
    esac
    echo "$file"
}

# CPU time (utime + stime, in clock ticks) of a process and its threads.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tick_us=$((1000000 / $(getconf CLK_TCK)))

results="$out/results.tsv"
printf 'case\tround\tvariant\trequests_per_s\trequests\tserver_cpu_us_per_request\n' >"$results"
declare -A runs cpu_runs
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for case in $CASES; do
    lua=$(script "$case")
    for round in $(seq "$ROUNDS"); do
        for variant in $VARIANTS; do
            url="http://127.0.0.1:${port[$variant]}/items/7"
            before=$(cpu_ticks "${pid_of[$variant]}")
            report=$("${pin_wrk[@]}" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -s "$lua" "$url")
            after=$(cpu_ticks "${pid_of[$variant]}")
            rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$report")
            requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$report")
            cpu_us=$(awk -v t="$((after - before))" -v u="$tick_us" -v n="$requests" 'BEGIN { printf "%.3f", t * u / n }')
            runs[$case,$variant]="${runs[$case,$variant]:-} $rps"
            cpu_runs[$case,$variant]="${cpu_runs[$case,$variant]:-} $cpu_us"
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$round" "$variant" "$rps" "$requests" "$cpu_us" >>"$results"
            echo "  $case round $round $variant: $rps req/s, $cpu_us us CPU/request" >&2
        done
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
has() { [[ " $1 " == *" $2 "* ]]; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# One table: the medians per variant, then each CORS variant against no-cors and app-wide and
# per-route against actix-cors. $1: which runs; $2: title; $3: "inverse" when smaller is better
# (CPU per request: the ratio shown is then the throughput it allows, no-cors / variant).
table() {
    local -n data=$1
    echo
    echo "$2"
    printf '%-20s' "case"
    for variant in $VARIANTS; do printf '%12s' "$variant"; done
    if has "$VARIANTS" no-cors; then
        for variant in $VARIANTS; do [[ $variant == no-cors ]] || printf '  %-11s' "$variant"; done
    fi
    if has "$VARIANTS" actix-cors; then
        for variant in app-wide per-route; do has "$VARIANTS" "$variant" && printf '  %-11s' "$variant"; done
    fi
    echo
    printf '%-20s' ""
    for variant in $VARIANTS; do printf '%12s' ""; done
    if has "$VARIANTS" no-cors; then
        for variant in $VARIANTS; do [[ $variant == no-cors ]] || printf '  %-11s' "/no-cors"; done
    fi
    if has "$VARIANTS" actix-cors; then
        for variant in app-wide per-route; do has "$VARIANTS" "$variant" && printf '  %-11s' "/actix-cors"; done
    fi
    echo
    local case variant
    declare -A med
    for case in $CASES; do
        printf '%-20s' "$case"
        for variant in $VARIANTS; do
            med[$variant]=$(echo "${data[$case,$variant]}" | median)
            printf '%12s' "${med[$variant]}"
        done
        if has "$VARIANTS" no-cors; then
            for variant in $VARIANTS; do
                [[ $variant == no-cors ]] && continue
                if [[ ${3:-} == inverse ]]; then
                    printf '  %-11s' "$(ratio "${med[no-cors]}" "${med[$variant]}")"
                else
                    printf '  %-11s' "$(ratio "${med[$variant]}" "${med[no-cors]}")"
                fi
            done
        fi
        if has "$VARIANTS" actix-cors; then
            for variant in app-wide per-route; do
                has "$VARIANTS" "$variant" || continue
                if [[ ${3:-} == inverse ]]; then
                    printf '  %-11s' "$(ratio "${med[actix-cors]}" "${med[$variant]}")"
                else
                    printf '  %-11s' "$(ratio "${med[$variant]}" "${med[actix-cors]}")"
                fi
            done
        fi
        echo
    done
}

table runs "requests/s (median of $ROUNDS interleaved rounds of wrk -t1 -c$CONNECTIONS -d$DURATION, one server worker)"
table cpu_runs "server CPU us per request (median); ratios are the throughput it allows: reference / variant" inverse
echo
echo "Budget: >= 0.98 x no-cors and >= 1.05 x actix-cors. (no-cors answers preflights 404.)"
