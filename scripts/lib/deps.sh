# The Debian packages each command needs, in one place, and the check that installs them.
# Source it, then `deps_require demo|test|package` before anything else: as root it installs
# what is missing (one apt-get update, only then); otherwise it prints the `sudo apt-get
# install` line and exits 1. When everything is there it only asks dpkg (no apt call).

deps_for() {
    # postgresql brings psql (postgresql-client-NN) and initdb; python3 finds free ports.
    local base="libpq-dev pkg-config postgresql python3"
    case "$1" in
        demo) echo "$base" ;;
        # chromium: the status page's browser test; prometheus: promtool for the alert rules.
        test) echo "$base chromium prometheus" ;;
        # The release build links libpq; dpkg-dev has dpkg-shlibdeps; systemd has systemd-analyze.
        package) echo "libpq-dev pkg-config dpkg-dev lintian systemd" ;;
        *) echo "deps_for: unknown command '$1' (demo, test, package)" >&2; return 1 ;;
    esac
}

# Prints the packages among "$@" that dpkg does not have installed.
deps_missing() {
    local installed p
    # Status-Abbrev is "ii " for installed ("hi " held); unknown names print nothing.
    installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>/dev/null \
        | awk 'substr($1, 2, 1) == "i" { print $2 }')
    for p in "$@"; do
        grep -qxF "$p" <<<"$installed" || echo "$p"
    done
}

deps_install() {
    local missing
    command -v dpkg-query >/dev/null || {
        echo "note: not a Debian system; make sure these are installed: $*" >&2
        return 0
    }
    missing=$(deps_missing "$@" | tr '\n' ' ')
    missing=${missing% }
    [ -n "$missing" ] || return 0
    if [ "$(id -u)" != 0 ]; then
        echo "${0##*/} needs Debian packages that are not installed: $missing" >&2
        echo "Install them and run it again:" >&2
        echo "  sudo apt-get install $missing" >&2
        exit 1
    fi
    echo "==> installing: $missing"
    deps_apt_install $missing
}

# postgresql and prometheus start a service of their own on install (a cluster on 5432, a
# server on 9090) that nothing here uses: policy-rc.d answers 101 (action forbidden) while
# apt runs, so invoke-rc.d and deb-systemd-invoke start nothing. An existing one is kept.
deps_apt_install() {
    local policy=/usr/sbin/policy-rc.d ours=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\n# written by reconcilerd scripts/lib/deps.sh during apt-get install\nexit 101\n' > "$policy"
        chmod 0755 "$policy"
        ours=$policy
    fi
    local rc=0
    {
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq &&
            apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    } || rc=$?
    [ -z "$ours" ] || rm -f "$ours"
    [ "$rc" = 0 ] || { echo "apt-get install $* failed (exit $rc)" >&2; exit 1; }
}

deps_require() {
    local packages
    packages=$(deps_for "$1") || exit 1
    # shellcheck disable=SC2086 # a word list
    deps_install $packages
}
