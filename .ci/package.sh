#!/usr/bin/env bash
# make package-linux | package-windows: build the desktop packages into
# dist/ with fyne.io/tools (pinned), reading FyneApp.toml (name, ID,
# version, build number, icon).
#
#   linux    dist/Postino.tar.xz: the binary, a .desktop file, the icon and
#            the AppStream metainfo, with a Makefile that installs them
#            under /usr/local
#   windows  dist/Postino.exe: cross-compiled with Debian's MinGW-w64
#            (gcc-mingw-w64-x86-64), icon and version embedded
#
# Works from a fresh clone: as root (or with password-less sudo) on
# Debian/Ubuntu it installs what is missing (Fyne's cgo headers, MinGW-w64);
# the fyne tool is installed once into $(go env GOPATH)/bin from the
# module proxy, or, offline, from the local module cache. Each step prints
# its time. In CI keep $(go env GOCACHE) and $(go env GOMODCACHE) between
# steps: a cold cgo build of Fyne costs minutes, a warm one seconds.
#
# macOS: run `fyne package -os darwin` on a Mac (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

FYNE_VERSION=v1.7.4
FYNE_TOOLS=fyne.io/tools/cmd/fyne@$FYNE_VERSION
# What a cgo build of Fyne needs on Linux (the Makefile's FYNE_DEPS).
LINUX_DEPS="gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev"
WINDOWS_DEPS="gcc-mingw-w64-x86-64"

target=${1:?usage: package.sh linux|windows}
case "$target" in linux | windows) ;; *)
	echo "package.sh: unknown target $target (linux or windows)"
	exit 2
	;;
esac

# step NAME COMMAND...: run and say how long it took.
step() {
	local name=$1 t0
	shift
	t0=$(date +%s%N)
	"$@"
	local ms=$((($(date +%s%N) - t0) / 1000000))
	printf 'package: %-18s %4d.%d s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
}

# apt_install PACKAGE...: install the Debian packages that are missing,
# when we may (root, or sudo without a prompt); otherwise say what to do.
apt_install() {
	local missing="" p sudo=""
	for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
	[ -z "$missing" ] && return 0
	if ! command -v apt-get >/dev/null; then
		echo "package: please install:$missing"
		exit 1
	fi
	if [ "$(id -u)" != 0 ]; then
		sudo -n true 2>/dev/null || {
			echo "package: missing system packages:$missing (run as root, or install them)"
			exit 1
		}
		sudo="sudo -n"
	fi
	echo "package: installing$missing"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# fyne_tool sets $fyne to a fyne command of the pinned version: the one
# on PATH or in GOPATH/bin when it is that version, else installed there.
fyne_tool() {
	local bin
	bin="$(go env GOPATH)/bin/fyne"
	for fyne in fyne "$bin"; do
		if command -v "$fyne" >/dev/null && "$fyne" version 2>/dev/null | grep -q "$FYNE_VERSION"; then
			return 0
		fi
	done
	if ! go install "$FYNE_TOOLS" 2>"$tmp/install.err"; then
		# Offline: the module cache has what an earlier build fetched (and
		# verified against go.sum and the checksum database back then).
		echo "package: the module proxy is unreachable; installing $FYNE_TOOLS from the local module cache"
		GOPROXY="file://$(go env GOMODCACHE)/cache/download" GOSUMDB=off go install "$FYNE_TOOLS" || {
			cat "$tmp/install.err"
			exit 1
		}
	fi
	fyne=$bin
}

command -v go >/dev/null || { echo "package: Go is not installed (https://go.dev/dl/)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p dist
start=$(date +%s)

case "$target" in
linux)
	# shellcheck disable=SC2086 # a word list
	step "system packages" apt_install $LINUX_DEPS
	step "fyne tool" fyne_tool
	step "build and package" "$fyne" package -os linux -release
	# Add the AppStream metainfo (software centres) that fyne package
	# does not know about, and teach the bundled Makefile to install it.
	repack() {
		tar -xJf Postino.tar.xz -C "$tmp"
		rm -f Postino.tar.xz
		local meta=io.github.postino_mail.postino.metainfo.xml
		install -Dm0644 "assets/$meta" "$tmp/postino/usr/local/share/metainfo/$meta"
		sed -i \
			-e '/^install:/a\	install -Dm00644 usr/local/share/metainfo/'"$meta"' $(DESTDIR)$(PREFIX)/share/metainfo/'"$meta" \
			-e '/^uninstall:/a\	-rm $(DESTDIR)$(PREFIX)/share/metainfo/'"$meta" \
			"$tmp/postino/Makefile"
		XZ_OPT=${XZ_OPT:--T0} tar -cJf dist/Postino.tar.xz -C "$tmp" postino
	}
	step "metainfo" repack
	file=dist/Postino.tar.xz
	;;
windows)
	# shellcheck disable=SC2086
	step "system packages" apt_install $WINDOWS_DEPS
	step "fyne tool" fyne_tool
	CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ GOOS=windows GOARCH=amd64 \
		step "build and package" "$fyne" package -os windows -release
	mv -f Postino.exe dist/
	file=dist/Postino.exe
	;;
esac
echo "package: $file ($(du -h "$file" | cut -f1)) in $(($(date +%s) - start)) s"
