#!/usr/bin/env bash
# Builds Postino's packages into dist/, reading FyneApp.toml (name, ID,
# version, build number, publisher, website) and never writing it:
#
#   package.sh linux    dist/postino (the Linux binary) and dist/Postino.tar.xz:
#                       binary, .desktop entry, hicolor icons, AppStream
#                       metainfo, man page, and a Makefile installing them
#                       under /usr/local (for distributions without .deb)
#   package.sh deb      dist/postino and dist/postino_VERSION_amd64.deb
#   package.sh windows  dist/Postino.exe (MinGW-w64 cross build with icon,
#                       manifest and version resources) and
#                       dist/Postino-setup-VERSION.exe (NSIS installer)
#   package.sh macos    on a Mac only: dist/Postino-VERSION.dmg
#   package.sh ci       what CI runs: each binary built once, every package
#                       made from it, then .ci/check-deb.sh and
#                       .ci/check-wine.sh prove them; the tree is checked to be
#                       as it was found
#
# The binaries are built with plain `go build` (not `fyne package`, which
# bumps Build in FyneApp.toml and reformats it), stamped with the version
# and commit (-ldflags -X .../assets/buildinfo.*). Works from a fresh
# clone: as root (or with password-less sudo) on Debian/Ubuntu it installs
# what is missing. Each step prints its time. In CI keep
# $(go env GOCACHE) between runs: a cold cgo build of Fyne costs minutes
# (Linux ~8, Windows ~11 on 2 cores), a warm one seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

# What a cgo build of Fyne needs on Linux (the Makefile's FYNE_DEPS).
LINUX_DEPS="gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev"
DEB_DEPS="dpkg-dev"
DLOPEN_DEPS="libx11-6, libx11-xcb1, libxcursor1, libxext6, libxi6, libxinerama1, libxrandr2, libxrender1, libxxf86vm1, libxkbcommon0, libwayland-cursor0, libwayland-egl1, libegl1"
WINDOWS_DEPS="gcc-mingw-w64-x86-64 nsis imagemagick"
FYNE_VERSION=v1.7.4 # macOS only: fyne.io/tools builds the .app bundle
PKG=github.com/postino-mail/postino/assets/buildinfo

target=${1:?usage: package.sh linux|deb|windows|macos|ci}
case "$target" in linux | deb | windows | macos | ci) ;; *)
	echo "package.sh: unknown target $target (linux, deb, windows, macos or ci)"
	exit 2
	;;
esac

# now_ms: milliseconds since the epoch (whole seconds where date has no
# %N, as on macOS).
now_ms() {
	local n
	n=$(date +%s%N)
	case $n in *N) echo $(($(date +%s) * 1000)) ;; *) echo $((n / 1000000)) ;; esac
}

# step NAME COMMAND...: run and say how long it took.
step() {
	local name=$1 t0
	shift
	t0=$(now_ms)
	"$@"
	local ms=$(($(now_ms) - t0))
	printf 'package: %-22s %4d.%d s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
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
	$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
}

# toml KEY: the first value of KEY in FyneApp.toml, quotes removed.
toml() {
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}[[:space:]]*\$/\1/p" FyneApp.toml | head -1
}

# imagemagick: ImageMagick's convert (7's magick, or 6's real binary
# even when something else named convert comes first on PATH).
imagemagick() {
	local c
	for c in magick convert-im6.q16 /usr/bin/convert; do
		if command -v "$c" >/dev/null; then
			"$c" "$@"
			return
		fi
	done
	echo "package: ImageMagick is missing (apt-get install imagemagick)"
	return 1
}

command -v go >/dev/null || { echo "package: Go is not installed (https://go.dev/dl/)"; exit 1; }
VERSION=$(toml Version)
BUILD=$(toml Build)
APPID=$(toml ID)
WEBSITE=$(toml Website)
PUBLISHER=$(toml Publisher)
for v in VERSION BUILD APPID WEBSITE PUBLISHER; do
	[ -n "${!v}" ] || { echo "package: FyneApp.toml has no value for $v"; exit 1; }
done
COMMIT=unknown
if git rev-parse --git-dir >/dev/null 2>&1; then
	COMMIT=$(git rev-parse HEAD)
	[ -z "$(git status --porcelain --untracked-files=no)" ] || COMMIT="$COMMIT+dirty"
fi
LDFLAGS="-s -w -X $PKG.Version=$VERSION -X $PKG.Commit=$COMMIT"
# The build tags of every binary, as make run has them (.ci/app-tags).
TAGS=$(sed '/^#/d; /^$/d' .ci/app-tags | paste -sd, -)
DEB=dist/postino_${VERSION}_amd64.deb
SETUP=dist/Postino-setup-$VERSION.exe

tmp=$(mktemp -d)
syso=zz_package_windows_amd64.syso # lives in the main package only during the Windows build
cleanup() {
	rm -f "$syso"
	[ ! -f "$tmp/FyneApp.toml.orig" ] || cp -p "$tmp/FyneApp.toml.orig" FyneApp.toml
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p dist

build_linux() {
	# shellcheck disable=SC2086 # a word list
	step "system packages" apt_install $LINUX_DEPS
	step "build linux binary" env CGO_ENABLED=1 go build -trimpath -tags "$TAGS" -ldflags "$LDFLAGS" -o dist/postino .
	check_tags dist/postino
}

# check_tags BINARY: the binary was built with the app's tags (go version
# -m reads them from the build information Go embeds).
check_tags() {
	local got
	got=$(go version -m "$1" | sed -n 's/^[[:space:]]*build[[:space:]]*-tags=//p')
	[ "$got" = "$TAGS" ] || { echo "package: $1 was built with tags '$got', not '$TAGS' (.ci/app-tags)"; exit 1; }
}

# stage_linux ROOT PREFIX: the files a Linux install holds, under ROOT/PREFIX.
stage_linux() {
	local root=$1 prefix=$2 size
	install -Dm0755 dist/postino "$root$prefix/bin/postino"
	install -Dm0644 "assets/packaging/linux/$APPID.desktop" "$root$prefix/share/applications/$APPID.desktop"
	install -Dm0644 "assets/$APPID.metainfo.xml" "$root$prefix/share/metainfo/$APPID.metainfo.xml"
	for png in assets/icons/postino-*.png; do
		size=${png##*-}
		size=${size%.png}
		install -Dm0644 "$png" "$root$prefix/share/icons/hicolor/${size}x${size}/apps/$APPID.png"
	done
	mkdir -p "$root$prefix/share/man/man1"
	go run ./assets/packaging/manpage -version "$VERSION" | gzip -9n >"$root$prefix/share/man/man1/postino.1.gz"
}

tarball() {
	local dir=$tmp/tar/postino
	rm -rf "$tmp/tar"
	stage_linux "$dir" /usr/local
	mv "$dir/usr/local"/* "$dir/" && rm -r "$dir/usr"
	# The Makefile people run after unpacking (sudo make install).
	# (A plain here-document: <<- would strip the recipes' tabs too.)
	cat >"$dir/Makefile" <<'EOF'
# Postino: sudo make install (PREFIX=/usr/local), sudo make uninstall.
PREFIX ?= /usr/local
FILES = $(shell find bin share -type f)
# The desktop's caches are refreshed for a real install, not when staging
# into a DESTDIR (a packager's tree).
REFRESH = if [ -z "$(DESTDIR)" ]; then gtk-update-icon-cache -q -t $(PREFIX)/share/icons/hicolor; \
	update-desktop-database -q $(PREFIX)/share/applications; fi 2>/dev/null || true
install:
	for f in $(FILES); do install -Dm$$(test -x $$f && echo 0755 || echo 0644) $$f $(DESTDIR)$(PREFIX)/$$f; done
	@$(REFRESH)
uninstall:
	for f in $(FILES); do rm -f $(DESTDIR)$(PREFIX)/$$f; done
	@$(REFRESH)
.PHONY: install uninstall
EOF
	XZ_OPT=${XZ_OPT:--T0} tar --owner=0 --group=0 -cJf dist/Postino.tar.xz -C "$tmp/tar" postino
}

# check_tarball: the tarball's Makefile installs every file under a
# DESTDIR and uninstalls them again.
check_tarball() {
	local t=$tmp/tarcheck n
	rm -rf "$t" && mkdir -p "$t/root"
	tar -xJf dist/Postino.tar.xz -C "$t"
	make -s -C "$t/postino" install DESTDIR="$t/root" >/dev/null 2>&1
	for f in bin/postino "share/applications/$APPID.desktop" "share/metainfo/$APPID.metainfo.xml" \
		share/man/man1/postino.1.gz "share/icons/hicolor/256x256/apps/$APPID.png"; do
		[ -f "$t/root/usr/local/$f" ] || { echo "package: the tarball's make install did not install $f"; exit 1; }
	done
	"$t/root/usr/local/bin/postino" --version | grep -q "^postino $VERSION " || { echo "package: the tarball's postino does not run"; exit 1; }
	make -s -C "$t/postino" uninstall DESTDIR="$t/root" >/dev/null
	n=$(find "$t/root" -type f | wc -l)
	[ "$n" = 0 ] || { echo "package: $n files left after the tarball's make uninstall"; exit 1; }
}

deb() {
	# shellcheck disable=SC2086
	step "system packages (deb)" apt_install $DEB_DEPS
	local root=$tmp/deb depends
	rm -rf "$root"
	stage_linux "$root" /usr
	install -Dm0644 /dev/stdin "$root/usr/share/doc/postino/copyright" <<-EOF
		Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
		Upstream-Name: Postino
		Source: $WEBSITE

		Files: *
		Copyright: $PUBLISHER
		License: MIT
		$(sed 's/^$/./; s/^/ /' LICENSE)
	EOF
	# The libraries the binary links (GL, X11, ...), as Debian packages
	# with minimum versions, worked out by dpkg-shlibdeps from the binary.
	mkdir -p "$tmp/shlibs/debian"
	printf 'Source: postino\n\nPackage: postino\nArchitecture: amd64\n' >"$tmp/shlibs/debian/control"
	depends=$(cd "$tmp/shlibs" && dpkg-shlibdeps -O "$OLDPWD/dist/postino" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
	[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no library dependencies"; exit 1; }
	# GLFW (inside Fyne) opens the X11 and Wayland client libraries at
	# run time (dlopen), which dpkg-shlibdeps cannot see; without them
	# the window cannot open. (Names as in Debian 12 and Ubuntu 22.04+.)
	depends="$depends, $DLOPEN_DEPS"
	mkdir -p "$root/DEBIAN"
	sed -e "s|@VERSION@|$VERSION|" -e "s|@PUBLISHER@|$PUBLISHER|" \
		-e "s|@MAINTAINER_EMAIL@|postino@users.noreply.github.com|" \
		-e "s|@SIZE@|$(du -sk "$root/usr" | cut -f1)|" -e "s|@DEPENDS@|$depends|" -e "s|@WEBSITE@|$WEBSITE|" \
		assets/packaging/linux/control.in >"$root/DEBIAN/control"
	dpkg-deb --root-owner-group -Zxz --build "$root" "$DEB" >/dev/null
}

build_windows() {
	# shellcheck disable=SC2086
	step "system packages" apt_install $WINDOWS_DEPS
	local w=$tmp/win major minor patch
	mkdir -p "$w"
	IFS=. read -r major minor patch <<<"$VERSION"
	cp assets/packaging/windows/postino.rc assets/packaging/windows/postino.manifest "$w/"
	imagemagick assets/icons/postino-{16,32,48,64,128,256}.png "$w/postino.ico"
	(cd "$w" && x86_64-w64-mingw32-windres -DVER_MAJOR="$major" -DVER_MINOR="$minor" -DVER_PATCH="$patch" \
		-DVER_BUILD="$BUILD" -DVER_STRING="\\\"$VERSION\\\"" -DPUBLISHER="\\\"$PUBLISHER\\\"" \
		-i postino.rc -O coff -o resources.syso)
	cp "$w/resources.syso" "$syso"
	step "build windows binary" env CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
		GOOS=windows GOARCH=amd64 go build -trimpath -tags "$TAGS" -ldflags "$LDFLAGS -H=windowsgui" -o dist/Postino.exe .
	rm -f "$syso"
	check_tags dist/Postino.exe
}

installer() {
	makensis -V2 -NOCD -DVERSION="$VERSION" -DBUILD="$BUILD" -DPUBLISHER="$PUBLISHER" -DAPPID="$APPID" \
		-DWEBSITE="$WEBSITE" -DEXE="$PWD/dist/Postino.exe" -DICON="$tmp/win/postino.ico" \
		-DLICENSE="$PWD/LICENSE" -DOUTFILE="$PWD/$SETUP" assets/packaging/windows/postino.nsi
}

# macos: on a Mac with Xcode's command-line tools. fyne package makes the
# .app (Info.plist, icns); it rewrites FyneApp.toml, so a copy is put
# back afterwards (cleanup). Ad-hoc signed: Gatekeeper still asks on
# first open unless a release is signed with a Developer ID and notarised
# (README, macOS).
macos() {
	[ "$(uname -s)" = Darwin ] || {
		echo "package: the macOS package can only be built on a Mac (fyne package -os darwin needs Apple's SDK); see README, macOS"
		exit 2
	}
	local fyne
	fyne="$(go env GOPATH)/bin/fyne"
	"$fyne" version 2>/dev/null | grep -q "$FYNE_VERSION" || step "fyne tool" go install "fyne.io/tools/cmd/fyne@$FYNE_VERSION"
	cp -p FyneApp.toml "$tmp/FyneApp.toml.orig"
	step "build and package" "$fyne" package -os darwin -release -tags "$TAGS"
	cp -p "$tmp/FyneApp.toml.orig" FyneApp.toml
	step "ad-hoc signature" codesign --force --deep --sign - Postino.app
	rm -rf dist/Postino.app && mv Postino.app dist/
	step "disk image" hdiutil create -quiet -volname Postino -srcfolder dist/Postino.app -ov -format UDZO "dist/Postino-$VERSION.dmg"
}

start=$(date +%s)
before=$(git status --porcelain 2>/dev/null; cksum FyneApp.toml)
case "$target" in
linux)
	build_linux
	step "tarball" tarball
	step "check tarball" check_tarball
	files="dist/postino dist/Postino.tar.xz"
	;;
deb)
	build_linux
	deb
	files="$DEB"
	;;
windows)
	build_windows
	step "installer" installer
	files="dist/Postino.exe $SETUP"
	;;
macos)
	macos
	files="dist/Postino-$VERSION.dmg"
	;;
ci)
	# Each binary once; every package and every check reuses it.
	build_linux
	step "tarball" tarball
	step "check tarball" check_tarball
	step "deb" deb
	build_windows
	step "installer" installer
	step "check deb" bash .ci/check-deb.sh "$DEB"
	step "check wine" bash .ci/check-wine.sh dist/postino dist/Postino.exe "$SETUP"
	files="dist/Postino.tar.xz $DEB dist/Postino.exe $SETUP"
	;;
esac
after=$(git status --porcelain 2>/dev/null; cksum FyneApp.toml)
if [ "$before" != "$after" ]; then
	echo "package: packaging changed the work tree:"
	diff <(echo "$before") <(echo "$after") || true
	exit 1
fi
for f in $files; do echo "package: $f ($(du -h "$f" | cut -f1))"; done
echo "package: $target done in $(($(date +%s) - start)) s"
