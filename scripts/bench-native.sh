#!/usr/bin/env bash
# The placement benchmark's workload run natively, for the reference column of the results:
# unpacks images/initramfs-bench.cpio.gz (Debian's i386 tcc, libc, the Lua sources, the script)
# into a temporary root and runs /bin/seoulweb-bench there with chroot, on the host CPU.
#   bash scripts/bench-native.sh [jobs=1] [rounds=1] [repeat=5]
# Prints each run's END line and the median seconds. Needs root (chroot, mount proc) and a
# kernel that runs i386 binaries (IA32 emulation), as Debian's amd64 kernels do.
set -euo pipefail
jobs=${1:-1}; rounds=${2:-1}; repeat=${3:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
cleanup() { umount "$root/proc" 2>/dev/null || true; rm -rf "$root"; }
trap cleanup EXIT
(cd "$root" && zcat "$here/images/initramfs-bench.cpio.gz" | cpio -idm --quiet)
mkdir -p "$root/proc" && mount -t proc proc "$root/proc"
times=()
for i in $(seq "$repeat"); do
	line=$(chroot "$root" /bin/sh -c "/bin/seoulweb-bench $jobs $rounds" | grep '^SEOULWEB-BENCH-END')
	echo "native run $i (jobs=$jobs rounds=$rounds): $line"
	times+=("$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$line")")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "native median: %.2f s over %d run(s), jobs=%s rounds=%s\n", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), NR, j, r }' j="$jobs" r="$rounds"
