#!/usr/bin/env bash
# install.sh [install|uninstall]: put lvsd, ipvsadm and their packaging in the usual places.
#
#   PREFIX      default /usr/local     programs in PREFIX/sbin, the rest in PREFIX/lib/lvs
#   DESTDIR     default empty          staging root (packages, tests); paths inside files omit it
#   UNITDIR     default PREFIX/lib/systemd/system
#   SYSCONFDIR  default /etc/sysconfig ipvsadm-config here; ipvsadm.service reads/writes ipvsadm here
#   MANDIR      default PREFIX/share/man
#   LVS_BUILD_DIR  default <source>/cli/target (lvs-cli.jar and lib/*.jar, from "mvn package")
#
# Layout: PREFIX/lib/lvs mirrors the source tree (bin/ launchers, cli/target/ jars), so the
# launchers run unchanged; PREFIX/sbin/{ipvsadm,ipvsadm-save,ipvsadm-restore,lvsd} are relative
# symlinks into it. Units, ipvsadm-config (0600, kept when it already exists) and the man pages
# (those of docs/*.8 that exist) go where systemd and man look. Every file and directory created
# is listed in PREFIX/lib/lvs/install-manifest; "uninstall" removes exactly those (and keeps an
# ipvsadm-config the operator changed, and the rules file, which are the operator's data).
set -euo pipefail
src="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)"
PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
UNITDIR="${UNITDIR:-$PREFIX/lib/systemd/system}"
SYSCONFDIR="${SYSCONFDIR:-/etc/sysconfig}"
MANDIR="${MANDIR:-$PREFIX/share/man}"
BUILD="${LVS_BUILD_DIR:-$src/cli/target}"
SBINDIR="$PREFIX/sbin"
LIBDIR="$PREFIX/lib/lvs"
MANIFEST="$LIBDIR/install-manifest"

die() { echo "install.sh: $*" >&2; exit 1; }

# --- install -------------------------------------------------------------------------------------
declare -a created=()

# mkdir -p that records each directory it creates (so uninstall removes only those).
make_dir() {
    local d="$1" missing=()
    while [ ! -d "$DESTDIR$d" ]; do missing=("$d" "${missing[@]}"); d="$(dirname "$d")"; done
    for d in "${missing[@]}"; do mkdir -m 0755 "$DESTDIR$d"; created+=("dir $d"); done
}

put() {   # put MODE SOURCE TARGET [substitute]
    local mode="$1" from="$2" to="$3"
    make_dir "$(dirname "$to")"
    if [ "${4:-}" = substitute ]; then
        sed -e "s|@SBINDIR@|$SBINDIR|g" -e "s|@LIBDIR@|$LIBDIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
            "$from" > "$DESTDIR$to"
        chmod "$mode" "$DESTDIR$to"
    else
        install -m "$mode" "$from" "$DESTDIR$to"
    fi
    created+=("file $to")
}

link() {  # link TARGET NAME
    make_dir "$(dirname "$2")"
    ln -sfn "$1" "$DESTDIR$2"
    created+=("file $2")
}

do_install() {
    [ -f "$BUILD/lvs-cli.jar" ] || die "$BUILD/lvs-cli.jar is missing; build first: (cd $src && mvn -q -DskipTests package)"
    [ -f "$DESTDIR$MANIFEST" ] && die "already installed ($DESTDIR$MANIFEST); uninstall first"
    local p
    for p in ipvsadm ipvsadm-save ipvsadm-restore lvsd; do
        put 0755 "$src/bin/$p" "$LIBDIR/bin/$p"
        link "../lib/lvs/bin/$p" "$SBINDIR/$p"
    done
    put 0644 "$BUILD/lvs-cli.jar" "$LIBDIR/cli/target/lvs-cli.jar"
    for p in "$BUILD"/lib/*.jar; do
        [ -f "$p" ] && put 0644 "$p" "$LIBDIR/cli/target/lib/${p##*/}"
    done
    put 0755 "$src/packaging/ipvsadm-service" "$LIBDIR/ipvsadm-service" substitute
    put 0644 "$src/packaging/systemd/lvsd.service" "$UNITDIR/lvsd.service" substitute
    put 0644 "$src/packaging/systemd/ipvsadm.service" "$UNITDIR/ipvsadm.service" substitute
    if [ -e "$DESTDIR$SYSCONFDIR/ipvsadm-config" ]; then
        echo "install.sh: keeping the existing $SYSCONFDIR/ipvsadm-config" >&2
    else
        put 0600 "$src/packaging/ipvsadm-config" "$SYSCONFDIR/ipvsadm-config" substitute
    fi
    for p in "$src"/docs/ipvsadm.8 "$src"/docs/ipvsadm-save.8 "$src"/docs/ipvsadm-restore.8; do
        [ -f "$p" ] && put 0644 "$p" "$MANDIR/man8/${p##*/}"
    done
    # The manifest lists itself last, so that uninstall removes it with the rest.
    created+=("file $MANIFEST")
    printf '%s\n' "${created[@]}" > "$DESTDIR$MANIFEST"
    echo "installed into ${DESTDIR:-/}: $SBINDIR/{ipvsadm,ipvsadm-save,ipvsadm-restore,lvsd}, $LIBDIR, $UNITDIR/{lvsd,ipvsadm}.service"
}

# --- uninstall -----------------------------------------------------------------------------------
do_uninstall() {
    [ -f "$DESTDIR$MANIFEST" ] || die "not installed (no $DESTDIR$MANIFEST)"
    local kind path dirs=()
    while read -r kind path; do
        case "$kind" in
            file)
                if [ "$path" = "$SYSCONFDIR/ipvsadm-config" ] && [ -f "$DESTDIR$path" ] &&
                   ! sed -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" "$src/packaging/ipvsadm-config" | cmp -s - "$DESTDIR$path"; then
                    echo "install.sh: keeping $path (changed since installation)" >&2
                    continue
                fi
                rm -f "$DESTDIR$path" ;;
            dir) dirs=("$path" "${dirs[@]}") ;;   # deepest (created last) first
        esac
    done < "$DESTDIR$MANIFEST"
    for path in "${dirs[@]}"; do
        rmdir "$DESTDIR$path" 2>/dev/null || echo "install.sh: $path is not empty; left in place" >&2
    done
    echo "uninstalled from ${DESTDIR:-/}"
}

case "${1:-install}" in
    install) do_install ;;
    uninstall) do_uninstall ;;
    *) echo "usage: install.sh [install|uninstall]  (env: PREFIX DESTDIR UNITDIR SYSCONFDIR MANDIR)" >&2; exit 2 ;;
esac
