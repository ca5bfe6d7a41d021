#!/usr/bin/env bash
# make package-linux | package-windows: build the desktop packages into
# dist/ with fyne.io/tools (pinned), reading FyneApp.toml (name, ID,
# version, build number, icon).
#
#   linux    dist/Postino.tar.xz: the binary, a .desktop file and the icon,
#            with a Makefile that installs them under /usr/local
#   windows  dist/Postino.exe: cross-compiled with Debian's MinGW-w64
#            (apt-get install gcc-mingw-w64-x86-64), icon and version
#            embedded
#
# macOS: run `fyne package -os darwin` on a Mac (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

FYNE_TOOLS=fyne.io/tools/cmd/fyne@v1.7.4
fyne_cmd() {
	if command -v fyne >/dev/null && fyne version 2>/dev/null | grep -q 'v1.7.4'; then
		fyne "$@"
	else
		go run "$FYNE_TOOLS" "$@"
	fi
}

target=${1:?usage: package.sh linux|windows}
mkdir -p dist
start=$(date +%s)
case "$target" in
linux)
	fyne_cmd package -os linux -release
	# Add the AppStream metainfo (software centres) that fyne package
	# does not know about, and teach the bundled Makefile to install it.
	tmp=$(mktemp -d)
	tar -xJf Postino.tar.xz -C "$tmp"
	rm -f Postino.tar.xz
	meta=io.github.postino_mail.postino.metainfo.xml
	install -Dm0644 "assets/$meta" "$tmp/postino/usr/local/share/metainfo/$meta"
	sed -i \
		-e '/^install:/a\	install -Dm00644 usr/local/share/metainfo/'"$meta"' $(DESTDIR)$(PREFIX)/share/metainfo/'"$meta" \
		-e '/^uninstall:/a\	-rm $(DESTDIR)$(PREFIX)/share/metainfo/'"$meta" \
		"$tmp/postino/Makefile"
	tar -cJf dist/Postino.tar.xz -C "$tmp" postino
	rm -rf "$tmp"
	file=dist/Postino.tar.xz
	;;
windows)
	command -v x86_64-w64-mingw32-gcc >/dev/null || {
		echo "package-windows: install the cross compiler: apt-get install -y gcc-mingw-w64-x86-64"; exit 1; }
	CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ GOOS=windows GOARCH=amd64 \
		fyne_cmd package -os windows -release
	mv -f Postino.exe dist/
	file=dist/Postino.exe
	;;
*)
	echo "package.sh: unknown target $target (linux or windows)"; exit 2 ;;
esac
echo "package: $file ($(du -h "$file" | cut -f1)) in $(( $(date +%s) - start )) s"
