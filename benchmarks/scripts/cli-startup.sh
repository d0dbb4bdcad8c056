#!/usr/bin/env bash
# cli-startup.sh: start-up cost of bin/ipvsadm (the thin client) against a Java hello-world with the
# same JVM and flags, side by side in ONE hyperfine run. lvsd runs inside a network namespace this
# script creates and always deletes. Needs root, hyperfine and a built tree (mvn -q -DskipTests package).
#   benchmarks/scripts/cli-startup.sh [RUNS]        (default 40; results in docs/benchmarks.md)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd -P)"
runs="${1:-40}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
ns="lvs-bench-$$"
work="$(mktemp -d /tmp/lvs-cli-startup.XXXXXX)"
chmod 755 "$work"
sock="$work/lvsd.sock"
lvsd_pid=""

cleanup() {
    [ -n "$lvsd_pid" ] && kill "$lvsd_pid" 2>/dev/null && wait "$lvsd_pid" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

[ -f "$root/cli/target/lvs-cli.jar" ] || { echo "build first: (cd $root && mvn -q -DskipTests package)" >&2; exit 1; }
ip netns add "$ns"
ip -n "$ns" link set lo up

# The hello-world gets exactly bin/ipvsadm's JVM flags (and its own AppCDS archive, made the same way).
flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData -Xlog:disable -Xlog:all=error:stderr"
mkdir -p "$work/hello"
cat >"$work/hello/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
"${JAVA_HOME:+$JAVA_HOME/bin/}javac" -d "$work/hello/classes" "$work/hello/Hello.java"
"${JAVA_HOME:+$JAVA_HOME/bin/}jar" cf "$work/hello/hello.jar" -C "$work/hello/classes" .   # CDS wants jars
# shellcheck disable=SC2086
"$java" $flags -XX:ArchiveClassesAtExit="$work/hello/hello.jsa" -cp "$work/hello/hello.jar" Hello >/dev/null
hello="$java $flags -XX:SharedArchiveFile=$work/hello/hello.jsa -cp $work/hello/hello.jar Hello"

ip netns exec "$ns" "$root/bin/lvsd" --socket "$sock" --control-only >"$work/lvsd.log" 2>&1 &
lvsd_pid=$!
for _ in $(seq 300); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { cat "$work/lvsd.log" >&2; exit 1; }

ipvsadm="ip netns exec $ns env LVSD_SOCKET=$sock $root/bin/ipvsadm"
$ipvsadm -A -t 198.18.0.11:80 -s wrr
$ipvsadm -a -t 198.18.0.11:80 -r 198.18.1.12:80 -m -w 1
$ipvsadm -a -t 198.18.0.11:80 -r 198.18.1.13:80 -m -w 2
$ipvsadm -A -u 198.18.0.11:53 -s rr
# the client's AppCDS archive is made in the background on first use: wait for it
for _ in $(seq 200); do ls "$root"/cli/target/cds/*.jsa >/dev/null 2>&1 && [ ! -e "$root"/cli/target/cds/*.lock ] && break; sleep 0.1; done
$ipvsadm -Ln

# Every -A run starts from the same table: its prepare step deletes the service again. -Ln's prepare
# does the same, so -Ln always lists exactly the two services above. (No -N: the prepare steps need
# a shell; hyperfine measures the shell's start-up and subtracts it.)
# hyperfine itself runs inside the namespace, so hello-world and ipvsadm start alike: no
# `ip netns exec` (a mount-namespace set-up of several ms) charged to one side only.
inside="$root/bin/ipvsadm"
# For comparison, the client as bin/ipvsadm starts it but on the JDK's own Unix-domain SocketChannel
# (-Dlvs.client.jdkSocket=true), the transport it used before LibattachBridge: same flags, same archive.
jsa="$(ls "$root"/cli/target/cds/ipvsadm-"$(v="${JAVA_HOME:-system}"; echo "${v//\//_}")".jsa)"
jdk_socket="$java $flags -Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider -Dlvs.env=launcher"
jdk_socket+=" -Dlvs.env.LVSD_SOCKET=$sock -Dlvs.client.jdkSocket=true -XX:SharedArchiveFile=$jsa -cp $root/cli/target/lvs-cli.jar"
jdk_socket+=" lvs.cli.client.IpvsadmClient -Ln"
del="$inside -D -t 198.18.0.99:80 2>/dev/null; true"
echo "uptime before: $(uptime)"
ip netns exec "$ns" env LVSD_SOCKET="$sock" hyperfine --warmup 5 --runs "$runs" --export-markdown "$work/result.md" --export-json "$work/result.json" \
    --prepare true --prepare "$del" --prepare "$del" --prepare "$del" \
    -n "hello-world (same JVM + flags + AppCDS)" "$hello" \
    -n "ipvsadm -Ln (2 services)" "$inside -Ln" \
    -n "ipvsadm -A" "$inside -A -t 198.18.0.99:80 -s rr" \
    -n "client -Ln on the JDK's SocketChannel (before)" "$jdk_socket"
echo "uptime after: $(uptime)"
cat "$work/result.md"
python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["median"]
for x in r:
    print(f"median {x['median'] * 1000:7.1f} ms  ({x['median'] / base:.2f}x hello)  {x['command']}")
PY
