#!/usr/bin/env bash
# The Debian package test: builds the .deb (scripts/package-deb.sh), checks it with lintian,
# installs it with apt-get, runs it from /usr/bin, verifies the unit, reinstalls it (the
# upgrade path), removes and purges it, and asserts what each step leaves behind.
# It installs a package system-wide and adds a system user, so it runs as root, and .ci/run
# calls it rather than scripts/test.sh (a developer's test run should not do that).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "${0##*/} installs a package: run it as root (sudo $0)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

fail() { echo "package test FAILED: $*" >&2; exit 1; }
check() { echo "  ok: $*"; }
installed() { [ "$(dpkg-query -W -f='${db:Status-Abbrev}' reconcilerd 2>/dev/null | cut -c2)" = i ]; }
dpkg_state() { dpkg-query -W -f='${db:Status-Abbrev}' reconcilerd 2>/dev/null | tr -d ' ' || true; }

if installed || [ -n "$(dpkg_state)" ]; then
    fail "reconcilerd is already installed here ($(dpkg_state)); purge it first: apt-get purge reconcilerd"
fi
user_before=$(getent passwd reconcilerd || true)

build_start=$SECONDS
log=$(mktemp /tmp/reconcilerd-package-test.XXXXXX)
bash scripts/package-deb.sh | tee "$log"
deb=$(readlink -f "$(tail -n 1 "$log")")
rm -f "$log"
[ -f "$deb" ] || fail "package-deb.sh printed no .deb path"
echo "==> built $(basename "$deb") ($(du -h "$deb" | cut -f1)) in $((SECONDS - build_start)) s"
version=$(dpkg-deb -f "$deb" Version)

# Leave the machine as it was if a step fails half way.
cleanup() {
    if [ -n "$(dpkg_state)" ]; then apt-get purge -y -qq reconcilerd >/dev/null 2>&1 || true; fi
    if [ -z "$user_before" ] && getent passwd reconcilerd >/dev/null; then
        deluser --system --quiet reconcilerd >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

echo "==> lintian"
# lintian's own advice is not to run it as root; the package is world-readable.
lint=(lintian --fail-on error,warning "$deb")
if command -v setpriv >/dev/null; then
    lint=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp "${lint[@]}")
fi
chmod a+r "$deb"
lint_out=$("${lint[@]}") || { echo "$lint_out"; fail "lintian reported errors or warnings (above)"; }
[ -z "$lint_out" ] || echo "$lint_out"
check "lintian: no errors, no warnings ($(grep -c '^reconcilerd:' config/debian/lintian-overrides) overridden with reasons in config/debian/lintian-overrides)"

echo "==> apt-get install ./$(basename "$deb")"
apt-get install -y -qq "$deb" >/dev/null
installed || fail "not installed after apt-get install"

[ "$(/usr/bin/reconcilerd --version)" = "$version" ] || fail "/usr/bin/reconcilerd --version is not $version"
check "/usr/bin/reconcilerd --version: $version"
# Into a variable first: grep -q stops reading at the first match, and with pipefail the
# writer's SIGPIPE would fail the check at random.
help=$(/usr/bin/reconcilerd --help) || fail "/usr/bin/reconcilerd --help exited $?"
grep -q '^USAGE: reconcilerd' <<<"$help" || fail "/usr/bin/reconcilerd --help prints no usage"
check "/usr/bin/reconcilerd --help"
! grep -E 'not found|libswift|libFoundation' <<<"$(ldd /usr/bin/reconcilerd)" || fail "the binary needs libraries the package does not bring"
check "links no Swift runtime library; every library it links is present"

conf=/etc/reconcilerd/reconcilerd.conf
[ "$(stat -c '%a %U %G' "$conf")" = "600 root root" ] || fail "$conf is $(stat -c '%a %U %G' "$conf"), not 600 root root"
grep -q " $conf " <<<"$(dpkg-query -W -f='${Conffiles}\n' reconcilerd)" || fail "$conf is not a conffile"
check "$conf: conffile, 0600 root:root"

IFS=: read -r _ _ uid _ _ home shell <<<"$(getent passwd reconcilerd)" || fail "no reconcilerd user"
[ "$uid" -lt 1000 ] && [ "$home" = /nonexistent ] && [ "$shell" = /usr/sbin/nologin ] \
    || fail "reconcilerd user: uid $uid, home $home, shell $shell"
getent group reconcilerd >/dev/null || fail "no reconcilerd group"
check "system user reconcilerd (uid $uid, no home, nologin) and its group"

unit=/usr/lib/systemd/system/reconcilerd.service
grep -qx 'ExecStart=/usr/bin/reconcilerd' "$unit" || fail "$unit does not run /usr/bin/reconcilerd"
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
    check "systemd-analyze verify $unit"
else
    echo "  skipped: systemd-analyze verify (systemd is not installed here)"
fi
! ls /etc/systemd/system/*.wants/reconcilerd.service 2>/dev/null || fail "the unit was enabled on install"
! pgrep -x reconcilerd >/dev/null || fail "reconcilerd was started on install"
check "unit neither enabled nor started"

man_page=/usr/share/man/man1/reconcilerd.1.gz
grep -q '^\.It Fl -ara-dsn' <<<"$(zcat "$man_page")" || fail "$man_page lacks the settings"
if command -v man >/dev/null; then
    grep -q -- "--ara-dsn" <<<"$(MANWIDTH=80 man -l "$man_page" 2>/dev/null)" || fail "man cannot render $man_page"
fi
bash -n /usr/share/bash-completion/completions/reconcilerd || fail "bash completion does not parse"
for f in examples/ara-grants.sql examples/ara-config-table.sql examples/asterisk/extconfig.conf copyright changelog.gz; do
    [ -f "/usr/share/doc/reconcilerd/$f" ] || fail "missing /usr/share/doc/reconcilerd/$f"
done
check "man page reconcilerd(1), bash completion, examples, copyright"

echo "==> reinstall (the upgrade path: prerm upgrade, postinst configure <old version>)"
echo "# an operator's edit" >> "$conf"
apt-get install -y -qq --reinstall "$deb" >/dev/null
grep -qx '# an operator.s edit' "$conf" || fail "reinstall replaced the edited $conf"
[ "$(stat -c '%a %U' "$conf")" = "600 root" ] || fail "reinstall changed $conf's mode"
[ "$(getent passwd reconcilerd | cut -d: -f3)" = "$uid" ] || fail "reinstall changed the user"
check "reinstall keeps the edited conffile, its mode and the user"

echo "==> apt-get remove"
apt-get remove -y -qq reconcilerd >/dev/null
[ "$(dpkg_state)" = rc ] || fail "after remove, dpkg state is '$(dpkg_state)', not rc"
[ ! -e /usr/bin/reconcilerd ] && [ ! -e "$unit" ] || fail "remove left the binary or the unit"
grep -qx '# an operator.s edit' "$conf" || fail "remove did not keep $conf"
check "remove: binary and unit gone, $conf kept"

echo "==> apt-get purge"
apt-get purge -y -qq reconcilerd >/dev/null
[ -z "$(dpkg_state)" ] || fail "after purge, dpkg state is '$(dpkg_state)'"
[ ! -e /etc/reconcilerd ] || fail "purge left /etc/reconcilerd"
getent passwd reconcilerd >/dev/null || fail "purge removed the reconcilerd user (it keeps it, see config/debian/postrm)"
check "purge: /etc/reconcilerd gone; the system user kept, as designed"

echo "package test: passed ($(basename "$deb"))"
