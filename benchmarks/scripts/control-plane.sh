#!/usr/bin/env bash
# control-plane.sh: lvsd with a big table. 10,000 services x 10 real servers (110,000 ipvsadm -R
# lines): `ipvsadm -R` wall time (target <= 2 s), `ipvsadm -Ln` of that table (target <= 1 s), lvsd's
# RSS with it (VmRSS / VmHWM, target <= 256 MiB) and the state file's size.
# lvsd runs inside a network namespace this script creates (private socket and state file), with a
# veth pair inside the namespace so that the data plane attaches as it would on a director
# (snapshot compiler, kernel guard sets); CONTROL_ONLY=1 runs lvsd --control-only instead.
#   sudo benchmarks/scripts/control-plane.sh          (after: mvn -q -DskipTests package)
# Env: SERVICES=10000 REALS=10 REPEAT=3 CONTROL_ONLY=0 LVSD_JAVA_OPTS (extra JVM flags for lvsd)
#      LVSD_JARS=DIR (lvsd's jars from DIR/lvs-cli.jar and DIR/lib), GCLOG=1, HISTO=1, NMT=1 (see below)
#      PROFILE=1 (JFR recording of lvsd during the -R and -Ln runs, kept in $OUT_DIR or printed path)
#      THREADS=1 (each -R's lvsd CPU by thread group: request thread, snapshot compiler, JIT, GC, ...)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd -P)"
SERVICES="${SERVICES:-10000}"
REALS="${REALS:-10}"
REPEAT="${REPEAT:-3}"
CONTROL_ONLY="${CONTROL_ONLY:-0}"
PROFILE="${PROFILE:-0}"
# Counter slots are recycled and their arrays grow with the table (docs/dataplane.md): lvsd's default
# -Dlvsd.maxObjects is measured unless LVSD_MAX_OBJECTS=N is given.
LVSD_MAX_OBJECTS="${LVSD_MAX_OBJECTS:-default}"
[ "$LVSD_MAX_OBJECTS" = default ] || export LVSD_JAVA_OPTS="-Dlvsd.maxObjects=$LVSD_MAX_OBJECTS ${LVSD_JAVA_OPTS:-}"

[ "$(id -u)" = 0 ] || { echo "control-plane.sh: needs root (network namespace)" >&2; exit 1; }
[ -f "$root/cli/target/lvs-cli.jar" ] || { echo "build first: (cd $root && mvn -q -DskipTests package)" >&2; exit 1; }
[ "$SERVICES" -le 60000 ] && [ "$REALS" -le 100 ] || { echo "control-plane.sh: at most 60000 services x 100" >&2; exit 1; }

ns="lvscp-$$"
work="$(mktemp -d /tmp/lvs-control-plane.XXXXXX)"
chmod 755 "$work"
sock="$work/lvsd.sock"
state="$work/lvsd.state"
lvsd_pid=""

cleanup() {
    set +e
    if [ -n "$lvsd_pid" ]; then
        kill -TERM "$lvsd_pid" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$lvsd_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$lvsd_pid" 2>/dev/null
    fi
    local pids; pids="$(ip netns pids "$ns" 2>/dev/null)"
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
ip -n "$ns" link set lo up
if [ "$CONTROL_ONLY" != 1 ]; then
    ip -n "$ns" link add v0 type veth peer name v1
    ip -n "$ns" addr add 198.18.0.1/24 dev v0
    ip -n "$ns" addr add 198.18.0.2/24 dev v1
    ip -n "$ns" link set v0 up
    ip -n "$ns" link set v1 up
fi

# The rules: services 198.18.x.y:80 (wrr), real servers 198.19.x.y:8080, masquerading, weights 1..10.
awk -v S="$SERVICES" -v R="$REALS" 'BEGIN {
    for (i = 0; i < S; i++) {
        vip = sprintf("198.18.%d.%d", 1 + int(i / 250), 1 + i % 250)
        printf "-A -t %s:80 -s wrr\n", vip
        for (j = 0; j < R; j++) {
            k = i * R + j
            printf "-a -t %s:80 -r 198.19.%d.%d:8080 -m -w %d\n", vip, int(k / 250) % 256, 1 + k % 250, 1 + j
        }
    }
}' >"$work/rules"
lines=$(wc -l <"$work/rules")

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
cpu_ms() { awk '{ sub(/.*\) /, ""); print ($12 + $13) * 10 }' "/proc/$lvsd_pid/stat"; }   # lvsd utime+stime
# THREADS=1: CPU ms per thread, "tid name" keyed, from /proc/PID/task (utime+stime, clock ticks of 10 ms)
thread_cpu() {
    local t
    for t in /proc/"$lvsd_pid"/task/*; do
        awk -v tid="${t##*/}" -v name="$(tr ' ' _ <"$t/comm" 2>/dev/null)" '{ sub(/.*\) /, ""); print tid, name, ($12 + $13) * 10 }' "$t/stat" 2>/dev/null
    done
}
# Differences of two thread_cpu snapshots, summed by thread group (digits dropped: "C2_CompilerThre0"
# and "C2_CompilerThre1" are one group), largest first.
thread_cpu_diff() {
    awk 'NR == FNR { before[$1] = $3; next } { n = $2; gsub(/[0-9]+$/, "", n); cpu[n] += $3 - before[$1] }
         END { for (n in cpu) if (cpu[n] > 0) printf "%d %s\n", cpu[n], n }' "$1" "$2" | sort -nr | head -12 |
        awk '{ printf "%s%s %d ms", (NR > 1 ? ", " : "#   threads: "), $2, $1 } END { print "" }'
}
status() { awk -v k="$1" '$1 == k":" { printf "%.1f", $2 / 1024 }' "/proc/$lvsd_pid/status"; }
ipvsadm() { ip netns exec "$ns" env LVSD_SOCKET="$sock" "$root/bin/ipvsadm" "$@"; }
results="$work/results.md"
row() { local out="|" f; for f in "$@"; do out="$out $f |"; done; echo "$out" | tee -a "$results"; }

# GCLOG=1: lvsd's GC pauses (-Xlog:gc), summarised at the end (the forwarding thread stops for each)
[ -n "${GCLOG:-}" ] && export LVSD_JAVA_OPTS="${LVSD_JAVA_OPTS:-} -Xlog:gc:file=$work/gc.log"
flags=(--socket "$sock" --state-file "$state")
[ "$CONTROL_ONLY" = 1 ] && flags+=(--control-only)
# not through a function: $! must be the JVM (bin/lvsd execs java)
# lvsd runs from a copy of the jars: a colleague's rebuild during the run must not swap classes under it
mkdir -p "$work/cp"
# LVSD_JARS=DIR: lvsd from another build's cli/target (before/after comparisons; the client stays this tree's)
jars="${LVSD_JARS:-$root/cli/target}"
cp "$jars/lvs-cli.jar" "$jars"/lib/*.jar "$work/cp/"
ip netns exec "$ns" env LVSD_SOCKET="$sock" LVS_CLASSPATH="$work/cp/*" "$root/bin/lvsd" "${flags[@]}" >"$work/lvsd.log" 2>&1 &
lvsd_pid=$!
for _ in $(seq 1 300); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { cat "$work/lvsd.log" >&2; exit 1; }
ipvsadm -Ln >/dev/null    # the client's CDS archive and one round trip, off the clock
if [ "$PROFILE" = 1 ]; then
    jcmd "$lvsd_pid" JFR.start name=cp settings=profile filename="$work/lvsd.jfr" >/dev/null
fi

echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null) services=$SERVICES reals=$REALS lines=$lines control_only=$CONTROL_ONLY LVSD_JAVA_OPTS='${LVSD_JAVA_OPTS:-}'"
echo "# uptime before: $(uptime)"
echo "# lvsd RSS at start: $(status VmRSS) MiB"
echo "| step | wall ms | lvsd CPU ms (all threads) | lvsd VmRSS MiB | lvsd VmHWM MiB | load avg |" | tee "$results"
echo "|---|---|---|---|---|---|" | tee -a "$results"
for run in $(seq 1 "$REPEAT"); do
    [ "$run" -gt 1 ] && ipvsadm -C
    [ -n "${THREADS:-}" ] && thread_cpu >"$work/threads.before"
    t=$(date +%s%N); c=$(cpu_ms)
    ipvsadm -R <"$work/rules"
    row "-R $lines lines (run $run$([ "$run" = 1 ] && echo ", lvsd fresh"))" "$(ms_since "$t")" "$(( $(cpu_ms) - c ))" "$(status VmRSS)" "$(status VmHWM)" "$(cut -d' ' -f1 /proc/loadavg)"
    if [ -n "${THREADS:-}" ]; then
        sleep 1    # the group commit's last save and the snapshot compile after the restore
        thread_cpu >"$work/threads.after"
        thread_cpu_diff "$work/threads.before" "$work/threads.after"
    fi
    for l in 1 2; do
        t=$(date +%s%N); c=$(cpu_ms)
        ipvsadm -Ln >"$work/list"
        row "-Ln (run $run.$l, $(wc -l <"$work/list") lines)" "$(ms_since "$t")" "$(( $(cpu_ms) - c ))" "$(status VmRSS)" "$(status VmHWM)" "$(cut -d' ' -f1 /proc/loadavg)"
    done
done
# Single changes on the big table (what an operator's one-off command costs): each waits until the data
# plane forwards by it, so this includes the snapshot compile and the kernel guard's nft update.
for round in 1 2 3; do
    for cmd in "-A -t 198.18.250.250:80 -s wrr" "-a -t 198.18.250.250:80 -r 198.19.250.250:8080 -m" \
               "-d -t 198.18.250.250:80 -r 198.19.250.250:8080" "-D -t 198.18.250.250:80"; do
        t=$(date +%s%N); c=$(cpu_ms)
        # shellcheck disable=SC2086
        ipvsadm $cmd
        row "${cmd%% *} one change on the big table (round $round)" "$(ms_since "$t")" "$(( $(cpu_ms) - c ))" "$(status VmRSS)" "$(status VmHWM)" "$(cut -d' ' -f1 /proc/loadavg)"
    done
done
t=$(date +%s%N); c=$(cpu_ms)
ipvsadm -Ln --stats >/dev/null
row "-Ln --stats" "$(ms_since "$t")" "$(( $(cpu_ms) - c ))" "$(status VmRSS)" "$(status VmHWM)" "$(cut -d' ' -f1 /proc/loadavg)"
t=$(date +%s%N); c=$(cpu_ms)
ipvsadm -Sn >"$work/saved"
row "-Sn ($(wc -l <"$work/saved") lines)" "$(ms_since "$t")" "$(( $(cpu_ms) - c ))" "$(status VmRSS)" "$(status VmHWM)" "$(cut -d' ' -f1 /proc/loadavg)"
if [ "$PROFILE" = 1 ]; then
    jcmd "$lvsd_pid" JFR.stop name=cp >/dev/null
    cp "$work/lvsd.jfr" "/tmp/lvsd-control-plane-$$.jfr"
    echo "# JFR recording: /tmp/lvsd-control-plane-$$.jfr (jfr print --events jdk.ExecutionSample ...)"
fi
# group commit (the last save lands within about a second); an idle lvsd gives memory back after a
# periodic G1 cycle (bin/lvsd: every 30 s)
sleep "${IDLE_SECONDS:-35}"
echo "# lvsd VmRSS ${IDLE_SECONDS:-35} s after the last command: $(status VmRSS) MiB (VmHWM $(status VmHWM) MiB)"
echo "# state file: $(stat -c %s "$state") bytes ($lines rules)"
echo "# -Sn round trip identical to the input: $(cmp -s <(sort "$work/rules") <(sort "$work/saved") && echo yes || echo no)"
jcmd "$lvsd_pid" GC.heap_info 2>/dev/null | sed -n '2,4p' | sed 's/^/# heap: /' || true
jcmd "$lvsd_pid" GC.run >/dev/null 2>&1 && sleep 1 && \
    jcmd "$lvsd_pid" GC.heap_info 2>/dev/null | sed -n '2,3p' | sed 's/^/# heap after GC.run: /' || true
echo "# lvsd VmRSS after GC.run: $(status VmRSS) MiB, VmHWM $(status VmHWM) MiB"
if [ -n "${HISTO:-}" ]; then    # HISTO=1: the 15 largest classes on the heap (live objects); HISTO=N: N
    histo_rows=$([ "$HISTO" -gt 1 ] 2>/dev/null && echo "$HISTO" || echo 15)
    jcmd "$lvsd_pid" GC.class_histogram 2>/dev/null | sed -n "3,$((histo_rows + 2))p;\$p" | sed 's/^/# histo: /'
fi
if [ -n "${NMT:-}" ]; then    # LVSD_JAVA_OPTS=-XX:NativeMemoryTracking=summary NMT=1: where the RSS goes (NMT=detail with =detail: also the full report)
    [ "$NMT" = detail ] && jcmd "$lvsd_pid" VM.native_memory detail >"/tmp/lvsd-nmt-detail-$$.txt" 2>/dev/null && \
        cp "/proc/$lvsd_pid/smaps" "/tmp/lvsd-smaps-$$.txt" && \
        echo "# nmt detail: /tmp/lvsd-nmt-detail-$$.txt, smaps: /tmp/lvsd-smaps-$$.txt"
    jcmd "$lvsd_pid" VM.native_memory summary 2>/dev/null | grep -E '^(Total|-\s+\w)|committed=' | grep -E 'Total|^-' | sed 's/^/# nmt: /'
    awk '/^[0-9a-f]/ { name=$6 } /^Rss:/ { rss[name]+=$2 } END { for (n in rss) if (rss[n] > 4096) printf "# smaps: %8.1f MiB %s\n", rss[n]/1024, (n == "" ? "[anon]" : n) }' "/proc/$lvsd_pid/smaps" | sort -k3 -nr | head -8
fi
if [ -n "${GCLOG:-}" ]; then
    awk '/Pause/ && !/Diagnostic Command/ && match($0, /[0-9.]+ms$/) { ms = substr($0, RSTART, RLENGTH - 2) + 0; n++; sum += ms
             if (ms > max) { max = ms; what = $0 } }
         END { printf "# GC pauses (not counting GC.run): %d, total %.0f ms, max %.1f ms (%s)\n", n, sum, max, what }' "$work/gc.log"
    grep -c 'Pause Full' "$work/gc.log" | sed 's/^/# GC full pauses: /'
fi
java_flags="$(jcmd "$lvsd_pid" VM.flags 2>/dev/null | tr ' ' '\n' | grep -E 'MaxHeapSize|Use.*GC$|InitialHeapSize|HeapFreeRatio|CodeCache|Metaspace' | tr '\n' ' ')"
echo "# lvsd JVM: $java_flags"
echo "# uptime after: $(uptime)"
grep -v '^\s*at ' "$work/lvsd.log" | tail -5 | sed 's/^/# lvsd: /'
if grep -q Exception "$work/lvsd.log"; then
    echo "# WARNING: lvsd logged an exception (the numbers above may include its consequences):"
    grep -m1 -A3 Exception "$work/lvsd.log" | sed 's/^/#   /'
fi
