#!/usr/bin/env bash
# lvs-lab tun: an LVS-TUN cluster in network namespaces, shaped like the kernel's ipvs.sh self-test
# (test_tun): the DR lab's topology (bin/lib/lab-dr.sh), real servers added with -i. The director
# wraps each client packet in an outer IPv4 header (IPIP, or GUE / GRE with --tun-type) from its lan
# address to the real server's; the real servers have no ipip module, so bin/lvs-realserver --mode tun
# runs the user-space decapsulator (lvs.cli.realserver.TunnelDecapsulator, a TUN device lvstun0).
#
#   client 198.18.0.10 on br0 ─┬─ cd0 ──── d0 director 198.18.0.11, VIP 198.18.0.254
#                              ├─ cw1 ──── eth1 web1 198.18.0.12     director 198.18.1.11 d1 ─┐
#                              └─ cw2 ──── eth1 web2 198.18.0.13                       lan (br0)
#                                          eth0 web1 198.18.1.12 ── tunnel packets ────────────┤
#                                          eth0 web2 198.18.1.13 ──────────────────────────────┘
#   Requests: client → VIP → lvsd → [198.18.1.11 → 198.18.1.1x | client → VIP] → lvstun0 on web.
#   Replies: web (VIP on lo) → eth1 → client directly; the director never sees them.
#
# Usage (through bin/lvs-lab):
#   lvs-lab tun [options]          build, configure, send requests, show an outer header, tear down
#   lvs-lab tun-up LAB [options]   build and start (web servers, decapsulators, lvsd), no rules
#   then lvs-lab exec|ipvsadm|down LAB ... (roles client director lan web1 web2)
# Options:
#   --tun-type ipip|gue|gre   (default ipip)     --tun-port P   GUE's UDP port (default 6080)
#   --tun-csum | --tun-remcsum | --tun-nocsum     passed to ipvsadm -a (tun only)
#   -n N, --vip-on nic|lo|none, --sink-port P     as for lvs-lab dr
# Every address is in 198.18.0.0/15. Needs root, iproute2, curl, nginx (or python3), tcpdump for
# the header display (optional).
set -euo pipefail

LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LVS_BIN="${LVS_BIN:-$(dirname "$LIB")}"

VIP=198.18.0.254
WEB1_IN=198.18.1.12
WEB2_IN=198.18.1.13

die() { echo "lvs-lab tun: $*" >&2; exit 1; }
ns() { echo "$1-$2"; }
workdir() { echo "/tmp/lvs-lab/$1"; }
lab() { "$LVS_BIN/lvs-lab" "$@"; }

parse_opts() {
    TUN_TYPE=ipip; TUN_PORT=6080; CSUM=""; REQUESTS=6; DR_OPTS=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --tun-type) TUN_TYPE="$2"; shift 2 ;;
            --tun-port) TUN_PORT="$2"; shift 2 ;;
            --tun-csum|--tun-remcsum|--tun-nocsum) CSUM="$1"; shift ;;
            -n) REQUESTS="$2"; shift 2 ;;
            --vip-on|--sink-port) DR_OPTS+=("$1" "$2"); shift 2 ;;
            *) die "unknown option $1" ;;
        esac
    done
    case "$TUN_TYPE" in ipip|gue|gre) ;; *) die "--tun-type ipip|gue|gre" ;; esac
}

# The DR lab's namespaces, web servers and lvsd; then the real servers prepared for TUN.
tun_up() {
    local lab="$1"; shift
    parse_opts "$@"
    "$LIB/lab-dr.sh" dr-up "$lab" --no-realserver ${DR_OPTS[@]+"${DR_OPTS[@]}"}
    local role
    for role in web1 web2; do
        # lvs-realserver does not pass a GUE port to the decapsulator; it reads LVS_TUN_PORT.
        ip netns exec "$(ns "$lab" "$role")" env LVS_REALSERVER_STATE_DIR="$(workdir "$lab")/realserver" \
            LVS_TUN_PORT="$TUN_PORT" "$LVS_BIN/lvs-realserver" start --vip "$VIP" --mode tun
    done
}

realserver() {
    local lab="$1" role="$2"; shift 2
    ip netns exec "$(ns "$lab" "$role")" env LVS_REALSERVER_STATE_DIR="$(workdir "$lab")/realserver" \
        "$LVS_BIN/lvs-realserver" "$@"
}

# One outer header as web1 receives it (tcpdump -v), while a request is on its way.
show_outer_header() {
    local lab="$1" filter
    command -v tcpdump >/dev/null || { echo "  (no tcpdump)"; return 0; }
    case "$TUN_TYPE" in ipip) filter="ip proto 4" ;; gre) filter="ip proto 47" ;; gue) filter="udp dst port $TUN_PORT" ;; esac
    local out; out="$(workdir "$lab")/tcpdump.txt"
    timeout 5 ip netns exec "$(ns "$lab" web1)" tcpdump -l -n -v -c 1 -i eth0 "$filter" >"$out" 2>/dev/null &
    local dump=$! i
    sleep 1
    for i in 1 2; do
        ip netns exec "$(ns "$lab" client)" curl -s -o /dev/null --connect-timeout 2 -m 4 "http://$VIP/" || true
    done
    wait "$dump" 2>/dev/null || true
    sed 's/^/  /' "$out" | head -6
}

tun_demo() {
    parse_opts "$@"
    local lab="lvstun$$"
    trap 'lab down '"$lab" EXIT
    echo "# real servers: lvs-realserver start --vip $VIP --mode tun (no ipip module: user-space decapsulator)"
    tun_up "$lab" "$@"
    echo "# web1: $(ip -n "$(ns "$lab" web1)" -o link show lvstun0 | awk '{ print $2, $3 }') rp_filter=$(ip netns exec "$(ns "$lab" web1)" cat /proc/sys/net/ipv4/conf/lvstun0/rp_filter); VIP on lo: $(ip -n "$(ns "$lab" web1)" -o -4 addr show dev lo | awk '{ printf "%s ", $4 }')"
    local opts="-i"
    [ "$TUN_TYPE" = ipip ] || opts="-i --tun-type $TUN_TYPE"
    [ "$TUN_TYPE" != gue ] || opts="$opts --tun-port $TUN_PORT"
    [ -z "$CSUM" ] || opts="$opts $CSUM"
    local cmd
    for cmd in "-A -t $VIP:80 -s rr" "-a -t $VIP:80 -r $WEB1_IN $opts" "-a -t $VIP:80 -r $WEB2_IN $opts"; do
        echo "# director: ipvsadm $cmd"
        # shellcheck disable=SC2086
        lab ipvsadm "$lab" $cmd
    done
    lab ipvsadm "$lab" -Ln --tun-info
    local i out failures=0
    for i in $(seq 1 "$REQUESTS"); do
        out="$(ip netns exec "$(ns "$lab" client)" curl -s --connect-timeout 2 -m 4 "http://$VIP/")" \
            || { out="(curl failed: $?)"; failures=$((failures + 1)); }
        echo "# client: curl http://$VIP/  ->  $out"
    done
    local sum
    sum="$(ip netns exec "$(ns "$lab" client)" sh -c "curl -s --connect-timeout 2 -m 20 http://$VIP/bulk.bin | sha256sum")" || true
    if [ "${sum%% *}" = "$(sha256sum < "$(workdir "$lab")/bulk.bin" | cut -d' ' -f1)" ]; then
        echo "# client: curl http://$VIP/bulk.bin  ->  $(stat -c %s "$(workdir "$lab")/bulk.bin") bytes, sha256 matches"
    else
        echo "# client: curl http://$VIP/bulk.bin  ->  sha256 MISMATCH ($sum)"; failures=$((failures + 1))
    fi
    echo "# web1: tcpdump -v -i eth0 (an outer $TUN_TYPE packet from the director; an inner cksum shown as"
    echo "#   \"incorrect\" is a CHECKSUM_PARTIAL packet still unfinished on the veth: the decapsulator completes it)"
    show_outer_header "$lab"
    echo "# director: ipvsadm -Ln --stats   (OutPkts 0: replies go from the real servers to the client)"
    lab ipvsadm "$lab" -Ln --stats
    echo "# director: ipvsadm -Lcn"
    lab ipvsadm "$lab" -Lcn | head -12
    echo "# real servers: lvs-realserver stop"
    realserver "$lab" web1 stop
    realserver "$lab" web2 stop
    echo "# web1 after stop: lvstun0 $(ip -n "$(ns "$lab" web1)" -o link show lvstun0 >/dev/null 2>&1 && echo present || echo gone); nft tables: $(ip netns exec "$(ns "$lab" web1)" nft list tables | tr '\n' ' ')"
    [ "$failures" = 0 ] || { echo "lvs-lab tun: $failures request(s) failed; lvsd log:" >&2; tail -20 "$(workdir "$lab")/lvsd.log" >&2; return 1; }
}

cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
    tun) tun_demo "$@" ;;
    tun-up) [ $# -ge 1 ] || die "tun-up LAB"; lab_name="$1"; shift
        [ ! -e "$(workdir "$lab_name")" ] || die "lab $lab_name exists"
        trap 'rc=$?; [ $rc = 0 ] || lab down "'"$lab_name"'"' EXIT   # a failed "up" leaves nothing behind
        tun_up "$lab_name" "$@" ;;
    *) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; [ -z "$cmd" ] || exit 2 ;;
esac
