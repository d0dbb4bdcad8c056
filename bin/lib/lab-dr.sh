#!/usr/bin/env bash
# lvs-lab dr: the seed-003 LVS-DR cluster in network namespaces, shaped like the kernel's ipvs.sh
# self-test (client behind a bridge that also reaches the real servers), with lvsd as the director.
#
#   client 198.18.0.10 on br0 ─┬─ cd0 ──── d0 director 198.18.0.11, VIP 198.18.0.254 (seed: eth0:1)
#                              ├─ cw1 ──── eth1 web1 198.18.0.12     director 198.18.1.11 d1 ─┐
#                              └─ cw2 ──── eth1 web2 198.18.0.13                       lan (br0)
#                                          eth0 web1 198.18.1.12 ───────────────────────────────┤
#                                          eth0 web2 198.18.1.13 ───────────────────────────────┘
#   Requests: client → VIP (the director answers ARP) → lvsd → web's MAC on the lan, IP untouched.
#   Replies: web (VIP on lo) → eth1 → client directly; the director never sees them.
#   The VIP is in the client's subnet, so the client's ARP for it reaches the real servers too:
#   lvs-realserver's arp_ignore is what keeps them quiet.
#
# Usage (through bin/lvs-lab):
#   lvs-lab dr [options]           build, configure as the seed does, send requests, print, tear down
#   lvs-lab dr-up LAB [options]    build and start (web servers, lvs-realserver, lvsd), no rules
#   then lvs-lab exec|ipvsadm|down LAB ... as for the NAT lab (roles client director lan web1 web2)
# Options:
#   -n N               requests to send (dr; default 6)
#   --vip-on nic|lo|none  where the director holds the VIP: on d0 (default, the seed's eth0:1), on lo
#                      (the self-test's lo:1), or nowhere (lvsd answers ARP for it)
#   --sink-port P      also run on each real server a TCP sink on P: it reads to EOF and answers
#                      "webN <sha256> <bytes>"
#   --no-realserver    do not run lvs-realserver start on web1/web2
# Every address is in 198.18.0.0/15. Needs root, iproute2, curl, nginx (or python3).
set -euo pipefail

LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LVS_BIN="${LVS_BIN:-$(dirname "$LIB")}"

CLIENT_IP=198.18.0.10
DIR_OUT_IP=198.18.0.11
DIR_IN_IP=198.18.1.11
VIP=198.18.0.254
WEB1_IN=198.18.1.12; WEB1_OUT=198.18.0.12
WEB2_IN=198.18.1.13; WEB2_OUT=198.18.0.13
BULK_BYTES=$((4 * 1024 * 1024))

die() { echo "lvs-lab dr: $*" >&2; exit 1; }
ns() { echo "$1-$2"; }
workdir() { echo "/tmp/lvs-lab/$1"; }
lab() { "$LVS_BIN/lvs-lab" "$@"; }   # the NAT lab's generic commands: exec, ipvsadm, start-lvsd, down

parse_opts() {
    REQUESTS=6; VIP_ON=nic; SINK_PORT=""; REALSERVER=1
    while [ $# -gt 0 ]; do
        case "$1" in
            -n) REQUESTS="$2"; shift 2 ;;
            --vip-on) VIP_ON="$2"; shift 2 ;;
            --sink-port) SINK_PORT="$2"; shift 2 ;;
            --no-realserver) REALSERVER=0; shift ;;
            *) die "unknown option $1" ;;
        esac
    done
    case "$VIP_ON" in nic|lo|none) ;; *) die "--vip-on nic|lo|none" ;; esac
}

# --- topology ------------------------------------------------------------------------------------
dr_up() {
    local lab="$1"; shift
    parse_opts "$@"
    [ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
    local w; w="$(workdir "$lab")"
    [ ! -e "$w" ] || die "lab $lab exists ($w)"
    mkdir -p "$w"
    # Recorded as the NAT lab does, so that "lvs-lab down LAB" removes this lab too, even half built.
    echo "$lab" > "$w/lab"
    local role
    for role in client director lan web1 web2; do
        ip netns add "$(ns "$lab" $role)"
        echo "$role" >> "$w/namespaces"
        ip -n "$(ns "$lab" $role)" link set lo up
    done
    local C D L W1 W2
    C=$(ns "$lab" client); D=$(ns "$lab" director); L=$(ns "$lab" lan); W1=$(ns "$lab" web1); W2=$(ns "$lab" web2)

    # The client's bridge: the director and both real servers' outside legs.
    ip -n "$C" link add br0 type bridge
    ip -n "$C" link add cd0 type veth peer name d0 netns "$D"
    ip -n "$C" link add cw1 type veth peer name eth1 netns "$W1"
    ip -n "$C" link add cw2 type veth peer name eth1 netns "$W2"
    local p
    for p in cd0 cw1 cw2; do ip -n "$C" link set "$p" master br0 up; done
    ip -n "$C" addr add "$CLIENT_IP/24" dev br0
    ip -n "$C" link set br0 up
    # The real servers' network, a bridge of its own so that lvsd sees one NIC per network.
    ip -n "$L" link add br0 type bridge
    ip -n "$D" link add d1 type veth peer name p0 netns "$L"
    ip -n "$W1" link add eth0 type veth peer name p1 netns "$L"
    ip -n "$W2" link add eth0 type veth peer name p2 netns "$L"
    for p in p0 p1 p2; do ip -n "$L" link set "$p" master br0 up; done
    ip -n "$L" link set br0 up

    ip -n "$D" addr add "$DIR_OUT_IP/24" dev d0
    ip -n "$D" addr add "$DIR_IN_IP/24" dev d1
    case "$VIP_ON" in
        nic) ip -n "$D" addr add "$VIP/32" dev d0 ;;
        lo) ip -n "$D" addr add "$VIP/32" dev lo ;;
        none) ;;
    esac
    ip -n "$D" link set d0 up
    ip -n "$D" link set d1 up
    ip -n "$W1" addr add "$WEB1_IN/24" dev eth0
    ip -n "$W1" addr add "$WEB1_OUT/24" dev eth1
    ip -n "$W2" addr add "$WEB2_IN/24" dev eth0
    ip -n "$W2" addr add "$WEB2_OUT/24" dev eth1
    local dev
    for dev in eth0 eth1; do ip -n "$W1" link set "$dev" up; ip -n "$W2" link set "$dev" up; done

    head -c "$BULK_BYTES" /dev/urandom > "$w/bulk.bin"
    start_web "$lab" web1 "web1 $WEB1_IN"
    start_web "$lab" web2 "web2 $WEB2_IN"
    if [ -n "$SINK_PORT" ]; then
        start_sink "$lab" web1
        start_sink "$lab" web2
    fi
    if [ "$REALSERVER" = 1 ]; then
        realserver "$lab" web1 start --vip "$VIP"
        realserver "$lab" web2 start --vip "$VIP"
    fi
    lab start-lvsd "$lab"
}

# lvs-realserver inside a real server's namespace; its state lives (and dies) with the lab.
realserver() {
    local lab="$1" role="$2"; shift 2
    ip netns exec "$(ns "$lab" "$role")" env LVS_REALSERVER_STATE_DIR="$(workdir "$lab")/realserver" \
        "$LVS_BIN/lvs-realserver" "$@"
}

# An HTTP server on every address, port 80 (so on the VIP once it is on lo): index.html names the
# server; bulk.bin is the same 4 MiB of random bytes on both.
start_web() {
    local lab="$1" role="$2" text="$3"
    local w; w="$(workdir "$lab")/$role"
    mkdir -p "$w/html" "$w/tmp"
    echo "$text" > "$w/html/index.html"
    ln "$(workdir "$lab")/bulk.bin" "$w/html/bulk.bin"
    if command -v nginx >/dev/null; then
        cat > "$w/nginx.conf" <<EOF
daemon on;
master_process off;
worker_processes 1;
pid $w/nginx.pid;
error_log $w/error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $w/tmp; proxy_temp_path $w/tmp; fastcgi_temp_path $w/tmp;
    uwsgi_temp_path $w/tmp; scgi_temp_path $w/tmp;
    server { listen 80; root $w/html; }
}
EOF
        ip netns exec "$(ns "$lab" "$role")" nginx -c "$w/nginx.conf" -e "$w/error.log"
    else
        (cd "$w/html" && exec ip netns exec "$(ns "$lab" "$role")" /usr/bin/python3 -m http.server 80 \
            >"$w/http.log" 2>&1) &
        echo $! > "$w/nginx.pid"
    fi
    wait_for "$lab" "$role" "curl -s -m 1 -o /dev/null http://127.0.0.1/"
}

start_sink() {
    local lab="$1" role="$2"
    local w; w="$(workdir "$lab")/$role"
    ip netns exec "$(ns "$lab" "$role")" /usr/bin/python3 -c '
import hashlib, socket, sys, threading
def serve(c):
    h, n = hashlib.sha256(), 0
    with c:
        while True:
            b = c.recv(1 << 16)
            if not b: break
            h.update(b); n += len(b)
        c.sendall(("%s %s %d\n" % (sys.argv[2], h.hexdigest(), n)).encode())
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(16)
while True:
    threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
' "$SINK_PORT" "$role" >"$w/sink.log" 2>&1 &
    echo $! > "$w/sink.pid"
    wait_for "$lab" "$role" "ss -ltn | grep -q ':$SINK_PORT '"
}

wait_for() {   # wait_for LAB ROLE CMD: up to 5 s
    local i
    for i in $(seq 1 50); do
        if ip netns exec "$(ns "$1" "$2")" sh -c "$3" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    die "$2: '$3' did not succeed within 5 s"
}

# --- the seed-003 demo ---------------------------------------------------------------------------
dr_demo() {
    parse_opts "$@"
    local lab="lvsdr$$"
    trap 'lab down '"$lab" EXIT
    echo "# real servers: lvs-realserver start --vip $VIP (in web1 and web2)"
    dr_up "$lab" "$@"
    echo "# web1: ip -4 addr show dev lo; arp_ignore/arp_announce (all)"
    ip -n "$(ns "$lab" web1)" -o -4 addr show dev lo | awk '{ print "  " $4 }'
    ip netns exec "$(ns "$lab" web1)" sh -c 'echo "  arp_ignore=$(cat /proc/sys/net/ipv4/conf/all/arp_ignore) arp_announce=$(cat /proc/sys/net/ipv4/conf/all/arp_announce)"'
    local cmd
    for cmd in "-A -t $VIP:80 -s rr" "-a -t $VIP:80 -r $WEB1_IN -g" "-a -t $VIP:80 -r $WEB2_IN -g"; do
        echo "# director: ipvsadm $cmd"
        # shellcheck disable=SC2086
        lab ipvsadm "$lab" $cmd
    done
    lab ipvsadm "$lab" -Ln
    local i out failures=0
    for i in $(seq 1 "$REQUESTS"); do
        out="$(ip netns exec "$(ns "$lab" client)" curl -s --connect-timeout 2 -m 4 "http://$VIP/")" \
            || { out="(curl failed: $?)"; failures=$((failures + 1)); }
        echo "# client: curl http://$VIP/  ->  $out"
    done
    local sum
    sum="$(ip netns exec "$(ns "$lab" client)" sh -c "curl -s --connect-timeout 2 -m 20 http://$VIP/bulk.bin | sha256sum")" || true
    if [ "${sum%% *}" = "$(sha256sum < "$(workdir "$lab")/bulk.bin" | cut -d' ' -f1)" ]; then
        echo "# client: curl http://$VIP/bulk.bin  ->  $BULK_BYTES bytes, sha256 matches"
    else
        echo "# client: curl http://$VIP/bulk.bin  ->  sha256 MISMATCH ($sum)"; failures=$((failures + 1))
    fi
    echo "# director: ipvsadm -Ln --stats   (OutPkts 0: replies go from the real servers to the client)"
    lab ipvsadm "$lab" -Ln --stats
    echo "# director: ipvsadm -Lcn"
    lab ipvsadm "$lab" -Lcn
    echo "# real servers: lvs-realserver stop"
    realserver "$lab" web1 stop
    realserver "$lab" web2 stop
    echo "# web1 after stop: lo $(ip -n "$(ns "$lab" web1)" -o -4 addr show dev lo | awk '{ printf "%s ", $4 }')"
    [ "$failures" = 0 ] || { echo "lvs-lab dr: $failures request(s) failed; lvsd log:" >&2; tail -20 "$(workdir "$lab")/lvsd.log" >&2; return 1; }
}

cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
    dr) dr_demo "$@" ;;
    dr-up) [ $# -ge 1 ] || die "dr-up LAB"; lab_name="$1"; shift
        [ ! -e "$(workdir "$lab_name")" ] || die "lab $lab_name exists"
        trap 'rc=$?; [ $rc = 0 ] || lab down "'"$lab_name"'"' EXIT   # a failed "up" leaves nothing behind
        dr_up "$lab_name" "$@" ;;
    *) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; [ -z "$cmd" ] || exit 2 ;;
esac
