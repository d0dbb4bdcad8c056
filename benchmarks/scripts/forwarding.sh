#!/usr/bin/env bash
# forwarding.sh: whole-program forwarding benchmark, side by side in ONE run on ONE topology:
#   kernel   the director's kernel forwarding (ip_forward=1, routes): the ceiling
#   nft      nftables DNAT load balancing with numgen (what a user picks without IPVS)
#   lvs-nat  bin/lvsd in the director, configured with bin/ipvsadm -A / -a -m (default --rx auto)
#   lvs-nat-ring, lvs-nat-recvmmsg  the same with lvsd --rx ring / --rx recvmmsg
#   lvs-nat-bypass  lvs-nat sending with PACKET_QDISC_BYPASS (-Dlvsd.qdiscBypass=true)
#   lvs-nat-mixed     lvs-nat plus persistent (-p, -M, --pe sip) and fwmark services the traffic never uses
#   lvs-nat-xdp       the same with lvsd --io xdp (AF_XDP; native XDP on veth runs in the SENDER's CPU)
#   lvs-nat-xdp-generic  --io xdp with -Dlvsd.xdpAttach=generic (XDP after RPS, on the director's CPU1)
#   lvs-dr   lvsd with ipvsadm -a -g (real server prepared by bin/lvs-realserver, replies over c9/r9)
#   lvs-tun  lvsd with ipvsadm -a -i (bin/lvs-realserver's user-space decapsulator on the real server)
# Per mode and round: small-packet UDP (saturating, then paced), and HTTP with short connections
# (wrk, Connection: close, nginx in the real-server namespace), with CPU time from /proc/stat, and the
# latency of a sparse flow (wrk -c1, one keep-alive connection: one request in flight at a time).
#
#   sudo benchmarks/scripts/forwarding.sh            (after: mvn -q -DskipTests package)
# Env: MODES="kernel nft lvs-nat lvs-dr lvs-tun" ROUNDS=2 UDP_SECONDS=5 PACED_PPS=100000 HTTP_SECONDS=5
#      HTTP_CONNS=50 SPARSE_SECONDS=3 FLOWS=256 SWEEP="100000 150000 ..." SWEEP_SECONDS=3 WARMUP_SECONDS=5
#      OUT=FILE (also write the result table there)
#      BASELINE_CP=DIR (jars of another build, e.g. lvs-cli.jar and cli/target/lib/*.jar of an older
#      commit copied into DIR): a mode named MODE-base runs MODE with lvsd and lvs-realserver from DIR,
#      so a change is measured side by side with its baseline in one run (MODES="lvs-nat-base lvs-nat")
#      PERF=DIR (perf record -g of the forwarder's CPU1 during each paced run: DIR/perf-MODE-ROUND.data,
#      with a text report next to it, lvsd's JIT-compiled methods named through jcmd Compiler.perfmap)
#
# Topology (every address in 198.18.0.0/15; fixed MACs; namespaces lvsfwd-PID-*, deleted on exit):
#   cli 198.18.0.10 c0 ──── d0 198.18.0.11 (VIP) dir 198.18.1.11 d1 ──── r0 rs 198.18.1.12, .13 (RIPs)
#   cli 198.18.3.2  c9 ──────────────────────────────────────────────── r9 rs 198.18.3.1 (DR/TUN return path)
# CPUs: generator, wrk, nginx and the real server's receive on CPU0 (RPS on c0, r0, r9); the
# director's receive on CPU1 (RPS on d0, d1) and lvsd pinned to CPU1. So the forwarder of every
# mode gets CPU1, the "same core budget"; CPU1's busy time per forwarded packet is the cost.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd -P)"
MODES="${MODES:-kernel nft lvs-nat lvs-dr lvs-tun}"
ROUNDS="${ROUNDS:-2}"
UDP_SECONDS="${UDP_SECONDS:-5}"
PACED_PPS="${PACED_PPS:-100000}"
HTTP_SECONDS="${HTTP_SECONDS:-5}"
HTTP_CONNS="${HTTP_CONNS:-50}"
SPARSE_SECONDS="${SPARSE_SECONDS:-3}"
FLOWS="${FLOWS:-256}"
SWEEP="${SWEEP:-100000 150000 200000 250000 300000 400000 500000 600000 800000}"
SWEEP_SECONDS="${SWEEP_SECONDS:-3}"
WARMUP_SECONDS="${WARMUP_SECONDS:-5}"   # paced warm-up blast (JIT), at a rate lvsd keeps up with
WARMUP_PPS="${WARMUP_PPS:-100000}"
# Priority of everything the benchmark runs (generator, wrk, nginx, lvsd). The kernel forwards in
# softirq, ahead of every process; lvsd and the generator are processes that would otherwise share
# their CPU with whatever else runs on the box (other people's builds), so they get a higher priority.
BENCH_NICE="${BENCH_NICE:--10}"
MAX_PKTS=$((UDP_SECONDS * 2000000))     # hard bound on top of the time bound

[ "$(id -u)" = 0 ] || { echo "forwarding.sh: needs root (network namespaces)" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "forwarding.sh: needs 2 CPUs (generator and forwarder apart)" >&2; exit 1; }
for c in ip nft wrk nginx taskset cc curl; do
    command -v "$c" >/dev/null || { echo "forwarding.sh: missing $c (see .ci/run)" >&2; exit 1; }
done
case " $MODES " in *" lvs-"*)
    [ -f "$root/cli/target/lvs-cli.jar" ] || { echo "build first: (cd $root && mvn -q -DskipTests package)" >&2; exit 1; } ;;
esac

tag="lvsfwd-$$"
C="$tag-cli" D="$tag-dir" R="$tag-rs"
work="$(mktemp -d /tmp/lvs-forwarding.XXXXXX)"
chmod 755 "$work"
sock="$work/lvsd.sock"
lvsd_pid=""
cpdir="$work/cp"   # the jars lvsd and lvs-realserver run from: this build's copy, or BASELINE_CP (MODE-base)

CLI_IP=198.18.0.10 VIP=198.18.0.11 DIR_IN=198.18.1.11 RIP1=198.18.1.12 RIP2=198.18.1.13
CLI_DIRECT=198.18.3.2 RS_DIRECT=198.18.3.1
MAC_C0=02:00:00:00:01:02 MAC_D0=02:00:00:00:01:01 MAC_D1=02:00:00:00:02:01 MAC_R0=02:00:00:00:02:02
MAC_C9=02:00:00:00:03:02 MAC_R9=02:00:00:00:03:01
UDP_PORT=9000 HTTP_PORT=80

cleanup() {
    set +e
    stop_lvsd
    local n pids
    for n in "$C" "$D" "$R"; do
        pids="$(ip netns pids "$n" 2>/dev/null)"
        # only processes inside OUR namespaces (nginx, wrk, blaster, lvsd)
        [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
    done
    sleep 0.2
    for n in "$C" "$D" "$R"; do ip netns del "$n" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

inc() { ip netns exec "$C" "$@"; }
ind() { ip netns exec "$D" "$@"; }
inr() { ip netns exec "$R" "$@"; }

# --- topology --------------------------------------------------------------------------------------
topology() {
    local n
    for n in "$C" "$D" "$R"; do ip netns add "$n"; ip -n "$n" link set lo up; done
    ip -n "$C" link add c0 type veth peer name d0 netns "$D"
    ip -n "$D" link add d1 type veth peer name r0 netns "$R"
    ip -n "$C" link add c9 type veth peer name r9 netns "$R"
    ip -n "$C" link set c0 address $MAC_C0; ip -n "$D" link set d0 address $MAC_D0
    ip -n "$D" link set d1 address $MAC_D1; ip -n "$R" link set r0 address $MAC_R0
    ip -n "$C" link set c9 address $MAC_C9; ip -n "$R" link set r9 address $MAC_R9
    ip -n "$C" addr add $CLI_IP/24 dev c0
    ip -n "$C" addr add $CLI_DIRECT/24 dev c9
    ip -n "$D" addr add $VIP/24 dev d0
    ip -n "$D" addr add $DIR_IN/24 dev d1
    ip -n "$R" addr add $RIP1/24 dev r0
    ip -n "$R" addr add $RIP2/24 dev r0
    ip -n "$R" addr add $RS_DIRECT/24 dev r9
    ip -n "$C" link set c0 up; ip -n "$C" link set c9 up
    ip -n "$D" link set d0 up; ip -n "$D" link set d1 up
    ip -n "$R" link set r0 up; ip -n "$R" link set r9 up
    ip -n "$C" route add 198.18.0.0/15 via $VIP
    ip -n "$R" route add default via $DIR_IN
    # static neighbours: no ARP in the measurement (lvsd seeds its table from /proc/net/arp)
    ip -n "$C" neigh replace $VIP lladdr $MAC_D0 dev c0 nud permanent
    ip -n "$D" neigh replace $CLI_IP lladdr $MAC_C0 dev d0 nud permanent
    ip -n "$D" neigh replace $RIP1 lladdr $MAC_R0 dev d1 nud permanent
    ip -n "$D" neigh replace $RIP2 lladdr $MAC_R0 dev d1 nud permanent
    ip -n "$R" neigh replace $DIR_IN lladdr $MAC_D1 dev r0 nud permanent
    # receive steering: the director's work on CPU1, everything else on CPU0
    ind sh -c 'echo 2 > /sys/class/net/d0/queues/rx-0/rps_cpus; echo 2 > /sys/class/net/d1/queues/rx-0/rps_cpus'
    inc sh -c 'echo 1 > /sys/class/net/c0/queues/rx-0/rps_cpus; echo 1 > /sys/class/net/c9/queues/rx-0/rps_cpus'
    inr sh -c 'echo 1 > /sys/class/net/r0/queues/rx-0/rps_cpus; echo 1 > /sys/class/net/r9/queues/rx-0/rps_cpus'
    inc sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
    # UDP sink: count and drop at the real server's input (no ICMP port unreachable)
    inr nft -f - <<EOF
table inet lvsbench_sink {
    chain in { type filter hook input priority 0; udp dport $UDP_PORT counter drop; }
}
EOF
    # nginx in the real server, both RIPs, one worker on CPU0
    mkdir -p "$work/nginx/tmp"
    cat >"$work/nginx/nginx.conf" <<EOF
daemon on;
master_process off;
worker_processes 1;
worker_rlimit_nofile 8192;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/tmp; proxy_temp_path $work/nginx/tmp; fastcgi_temp_path $work/nginx/tmp;
    uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
    server { listen $HTTP_PORT;   # every address: the RIPs, and the VIP on lo for DR/TUN
             location / { return 200 "hello from rs\n"; } }
}
EOF
    inr nice -n "$BENCH_NICE" taskset -c 0 nginx -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log"
    cc -O2 -o "$work/udpblast" "$root/benchmarks/scripts/udpblast.c"
    mkdir -p "$work/cp"
    if [ -f "$root/cli/target/lvs-cli.jar" ]; then cp "$root/cli/target/lvs-cli.jar" "$root"/cli/target/lib/*.jar "$work/cp/"; fi
}

# --- measurements ----------------------------------------------------------------------------------
# /proc/stat snapshot of cpu0 and cpu1: "busy0 total0 irq0 busy1 total1 irq1" (jiffies; irq = hard + soft
# interrupts, where the kernel forwards; other engineers' processes show up in busy, not in irq)
cpustat() {
    awk '/^cpu[01] /{ t=0; for (i=2;i<=NF;i++) t+=$i; idle=$5+$6; printf "%d %d %d ", t-idle, t, $7+$8 }' /proc/stat
}
# lvsd's own CPU time (utime+stime, jiffies), 0 if not running
lvsd_cpu() {
    if [ -n "$lvsd_pid" ] && [ -r "/proc/$lvsd_pid/stat" ]; then
        awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$lvsd_pid/stat"
    else echo 0; fi
}
sink_count() { inr nft list chain inet lvsbench_sink in | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# udp_run MODE KIND DST RATE [SECONDS]: one bounded blast; appends a result line
udp_run() {
    local mode="$1" kind="$2" dst="$3" rate="$4" secs="${5:-$UDP_SECONDS}"
    local s0 s1 c0 c1 l0 l1 out perf_pid=""
    if [ -n "${PERF:-}" ] && [ "${kind#paced}" != "$kind" ]; then
        mkdir -p "$PERF"
        perf record -q -g -C 1 -o "$PERF/perf-$mode-$round.data" -- sleep "$((secs > 2 ? secs - 1 : 1))" >/dev/null 2>&1 &
        perf_pid=$!
        if [ -n "$lvsd_pid" ]; then   # lvsd's system calls by kind (tracepoint counts: cheap)
            perf stat -x, -e 'syscalls:sys_enter_recvmmsg,syscalls:sys_enter_sendmmsg,syscalls:sys_enter_poll,syscalls:sys_enter_recvfrom,syscalls:sys_enter_getsockopt,syscalls:sys_enter_futex' \
                -p "$lvsd_pid" -o "$PERF/syscalls-$mode-$round.csv" -- sleep "$((secs > 2 ? secs - 1 : 1))" >/dev/null 2>&1 &
        fi
    fi
    s0="$(sink_count)"; c0="$(cpustat)"; l0="$(lvsd_cpu)"
    out="$(inc nice -n "$BENCH_NICE" taskset -c 0 "$work/udpblast" c0 $MAC_C0 $MAC_D0 $CLI_IP "$dst" $UDP_PORT "$FLOWS" \
        "$secs" "$MAX_PKTS" "$rate")"
    sleep 0.2   # let the queues drain into the counter
    s1="$(sink_count)"; c1="$(cpustat)"; l1="$(lvsd_cpu)"
    if [ -n "$perf_pid" ]; then
        wait "$perf_pid" 2>/dev/null || true
        # JIT-compiled Java by name: the JVM writes /tmp/perf-PID.map on request
        [ -n "$lvsd_pid" ] && jcmd "$lvsd_pid" Compiler.perfmap >/dev/null 2>&1
        perf report -i "$PERF/perf-$mode-$round.data" --no-children --sort dso,sym --stdio 2>/dev/null \
            | grep -v '^$' | head -120 >"$PERF/perf-$mode-$round.txt" || true
        [ -n "$lvsd_pid" ] && rm -f "/tmp/perf-$lvsd_pid.map"
    fi
    python3 - "$mode" "$kind" "$out" "$s0" "$s1" "$c0" "$c1" "$l0" "$l1" "$(load1)" "$round" >>"$work/udp.tsv" <<'PY'
import re, sys
mode, kind, out, s0, s1, c0, c1, l0, l1, load, rnd = sys.argv[1:]
sent, secs = re.search(r"sent (\d+) in ([\d.]+) s", out).groups()
sent, secs = int(sent), float(secs)
fwd = int(s1) - int(s0)
a, b = list(map(int, c0.split())), list(map(int, c1.split()))
d = [y - x for x, y in zip(a, b)]
busy0, tot0, si0, busy1, tot1, si1 = d
hz = 100.0
lvsd_s = (int(l1) - int(l0)) / hz
# the forwarder's CPU: interrupt/softirq time on CPU1 (kernel forwarding, AF_PACKET delivery) plus
# lvsd's own time (pinned to CPU1); not CPU1's whole busy time, which includes other people's builds
# Tick accounting counts a softirq tick that lands while lvsd runs in both columns, so for lvsd the
# sum is capped at the elapsed time and is an upper bound (lvsd's own time alone is the lower bound).
fwd_s = min(si1 / hz + lvsd_s, tot1 / hz)
ns_per_pkt = fwd_s / fwd * 1e9 if fwd else float("nan")
print("\t".join(map(str, [rnd, mode, kind, round(sent / secs), round(fwd / secs), f"{fwd / sent:.3f}" if sent else "nan",
      f"{100 * busy0 / tot0:.0f}", f"{100 * busy1 / tot1:.0f}", f"{100 * si1 / tot1:.0f}",
      f"{lvsd_s / secs * 100:.0f}", f"{fwd_s / secs * 100:.0f}", f"{ns_per_pkt:.0f}", load])))
PY
    tail -1 "$work/udp.tsv" | sed 's/^/  udp  /'
}

# udp_sweep MODE DST: paced rates in increasing order until fewer than 99 % of the offered packets
# arrive; the highest rate that passed is the mode's loss-free rate ("RFC 2544 style", 1 % tolerance)
udp_sweep() {
    local mode="$1" dst="$2" rate delivered best=0
    for rate in $SWEEP; do
        udp_run "$mode" "sweep-$rate" "$dst" "$rate" "$SWEEP_SECONDS"
        delivered="$(tail -1 "$work/udp.tsv" | cut -f6)"
        if python3 -c "import sys; sys.exit(0 if float('$delivered') >= 0.99 else 1)"; then
            best="$(tail -1 "$work/udp.tsv" | cut -f5)"
        else
            break
        fi
    done
    printf '%s\t%s\t%s\n' "$round" "$mode" "$best" >>"$work/lossfree.tsv"
    echo "  loss-free rate: $best pps"
}

# http_run MODE URL: wrk with short connections; appends a result line
http_run() {
    local mode="$1" url="$2" c0 c1 out
    inc nice -n "$BENCH_NICE" taskset -c 0 wrk -t1 -c"$HTTP_CONNS" -d2s -H "Connection: close" "$url" >/dev/null 2>&1 || true   # warm-up
    c0="$(cpustat)"
    out="$(inc nice -n "$BENCH_NICE" taskset -c 0 timeout $((HTTP_SECONDS + 10)) wrk -t1 -c"$HTTP_CONNS" -d"${HTTP_SECONDS}s" --latency \
        -H "Connection: close" "$url" 2>&1)" || true
    c1="$(cpustat)"
    echo "$out" >"$work/wrk-$mode-$round.txt"
    python3 - "$mode" "$out" "$c0" "$c1" "$(load1)" "$round" >>"$work/http.tsv" <<'PY'
import re, sys
mode, out, c0, c1, load, rnd = sys.argv[1:]
def lat(p):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)\b" % p, out, re.M)
    if not m: return "nan"
    v, u = float(m.group(1)), m.group(2)
    return f"{v * {'us': 0.001, 'ms': 1, 's': 1000}[u]:.2f}"
rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
errs = re.search(r"Socket errors: (.*)", out)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
a, b = list(map(int, c0.split())), list(map(int, c1.split()))
d = [y - x for x, y in zip(a, b)]
busy0, tot0, si0, busy1, tot1, si1 = d
print("\t".join(map(str, [rnd, mode, rps.group(1) if rps else "nan", lat(50), lat(99),
      f"{100 * busy0 / tot0:.0f}", f"{100 * busy1 / tot1:.0f}",
      (errs.group(1).replace("\t", " ") if errs else "-") + (f"; non-2xx {non2xx.group(1)}" if non2xx else ""), load])))
PY
    tail -1 "$work/http.tsv" | sed 's/^/  http /'
}

# sparse_run MODE URL: one keep-alive connection, one request at a time: what a lone flow waits (the
# TPACKET_V3 ring hands a partly filled block over only when its retire timer fires; pitfall 6)
sparse_run() {
    local mode="$1" url="$2" out
    out="$(inc nice -n "$BENCH_NICE" taskset -c 0 timeout $((SPARSE_SECONDS + 10)) wrk -t1 -c1 -d"${SPARSE_SECONDS}s" --latency "$url" 2>&1)" || true
    echo "$out" >"$work/wrk-sparse-$mode-$round.txt"
    python3 - "$mode" "$out" "$(load1)" "$round" >>"$work/sparse.tsv" <<'PY'
import re, sys
mode, out, load, rnd = sys.argv[1:]
def lat(p):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)\b" % p, out, re.M)
    if not m: return "nan"
    v, u = float(m.group(1)), m.group(2)
    return f"{v * {'us': 0.001, 'ms': 1, 's': 1000}[u]:.3f}"
rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
print("\t".join(map(str, [rnd, mode, rps.group(1) if rps else "nan", lat(50), lat(99), load])))
PY
    tail -1 "$work/sparse.tsv" | sed 's/^/  c1   /'
}

# --- lvsd ------------------------------------------------------------------------------------------
# start_lvsd [LVSD OPTION...]: extra options (e.g. --rx recvmmsg) come from the mode
start_lvsd() {
    rm -f "$sock" "$work/lvsd.state"
    # not through ind(): a backgrounded function would make $! a subshell, not lvsd's JVM
    # lvsd runs from a copy of the jars: a colleague's rebuild during the run must not swap classes under it
    ip netns exec "$D" nice -n "$BENCH_NICE" taskset -c 1 env LVSD_SOCKET="$sock" LVS_CLASSPATH="$cpdir/*" "$root/bin/lvsd" --socket "$sock" --state-file "$work/lvsd.state" "$@" \
        >>"$work/lvsd.log" 2>&1 &
    lvsd_pid=$!
    local i
    for i in $(seq 1 200); do
        [ -S "$sock" ] && return 0
        kill -0 "$lvsd_pid" 2>/dev/null || { cat "$work/lvsd.log" >&2; echo "lvsd exited" >&2; exit 1; }
        sleep 0.1
    done
    echo "lvsd did not open $sock within 20 s" >&2; exit 1
}
stop_lvsd() {
    [ -n "$lvsd_pid" ] || return 0
    kill -TERM "$lvsd_pid" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do kill -0 "$lvsd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$lvsd_pid" 2>/dev/null || true
    wait "$lvsd_pid" 2>/dev/null || true
    lvsd_pid=""
    ind nft delete table netdev lvsd 2>/dev/null || true
}
ipvsadm() { ind env LVSD_SOCKET="$sock" "$root/bin/ipvsadm" "$@"; }

# --- modes: setup / the address the client targets / teardown ---------------------------------------
# A mode is three functions: setup_MODE, teardown_MODE and target_MODE (prints "UDP_DST HTTP_URL").
setup_kernel() { ind sysctl -qw net.ipv4.ip_forward=1; }
target_kernel() { echo "$RIP1 http://$RIP1:$HTTP_PORT/"; }
teardown_kernel() { ind sysctl -qw net.ipv4.ip_forward=0; }

setup_nft() {
    ind sysctl -qw net.ipv4.ip_forward=1
    ind nft -f - <<EOF
table ip lvsbench_nat {
    chain pre {
        type nat hook prerouting priority dstnat;
        ip daddr $VIP meta l4proto { tcp, udp } th dport { $HTTP_PORT, $UDP_PORT } dnat to numgen inc mod 2 map { 0 : $RIP1, 1 : $RIP2 }
    }
}
EOF
}
target_nft() { echo "$VIP http://$VIP:$HTTP_PORT/"; }
teardown_nft() { ind nft delete table ip lvsbench_nat; ind sysctl -qw net.ipv4.ip_forward=0; ind conntrack -F 2>/dev/null || true; }

# lvsd modes share one body; FLAG is ipvsadm's forwarding method (-m NAT, -g DR, -i TUN), the rest
# lvsd's own options
setup_lvs() {
    local flag="$1"
    shift
    start_lvsd "$@"
    ipvsadm -A -u $VIP:$UDP_PORT -s rr
    ipvsadm -a -u $VIP:$UDP_PORT -r $RIP1:$UDP_PORT "$flag"
    ipvsadm -a -u $VIP:$UDP_PORT -r $RIP2:$UDP_PORT "$flag"
    ipvsadm -A -t $VIP:$HTTP_PORT -s rr
    ipvsadm -a -t $VIP:$HTTP_PORT -r $RIP1:$HTTP_PORT "$flag"
    ipvsadm -a -t $VIP:$HTTP_PORT -r $RIP2:$HTTP_PORT "$flag"
    ipvsadm -Ln >"$work/ipvsadm-$flag.txt"
}
teardown_lvs() { ipvsadm -Ln --stats >>"$work/ipvsadm-stats.txt" 2>&1 || true; stop_lvsd; }
setup_lvs-nat() { setup_lvs -m; }
target_lvs-nat() { echo "$VIP http://$VIP:$HTTP_PORT/"; }
teardown_lvs-nat() { teardown_lvs; }
# The plain services' traffic with persistence and fwmark services beside them (docs/benchmarks.md).
setup_lvs-nat-mixed() {
    setup_lvs -m
    ipvsadm -A -t $VIP:443 -s rr -p 300
    ipvsadm -A -t $VIP:8443 -s rr -p 300 -M 255.255.255.0
    ipvsadm -A -u $VIP:5060 -s rr -p 60 --pe sip
    ipvsadm -A -f 1 -s rr -p 300
    ipvsadm -A -f 2 -s rr
    for svc in "-t $VIP:443" "-t $VIP:8443" "-u $VIP:5060" "-f 1" "-f 2"; do
        ipvsadm -a $svc -r $RIP1 -m
        ipvsadm -a $svc -r $RIP2 -m
    done
    ipvsadm -Ln >"$work/ipvsadm-mixed.txt"
}
target_lvs-nat-mixed() { target_lvs-nat; }
teardown_lvs-nat-mixed() { teardown_lvs; }
setup_lvs-nat-bypass() { LVSD_JAVA_OPTS="${LVSD_JAVA_OPTS:-} -Dlvsd.qdiscBypass=true" setup_lvs -m; }
target_lvs-nat-bypass() { target_lvs-nat; }
teardown_lvs-nat-bypass() { teardown_lvs; }
setup_lvs-nat-ring() { setup_lvs -m --rx ring; }
target_lvs-nat-ring() { target_lvs-nat; }
teardown_lvs-nat-ring() { teardown_lvs; }
setup_lvs-nat-recvmmsg() { setup_lvs -m --rx recvmmsg; }
target_lvs-nat-recvmmsg() { target_lvs-nat; }
teardown_lvs-nat-recvmmsg() { teardown_lvs; }
setup_lvs-nat-xdp() { setup_lvs -m --io xdp; }
target_lvs-nat-xdp() { target_lvs-nat; }
teardown_lvs-nat-xdp() { teardown_lvs; }
setup_lvs-nat-xdp-generic() { LVSD_JAVA_OPTS=-Dlvsd.xdpAttach=generic setup_lvs -m --io xdp; }
target_lvs-nat-xdp-generic() { target_lvs-nat; }
teardown_lvs-nat-xdp-generic() { teardown_lvs; }
# DR and TUN: bin/lvs-realserver prepares the real server (VIP on lo, arp_ignore/arp_announce; for
# TUN also the decapsulator: this kernel has no ipip module, so it is lvs-realserver's user-space one,
# a JVM on CPU0). Replies go straight to the client over c9/r9, as in a real DR/TUN cluster.
realserver() { inr env LVS_REALSERVER_STATE_DIR="$work/rs-state" LVS_CLASSPATH="$cpdir/*" "$root/bin/lvs-realserver" "$@"; }
setup_direct() {
    local mode="$1" flag="$2"
    realserver start --vip $VIP --mode "$mode" --interface r0 >"$work/realserver-$mode.log" 2>&1 \
        || { cat "$work/realserver-$mode.log" >&2; return 1; }
    inr ip route add $CLI_IP/32 via $CLI_DIRECT dev r9
    inc sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.c0.rp_filter=0 net.ipv4.conf.c9.rp_filter=0
    setup_lvs "$flag"
}
teardown_direct() { teardown_lvs; inr ip route del $CLI_IP/32 via $CLI_DIRECT dev r9; realserver stop >/dev/null 2>&1 || true; }
setup_lvs-dr() { setup_direct dr -g; }
target_lvs-dr() { echo "$VIP http://$VIP:$HTTP_PORT/"; }
teardown_lvs-dr() { teardown_direct; }
setup_lvs-tun() { setup_direct tun -i; }
target_lvs-tun() { echo "$VIP http://$VIP:$HTTP_PORT/"; }
teardown_lvs-tun() { teardown_direct; }

# --- run ---------------------------------------------------------------------------------------------
topology
echo "# $(date -u +%FT%TZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null) modes: $MODES rounds: $ROUNDS nice: $BENCH_NICE"
echo "# uptime before: $(uptime)"
for round in $(seq 1 "$ROUNDS"); do
    for mode in $MODES; do
        echo "== round $round: $mode (load $(load1))"
        # MODE-base: MODE with the baseline's jars; results keep the name MODE-base
        fn="${mode%-base}" cpdir="$work/cp"
        if [ "$fn" != "$mode" ]; then
            [ -f "${BASELINE_CP:-}/lvs-cli.jar" ] || { echo "  skipped: $mode needs BASELINE_CP=DIR with lvs-cli.jar"; continue; }
            cpdir="$BASELINE_CP"
        fi
        "setup_$fn" || { echo "  skipped: setup failed"; continue; }
        read -r dst url < <("target_$fn")
        # reachability check, then JIT/caches warm: a short bounded blast
        inc curl -s -m 3 -o /dev/null -w '  curl %{http_code}\n' "$url" || echo "  curl failed"
        inc nice -n "$BENCH_NICE" taskset -c 0 "$work/udpblast" c0 $MAC_C0 $MAC_D0 $CLI_IP "$dst" $UDP_PORT "$FLOWS" "$WARMUP_SECONDS" 2000000 "$WARMUP_PPS" >/dev/null
        udp_run "$mode" saturate "$dst" 0
        udp_run "$mode" "paced-$PACED_PPS" "$dst" "$PACED_PPS"
        udp_sweep "$mode" "$dst"
        http_run "$mode" "$url"
        sparse_run "$mode" "$url"
        "teardown_$fn"
    done
done
echo "# uptime after: $(uptime)"

python3 - "$work/udp.tsv" "$work/http.tsv" "$work/lossfree.tsv" "$work/sparse.tsv" <<'PY' | tee "$work/result.md"
import os, sys, statistics
from collections import defaultdict
def rows(f):
    return [l.rstrip("\n").split("\t") for l in open(f)] if os.path.exists(f) else []
udp, http, lossfree, sparse = rows(sys.argv[1]), rows(sys.argv[2]), rows(sys.argv[3]), rows(sys.argv[4])
print("\n### UDP, 64-byte frames, every run (CPU1 = the forwarder's core)\n")
print("| round | mode | run | offered pps | forwarded pps | delivered | CPU0 % | CPU1 % | CPU1 irq+softirq % | lvsd process % | forwarder CPU % (≤ 100) | forwarder ns / pkt | load avg |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in udp:
    print("| " + " | ".join(r[:3] + [f"{int(r[3]):,}", f"{int(r[4]):,}"] + r[5:]) + " |")
if http:
    print("\n### HTTP, `wrk -t1 -c50 --latency -H 'Connection: close'`, every round\n")
    print("| round | mode | req/s | p50 ms | p99 ms | CPU0 % | CPU1 % | errors | load avg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in http:
        print("| " + " | ".join(r) + " |")
if sparse:
    print("\n### Sparse flow, `wrk -t1 -c1 --latency` (one keep-alive connection), every round\n")
    print("| round | mode | req/s | p50 ms | p99 ms | load avg |")
    print("|---|---|---|---|---|---|")
    for r in sparse:
        print("| " + " | ".join(r) + " |")
med = defaultdict(lambda: defaultdict(list))
for r in udp:
    med[r[1]][r[2] + ":fwd"].append(int(r[4]))
    med[r[1]][r[2] + ":ns"].append(float(r[11]))
for r in http:
    med[r[1]]["rps"].append(float(r[2]))
    med[r[1]]["p50"].append(float(r[3]))
    med[r[1]]["p99"].append(float(r[4]))
for r in lossfree:
    med[r[1]]["lossfree"].append(int(r[2]))
for r in sparse:
    med[r[1]]["c1p50"].append(float(r[3]))
    med[r[1]]["c1p99"].append(float(r[4]))
def m(mode, key):
    v = med.get(mode, {}).get(key)
    return statistics.median(v) if v else float("nan")
paced = next((r[2] for r in udp if r[2].startswith("paced")), "paced")
modes = list(dict.fromkeys(r[1] for r in udp))
print(f"\n### Medians over rounds, and ratios (forwarder ns/pkt measured at {paced})\n")
print("| mode | loss-free pps | saturating: forwarded pps | forwarder ns / pkt | HTTP req/s | p50 / p99 ms | sparse p50 / p99 ms | loss-free vs kernel | loss-free vs nft | per-core capacity vs kernel | vs nft |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for mo in modes:
    lf = m(mo, "lossfree")
    ns = m(mo, paced + ":ns")
    print(f"| {mo} | {lf:,.0f} | {m(mo, 'saturate:fwd'):,.0f} | {ns:.0f} | {m(mo, 'rps'):,.0f} | "
          f"{m(mo, 'p50'):.2f} / {m(mo, 'p99'):.2f} | {m(mo, 'c1p50'):.3f} / {m(mo, 'c1p99'):.3f} | {lf / m('kernel', 'lossfree'):.2f} | {lf / m('nft', 'lossfree'):.2f} | "
          f"{m('kernel', paced + ':ns') / ns:.2f} | {m('nft', paced + ':ns') / ns:.2f} |")
PY
[ -n "${OUT:-}" ] && cp "$work/result.md" "$OUT"
[ -n "${OUT:-}" ] && cp "$work"/wrk-*.txt "$(dirname "$OUT")/" 2>/dev/null
echo "# lvsd log (tail):"; tail -5 "$work/lvsd.log" 2>/dev/null || true
