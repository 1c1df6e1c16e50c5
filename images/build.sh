#!/usr/bin/env bash
# images/build.sh — build the seoulweb guest images from Debian packages only.
#
#   sudo bash images/build.sh            # everything (host deps, kernel, initramfs, manifest)
#   sudo bash images/build.sh kernel     # selected stages only (see STAGES below)
#
# Outputs (committed): images/bzImage, images/System.map.gz, images/initramfs.cpio.gz,
# images/debian/vmlinuz-<abi> (Debian's stock kernel, as packaged), images/kernel.config,
# images/manifest.txt. The kernel tree and downloaded .debs live in $SEOULWEB_BUILD_DIR
# (default /var/tmp/seoulweb-build), never inside the repository. Idempotent: a re-run
# reuses downloads and the extracted tree and rebuilds the outputs.
#
# Structure: one function per stage. The initramfs is assembled by stage functions
# (initramfs_stage_base, ...) run over a staging root; a later, optional stage (e.g. a
# build benchmark) adds its own function and output name in build_initramfs_images.
set -euo pipefail

IMAGES=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${SEOULWEB_BUILD_DIR:-/var/tmp/seoulweb-build}
JOBS=${JOBS:-$(nproc)}

# ---- pinned inputs (Debian 12 "bookworm") ------------------------------------------
# The security archive keeps only recent kernels: if this version has gone, pick the
# current one (apt-cache policy linux-source-6.1), rebuild, and commit the new manifest.
LINUX_SOURCE_PKG=linux-source-6.1
LINUX_SOURCE_VERSION=${LINUX_SOURCE_VERSION:-6.1.192-2}
BUSYBOX_PKG=busybox-static:i386
BUSYBOX_VERSION=${BUSYBOX_VERSION:-1:1.35.0-4+deb12u1+b1}
# The build benchmark (issue 9): tcc and the libc pieces it compiles and links against,
# and the C code base it compiles (Lua 5.4, Debian's lua5.4 source package).
TCC_VERSION=${TCC_VERSION:-0.9.27+git20200814.62c30a4a-1}
LIBC_VERSION=${LIBC_VERSION:-2.36-9+deb12u14}
LINUX_LIBC_DEV_VERSION=${LINUX_LIBC_DEV_VERSION:-6.1.176-1}
LUA_SRC_PKG=lua5.4
LUA_SRC_VERSION=${LUA_SRC_VERSION:-5.4.4-3+deb12u1}
LUA_ORIG=lua5.4_5.4.4.orig.tar.gz
# Debian's stock i386 kernel (the 686 flavour: no PAE), committed as it comes in the package
# so every test run checks that a kernel we did not configure boots (issue 6). Point releases
# drop old ABIs from the mirror: then pin the current linux-image-686 dependency, re-run the
# debian_kernel and manifest stages, and rename the file the system test boots.
DEBIAN_KERNEL_ABI=${DEBIAN_KERNEL_ABI:-6.1.0-50-686}
DEBIAN_KERNEL_PKG=linux-image-$DEBIAN_KERNEL_ABI:i386
DEBIAN_KERNEL_VERSION=${DEBIAN_KERNEL_VERSION:-6.1.176-1}
HOST_PACKAGES=(build-essential bc bison flex libelf-dev libssl-dev cpio gzip xz-utils file)

# Reproducible kernel build identity.
export KBUILD_BUILD_TIMESTAMP='1970-01-01 00:00:00 UTC'
export KBUILD_BUILD_USER=seoulweb
export KBUILD_BUILD_HOST=seoulweb
export KBUILD_BUILD_VERSION=1
export SOURCE_DATE_EPOCH=0
export LC_ALL=C

KSRC=$BUILD/linux-source-6.1   # pristine Debian source tree
KOBJ=$BUILD/linux-obj          # kernel objects and .config (make O=)
DEBS=$BUILD/debs
MANIFEST=$IMAGES/manifest.txt

log() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] error: %s\n' "$*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
deb_file() { # pkg[:arch] version -> path of the downloaded .deb (apt escapes ':' as %3a)
	local name=${1%%:*} ver=${2//:/%3a}
	compgen -G "$DEBS/${name}_${ver}_*.deb" | head -n1
}

# ---- stage: host packages ------------------------------------------------------------
stage_host() {
	[ "$(id -u)" = 0 ] || die "run as root (sudo bash images/build.sh)"
	local need_update=0 missing=()
	if ! dpkg --print-foreign-architectures | grep -qx i386; then
		dpkg --add-architecture i386
		need_update=1
	fi
	for p in "${HOST_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	if [ "$need_update" = 1 ] || [ "${#missing[@]}" -gt 0 ] \
		|| ! apt-cache show "$LINUX_SOURCE_PKG=$LINUX_SOURCE_VERSION" >/dev/null 2>&1 \
		|| ! apt-cache show "$BUSYBOX_PKG=$BUSYBOX_VERSION" >/dev/null 2>&1; then
		# A mirror mid-sync can fail one index; the pinned packages are checked below.
		apt-get update || log "apt-get update reported errors; continuing"
	fi
	if [ "${#missing[@]}" -gt 0 ]; then
		log "installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
	fi
}

# ---- stage: download pinned .debs (never installed on the host) -----------------------
fetch_deb() { # pkg version
	local f
	f=$(deb_file "$1" "$2" || true)
	if [ -z "$f" ]; then
		log "downloading $1=$2"
		mkdir -p "$DEBS"
		# apt drops privileges to _apt for downloads: let it write here.
		if id _apt >/dev/null 2>&1; then chown _apt "$DEBS"; fi
		(cd "$DEBS" && apt-get download "$1=$2") \
			|| die "$1=$2 is not available; update the pin at the top of images/build.sh"
		f=$(deb_file "$1" "$2")
	fi
	# If the committed manifest already names this exact package version, insist on the
	# same bytes: a pinned version must not change under us.
	local want
	want=$(awk -v p="${1%%:*}" -v v="$2" '$1=="deb" && $2==p && $3==v {print $5}' "$MANIFEST" 2>/dev/null || true)
	want=${want#sha256=}
	if [ -n "$want" ] && [ "$want" != "$(sha "$f")" ]; then
		die "$f: sha256 $(sha "$f") differs from manifest ($want)"
	fi
}

# Debian source package via a private deb-src list (the host's apt sources stay as they
# are): apt-get source --download-only into $BUILD/src.
fetch_source() { # srcpkg version
	local apt=$BUILD/apt-src
	[ -f "$BUILD/src/${1}_${2#*:}.dsc" ] && return
	log "downloading source $1=$2"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$BUILD/src"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" >"$apt/sources.list"
	if id _apt >/dev/null 2>&1; then chown -R _apt "$apt/lists" "$apt/cache" "$BUILD/src"; fi
	local o=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
	apt-get "${o[@]}" update >&2 || log "apt-get update (deb-src) reported errors; continuing"
	(cd "$BUILD/src" && apt-get "${o[@]}" source --download-only "$1=$2") \
		|| die "source $1=$2 is not available; update the pin at the top of images/build.sh"
}

check_pinned_file() { # manifest-name file
	local want
	want=$(awk -v p="$1" '$1=="source" && $2==p {print $5}' "$MANIFEST" 2>/dev/null || true)
	want=${want#sha256=}
	if [ -n "$want" ] && [ "$want" != "$(sha "$2")" ]; then
		die "$2: sha256 $(sha "$2") differs from manifest ($want)"
	fi
}

stage_fetch() {
	fetch_deb "$LINUX_SOURCE_PKG" "$LINUX_SOURCE_VERSION"
	fetch_deb "$BUSYBOX_PKG" "$BUSYBOX_VERSION"
	fetch_deb tcc:i386 "$TCC_VERSION"
	fetch_deb libc6:i386 "$LIBC_VERSION"
	fetch_deb libc6-dev:i386 "$LIBC_VERSION"
	fetch_deb linux-libc-dev:i386 "$LINUX_LIBC_DEV_VERSION"
	fetch_deb "$DEBIAN_KERNEL_PKG" "$DEBIAN_KERNEL_VERSION"
	fetch_source "$LUA_SRC_PKG" "$LUA_SRC_VERSION"
	check_pinned_file "$LUA_ORIG" "$BUILD/src/$LUA_ORIG"
}

# ---- stage: kernel source tree -------------------------------------------------------
stage_kernel_source() {
	local deb stamp
	deb=$(deb_file "$LINUX_SOURCE_PKG" "$LINUX_SOURCE_VERSION")
	stamp="$(basename "$deb") $(sha "$deb")"
	if [ -f "$KSRC/.seoulweb-source" ] && [ "$(cat "$KSRC/.seoulweb-source")" = "$stamp" ]; then
		return
	fi
	log "extracting $(basename "$deb")"
	rm -rf "$KSRC" "$BUILD/x/linux-source"
	mkdir -p "$BUILD/x"
	dpkg-deb -x "$deb" "$BUILD/x/linux-source"
	tar -xaf "$BUILD/x/linux-source/usr/src/linux-source-6.1.tar.xz" -C "$BUILD"
	echo "$stamp" >"$KSRC/.seoulweb-source"
}

kmake() { make -C "$KSRC" O="$KOBJ" -s ARCH=i386 "$@"; }

# ---- stage: kernel config ------------------------------------------------------------
# tinyconfig + images/kernel-fragment.config (merge_config.sh) + olddefconfig; then every
# option named in the fragment must have kept its value (Kconfig silently drops options
# whose dependencies are unmet). The result is committed as images/kernel.config.
check_fragment() { # fragment config
	local line key bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) key=${line%%=*} ;;
		"# CONFIG_"*" is not set") key=${line#\# }; key=${key%% *} ;;
		*) continue ;;
		esac
		grep -qxF -- "$line" "$2" && continue
		# "is not set" for a symbol that does not exist in this config is satisfied.
		if [[ $line == "# "* ]] && ! grep -qE "^(# )?$key[= ]" "$2"; then continue; fi
		log "config mismatch: want '$line', got '$(grep -E "^(# )?$key[= ]" "$2" || echo absent)'"
		bad=1
	done <"$1"
	return $bad
}

stage_kernel_config() {
	log "configuring kernel"
	mkdir -p "$KOBJ"
	{
		kmake tinyconfig
		(cd "$KOBJ" && "$KSRC/scripts/kconfig/merge_config.sh" -m -O "$KOBJ" .config "$IMAGES/kernel-fragment.config")
		kmake olddefconfig
	} >"$BUILD/kconfig.log" 2>&1 || { cat "$BUILD/kconfig.log" >&2; die "kernel configuration failed"; }
	check_fragment "$IMAGES/kernel-fragment.config" "$KOBJ/.config" || die "kernel config fragment not honoured"
	cp "$KOBJ/.config" "$IMAGES/kernel.config"
}

# ---- stage: kernel build -------------------------------------------------------------
stage_kernel_build() {
	log "building bzImage (make -j$JOBS; 10-25 minutes from scratch on 2 cores)"
	cmp -s "$IMAGES/kernel.config" "$KOBJ/.config" || die "run the kernel_config stage first"
	kmake -j"$JOBS" bzImage
	cp "$KOBJ/arch/x86/boot/bzImage" "$IMAGES/bzImage"
	gzip -n -9 -c "$KOBJ/System.map" >"$IMAGES/System.map.gz"
	stage_check_bzimage
}

# ---- stage: bzImage sanity (Linux boot protocol setup header) -------------------------
u8() { od -An -tu1 -j"$2" -N1 "$1" | tr -d ' '; }
u16() { od -An -tu2 -j"$2" -N2 --endian=little "$1" | tr -d ' '; }
u32() { od -An -tu4 -j"$2" -N4 --endian=little "$1" | tr -d ' '; }
stage_check_bzimage() {
	local k=$IMAGES/bzImage
	[ -f "$k" ] || die "$k missing"
	[ "$(u16 "$k" 0x1fe)" = $((0xAA55)) ] || die "bzImage: no 0xAA55 boot flag"
	[ "$(u32 "$k" 0x202)" = $((0x53726448)) ] || die "bzImage: no HdrS signature"
	local ver setup_sects loadflags reloc align payload_off magic
	ver=$(u16 "$k" 0x206)
	setup_sects=$(u8 "$k" 0x1f1)
	loadflags=$(u8 "$k" 0x211)
	reloc=$(u8 "$k" 0x234)
	align=$(u32 "$k" 0x230)
	payload_off=$(u32 "$k" 0x248)
	[ "$ver" -ge $((0x206)) ] || die "bzImage: boot protocol $(printf %x "$ver") < 2.06"
	[ $((loadflags & 1)) = 1 ] || die "bzImage: LOADED_HIGH not set (not a bzImage)"
	[ "$reloc" = 1 ] || die "bzImage: not relocatable"
	# The compressed payload starts at (setup_sects+1)*512 + payload_offset: must be gzip.
	magic=$(od -An -tx1 -j$(((setup_sects + 1) * 512 + payload_off)) -N2 "$k" | tr -d ' ')
	[ "$magic" = 1f8b ] || die "bzImage: payload is not gzip (magic $magic)"
	log "bzImage ok: boot protocol $((ver >> 8)).$(printf %02d $((ver & 255))), setup_sects $setup_sects," \
		"relocatable, kernel_alignment $(printf 0x%x "$align"), gzip payload, $(stat -c %s "$k") bytes"
}

# ---- stage: Debian's stock kernel ----------------------------------------------------
# Only boot/vmlinuz-<abi> of the package (~5.7 MB, XZ-compressed bzImage); its modules are
# not needed: 8250 console, PIT, APICs, ACPI and MP table support are built in.
stage_debian_kernel() {
	local deb=$(deb_file "$DEBIAN_KERNEL_PKG" "$DEBIAN_KERNEL_VERSION") x=$BUILD/x/debian-kernel
	[ -n "$deb" ] || die "run the fetch stage first ($DEBIAN_KERNEL_PKG=$DEBIAN_KERNEL_VERSION)"
	rm -rf "$x"
	mkdir -p "$x" "$IMAGES/debian"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$x" "./boot/vmlinuz-$DEBIAN_KERNEL_ABI"
	rm -f "$IMAGES"/debian/vmlinuz-*
	install -m 0644 "$x/boot/vmlinuz-$DEBIAN_KERNEL_ABI" "$IMAGES/debian/vmlinuz-$DEBIAN_KERNEL_ABI"
	local k=$IMAGES/debian/vmlinuz-$DEBIAN_KERNEL_ABI
	[ "$(u16 "$k" 0x1fe)" = $((0xAA55)) ] && [ "$(u32 "$k" 0x202)" = $((0x53726448)) ] \
		|| die "$k: not a bzImage"
	log "debian/vmlinuz-$DEBIAN_KERNEL_ABI: $(stat -c %s "$k") bytes"
}

# ---- initramfs stages ----------------------------------------------------------------
# Each initramfs_stage_* function fills the staging root given as $1.
initramfs_stage_base() {
	local root=$1 deb bb
	deb=$(deb_file "$BUSYBOX_PKG" "$BUSYBOX_VERSION")
	rm -rf "$BUILD/x/busybox"
	dpkg-deb -x "$deb" "$BUILD/x/busybox"
	bb=$BUILD/x/busybox/bin/busybox
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc/init.d,mnt,var/log,run}
	install -m 0755 "$bb" "$root/bin/busybox"
	install -m 0755 "$IMAGES/init" "$root/init"
	# Applet links, as `busybox --install -s` would make them: ask busybox for its
	# applet paths (the static i386 binary runs on an x86_64 host).
	local applet
	"$bb" --list-full >"$BUILD/x/busybox.applets" || die "cannot run the i386 busybox on this host"
	while IFS= read -r applet; do
		[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
	done <"$BUILD/x/busybox.applets"
	[ -L "$root/bin/sh" ] || die "busybox has no sh applet"
	# The kernel opens /dev/console before /init runs; devtmpfs is mounted by /init.
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\ntty:x:5:\n' >"$root/etc/group"
	printf 'seoulweb\n' >"$root/etc/hostname"
}

# The build benchmark (issue 9): tcc, the parts of libc6/libc6-dev that tcc needs to
# compile and dynamically link, Lua's sources, and /bin/seoulweb-bench (images/bench/).
initramfs_stage_bench() {
	local root=$1 x=$BUILD/x/bench d
	rm -rf "$x"
	mkdir -p "$x"
	for d in tcc libc6 libc6-dev linux-libc-dev; do
		local ver=$LIBC_VERSION
		[ "$d" = tcc ] && ver=$TCC_VERSION
		[ "$d" = linux-libc-dev ] && ver=$LINUX_LIBC_DEV_VERSION
		dpkg-deb -x "$(deb_file "$d:i386" "$ver")" "$x/$d"
	done
	mkdir -p "$root"/lib/i386-linux-gnu "$root"/usr/lib/i386-linux-gnu "$root"/usr/src "$root"/usr/share/seoulweb-bench
	# tcc itself, its own headers and libtcc1.a
	install -m 0755 "$x/tcc/usr/bin/tcc" "$root/usr/bin/tcc"
	cp -a "$x/tcc/usr/lib/i386-linux-gnu/tcc" "$root/usr/lib/i386-linux-gnu/"
	rm -f "$root"/usr/lib/i386-linux-gnu/tcc/{bcheck.o,bt-exe.o,bt-log.o}
	# run time: the dynamic loader, libc and libm (tcc and the built lua need them)
	cp -a "$x/libc6/lib/ld-linux.so.2" "$root/lib/"
	cp -a "$x/libc6/lib/i386-linux-gnu"/{ld-linux.so.2,libc.so.6,libm.so.6,libdl.so.2,libpthread.so.0} "$root/lib/i386-linux-gnu/"
	# compile and link time: headers, crt files, libc.so/libm.so (ld script / link)
	cp -a "$x/libc6-dev/usr/include" "$root/usr/"
	cp -a "$x/linux-libc-dev/usr/include"/{linux,asm-generic} "$root/usr/include/"
	cp -a "$x/linux-libc-dev/usr/include/i386-linux-gnu/asm" "$root/usr/include/i386-linux-gnu/"
	cp -a "$x/libc6-dev/usr/lib/i386-linux-gnu"/{crt1.o,crti.o,crtn.o,libc.so,libc_nonshared.a,libm.so} \
		"$root/usr/lib/i386-linux-gnu/"
	# Lua's C sources (pristine upstream tarball of the Debian source package)
	tar -xzf "$BUILD/src/$LUA_ORIG" -C "$x"
	mkdir -p "$root/usr/src/lua/src"
	cp "$x"/lua-5.4.4/src/*.[ch] "$root/usr/src/lua/src/"
	install -m 0755 "$IMAGES/bench/seoulweb-bench" "$root/bin/seoulweb-bench"
	install -m 0644 "$IMAGES/bench/check.lua" "$root/usr/share/seoulweb-bench/check.lua"
	# Keep only the system headers Lua's build includes (tcc -E in the staging root, same
	# flags as the guest script; tcc -MD leaves system headers out): the initramfs is
	# gunzipped by the emulated kernel at every boot, and the full libc + kernel headers
	# added ~20 s to each boot in the VM.
	local f
	for f in "$root"/usr/src/lua/src/*.c; do
		f=${f##*/}
		[ "$f" = luac.c ] && continue
		chroot "$root" /usr/bin/tcc -E -DLUA_USE_POSIX "/usr/src/lua/src/$f" >"$x/pp.i" \
			|| die "tcc cannot preprocess $f in the staging root"
		grep -o '^# [0-9]* "/usr/include/[^"]*"' "$x/pp.i" | cut -d'"' -f2
	done | sort -u >"$x/headers"
	find "$root/usr/include" \( -type f -o -type l \) -printf '/usr/include/%P\n' | sort \
		| comm -23 - "$x/headers" | sed "s|^|$root|" | xargs -r rm -f
	find "$root/usr/include" -depth -type d -empty -delete
	log "bench: kept $(wc -l <"$x/headers") system headers"
}

# make_cpio root out.cpio.gz — deterministic newc archive: sorted names, mtime 0,
# owner root, reproducible inode numbers, gzip without name/time.
make_cpio() {
	local root=$1 out=$2
	find "$root" -exec touch -h -d @0 {} +
	(cd "$root" && find . -mindepth 1 -printf '%P\n' | sort \
		| cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -9 >"$out.tmp"
	mv "$out.tmp" "$out"
}

build_initramfs() { # output-name stage...
	local out=$1 stage root=$BUILD/initramfs-root
	shift
	rm -rf "$root"
	mkdir -p "$root"
	for stage in "$@"; do
		log "initramfs $out: $stage"
		"$stage" "$root"
	done
	make_cpio "$root" "$IMAGES/$out"
	log "$out: $(stat -c %s "$IMAGES/$out") bytes"
}

stage_initramfs() {
	build_initramfs initramfs.cpio.gz initramfs_stage_base
	build_initramfs initramfs-bench.cpio.gz initramfs_stage_base initramfs_stage_bench
}

# ---- stage: manifest -----------------------------------------------------------------
stage_manifest() {
	local kdeb bdeb tarball
	kdeb=$(deb_file "$LINUX_SOURCE_PKG" "$LINUX_SOURCE_VERSION")
	bdeb=$(deb_file "$BUSYBOX_PKG" "$BUSYBOX_VERSION")
	tarball=$BUILD/x/linux-source/usr/src/linux-source-6.1.tar.xz
	[ -f "$tarball" ] || dpkg-deb -x "$kdeb" "$BUILD/x/linux-source"
	{
		echo "# seoulweb guest images — generated by images/build.sh; do not edit by hand."
		echo "# kind  name  version  arch  sha256=...  (file / size)"
		printf 'deb\t%s\t%s\t%s\tsha256=%s\t%s\n' "$LINUX_SOURCE_PKG" "$LINUX_SOURCE_VERSION" all "$(sha "$kdeb")" "$(basename "$kdeb")"
		printf 'source\t%s\t%s\t%s\tsha256=%s\t%s\n' linux-source-6.1.tar.xz "$LINUX_SOURCE_VERSION" - "$(sha "$tarball")" "usr/src/linux-source-6.1.tar.xz in the .deb"
		printf 'deb\t%s\t%s\t%s\tsha256=%s\t%s\n' "${BUSYBOX_PKG%%:*}" "$BUSYBOX_VERSION" i386 "$(sha "$bdeb")" "$(basename "$bdeb")"
		local p v d
		for p in tcc:$TCC_VERSION libc6:$LIBC_VERSION libc6-dev:$LIBC_VERSION linux-libc-dev:$LINUX_LIBC_DEV_VERSION; do
			v=${p#*:}; d=$(deb_file "${p%%:*}:i386" "$v")
			printf 'deb\t%s\t%s\t%s\tsha256=%s\t%s\n' "${p%%:*}" "$v" i386 "$(sha "$d")" "$(basename "$d")"
		done
		d=$(deb_file "$DEBIAN_KERNEL_PKG" "$DEBIAN_KERNEL_VERSION")
		printf 'deb\t%s\t%s\t%s\tsha256=%s\t%s\n' "${DEBIAN_KERNEL_PKG%%:*}" "$DEBIAN_KERNEL_VERSION" i386 "$(sha "$d")" "$(basename "$d")"
		printf 'source\t%s\t%s\t%s\tsha256=%s\t%s\n' "$LUA_ORIG" "$LUA_SRC_VERSION" - "$(sha "$BUILD/src/$LUA_ORIG")" "of the Debian source package $LUA_SRC_PKG"
		printf 'tool\tgcc\t%s\n' "$(dpkg-query -W -f='${Version}' gcc-12 2>/dev/null || echo unknown)"
		printf 'tool\tbinutils\t%s\n' "$(dpkg-query -W -f='${Version}' binutils 2>/dev/null || echo unknown)"
		printf 'tool\tcpio\t%s\n' "$(dpkg-query -W -f='${Version}' cpio 2>/dev/null || echo unknown)"
		printf 'tool\tgzip\t%s\n' "$(dpkg-query -W -f='${Version}' gzip 2>/dev/null || echo unknown)"
		local f
		for f in kernel-fragment.config kernel.config init build.sh bench/seoulweb-bench bench/check.lua; do
			printf 'input\timages/%s\t-\t-\tsha256=%s\n' "$f" "$(sha "$IMAGES/$f")"
		done
		for f in "$IMAGES"/bzImage "$IMAGES"/System.map.gz "$IMAGES"/initramfs*.cpio.gz "$IMAGES"/debian/vmlinuz-*; do
			[ -f "$f" ] || continue
			printf 'output\timages/%s\t-\t-\tsha256=%s\t%s bytes\n' "${f#"$IMAGES"/}" "$(sha "$f")" "$(stat -c %s "$f")"
		done
	} >"$MANIFEST.tmp"
	mv "$MANIFEST.tmp" "$MANIFEST"
	log "wrote $MANIFEST"
}

STAGES=(host fetch kernel_source kernel_config kernel_build initramfs debian_kernel manifest)
main() {
	local s
	mkdir -p "$BUILD"
	if [ $# -eq 0 ]; then set -- "${STAGES[@]}"; fi
	for s in "$@"; do
		case "$s" in
		kernel) stage_fetch; stage_kernel_source; stage_kernel_config; stage_kernel_build ;;
		check) stage_check_bzimage ;;
		host | fetch | kernel_source | kernel_config | kernel_build | initramfs | debian_kernel | manifest) "stage_$s" ;;
		*) die "unknown stage '$s' (stages: ${STAGES[*]} kernel check)" ;;
		esac
	done
}
main "$@"
