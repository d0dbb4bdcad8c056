#!/usr/bin/env bash
# Regenerates the *.expected transcripts of these scripts from the real ipvsadm 1.31 through the
# oracle shim (see /work/shared/tools/ipvsadm-oracle/README.md). Host dependence: port names come
# from the host's /etc/services (the tests read services.subset, copied from Debian netbase).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
oracle="${ORACLE:-/work/shared/tools/ipvsadm-oracle/oracle}"
for s in "$here"/*.ipvs; do
    name="$(basename "$s" .ipvs)"
    IPVS_ORACLE_HOSTS_FILE="$here/names.hosts" IPVS_ORACLE_CONN_FILE="$here/connections.conn" \
        "$oracle" "$s" > "$here/$name.expected"
done
