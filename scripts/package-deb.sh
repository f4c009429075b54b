#!/usr/bin/env bash
# Builds reconcilerd_<version>_<arch>.deb from a release build with the Swift runtime
# linked in. Usage: scripts/package-deb.sh [OUTPUT_DIR]   (default .build-release/)
# The last line printed is the path of the .deb.
#
# dpkg-deb, not debhelper: the binary comes from SwiftPM, not from a Debian source package,
# so dpkg-buildpackage would only wrap this same build in a debian/rules whose every dh_auto
# step is overridden. What debhelper would add for a package this small is the
# Depends line (dpkg-shlibdeps, called directly below) and generated maintainer scripts,
# which here must not enable or start the unit anyway (config/debian/postinst says why):
# three short scripts read more plainly than dh_installsystemd's flags for that.
#
# One version: the Swift constant in Sources/reconcilerd/Commands/Reconcilerd.swift, read
# back from the built binary's --version.
set -euo pipefail
umask 022
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
deps_require package

scratch=.build-release
out=${1:-$scratch}
build=(swift build -c release --static-swift-stdlib --scratch-path "$scratch")

echo "==> release build (--static-swift-stdlib, $scratch)"
"${build[@]}" --product reconcilerd 2>&1 | tail -n 1
# The argument parser's own man page generator (what its generate-manual plugin runs). The
# plugin itself would build every product again without --static-swift-stdlib.
"${build[@]}" --product generate-manual 2>&1 | tail -n 1
bin="$scratch/release/reconcilerd"

version=$("$bin" --version)
arch=$(dpkg --print-architecture)
[[ $version =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || { echo "not a Debian version: '$version'" >&2; exit 1; }

work=$(mktemp -d /tmp/reconcilerd-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
root="$work/debian/reconcilerd"
doc="$root/usr/share/doc/reconcilerd"
install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/lib/systemd/system" "$root/etc/reconcilerd" \
    "$doc/examples/asterisk" "$root/usr/share/man/man1" "$root/usr/share/lintian/overrides" \
    "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d"

# As dh_strip does: symbols out (the runtime symbolicates nothing in production logs).
strip --strip-unneeded --remove-section=.comment --remove-section=.note -o "$root/usr/bin/reconcilerd" "$bin"
chmod 0755 "$root/usr/bin/reconcilerd"

# The one unit, with the packaged binary's path (the manual install keeps /usr/local/bin).
sed 's|^ExecStart=/usr/local/bin/reconcilerd$|ExecStart=/usr/bin/reconcilerd|' \
    config/systemd/reconcilerd.service > "$root/usr/lib/systemd/system/reconcilerd.service"
grep -qx 'ExecStart=/usr/bin/reconcilerd' "$root/usr/lib/systemd/system/reconcilerd.service" \
    || { echo "config/systemd/reconcilerd.service: ExecStart=/usr/local/bin/reconcilerd not found" >&2; exit 1; }
chmod 0644 "$root/usr/lib/systemd/system/reconcilerd.service"

# Secrets go into it: root only (systemd reads it as root for EnvironmentFile=).
install -m 0600 config/reconcilerd.example.conf "$root/etc/reconcilerd/reconcilerd.conf"
echo /etc/reconcilerd/reconcilerd.conf > "$root/DEBIAN/conffiles"

install -m 0644 config/asterisk/*.conf "$doc/examples/asterisk/"
install -m 0644 config/asterisk/ara-grants.sql config/asterisk/ara-config-table.sql "$doc/examples/"
install -m 0644 config/debian/copyright "$doc/copyright"
# A native package's changelog, from the same version.
changed=$(git log -1 --format=%cD 2>/dev/null || date -R)
printf 'reconcilerd (%s) unstable; urgency=medium\n\n  * Release %s. See the project history for changes.\n\n -- %s  %s\n' \
    "$version" "$version" "$(sed -n 's/^Maintainer: //p' config/debian/control.in)" "$changed" \
    | gzip -9n > "$doc/changelog.gz"

manual_date=$(git log -1 --format=%cs 2>/dev/null || date +%F)
"$scratch/release/generate-manual" "$bin" --date "$manual_date" --output-directory "$work"
# The help text's blank lines between paragraphs are mdoc paragraph breaks (groff warns on blank lines).
sed 's/^$/.Pp/' "$work/reconcilerd.1" | gzip -9n > "$root/usr/share/man/man1/reconcilerd.1.gz"

# bash-completion sources the file: no #! line.
"$bin" --generate-completion-script bash | sed '1{/^#!/d}' > "$root/usr/share/bash-completion/completions/reconcilerd"
"$bin" --generate-completion-script zsh > "$root/usr/share/zsh/vendor-completions/_reconcilerd"
"$bin" --generate-completion-script fish > "$root/usr/share/fish/vendor_completions.d/reconcilerd.fish"

install -m 0644 config/debian/lintian-overrides "$root/usr/share/lintian/overrides/reconcilerd"
install -m 0755 config/debian/postinst config/debian/prerm config/debian/postrm "$root/DEBIAN/"
find "$root/usr/share" -type f -exec chmod 0644 {} +

# dpkg-shlibdeps wants a debian/control naming the package; it reads nothing else from it.
printf 'Source: reconcilerd\n\nPackage: reconcilerd\nArchitecture: any\n' > "$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O -edebian/reconcilerd/usr/bin/reconcilerd | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }
rm "$work/debian/control"

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@INSTALLED_SIZE@|$size|" -e "s|@SHLIBS@|$shlibs|" \
    config/debian/control.in > "$root/DEBIAN/control"

mkdir -p "$out"
deb="$out/reconcilerd_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "==> Depends: $shlibs"
echo "$deb"
