#!/usr/bin/env bash
# Rebuilds the benchmark workloads (flat binaries) from their C sources with gcc -m32:
# intmix (integer) and fpmix (x87 doubles). FPMIX_FLAGS is shared with test/wasm/core/fpmix.test.ts,
# which links the same code into a hosted program.
set -euo pipefail
cd "$(dirname "$0")"
COMMON="-m32 -O2 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables"
for w in intmix fpmix; do
  extra="-DROUNDS=4"
  [ "$w" = fpmix ] && extra="-mfpmath=387 -DROUNDS=400"
  gcc $COMMON $extra -nostdlib -static -Wl,-Ttext=0x10000 -Wl,-e,_start -Wl,--build-id=none -o $w.elf $w.c
  objcopy -O binary --only-section=.text --only-section=.rodata --only-section=.data $w.elf $w.bin
  entry=$(nm $w.elf | awk '$3=="_start"{print $1}')
  printf '{ "load": 65536, "entry": %d }\n' "0x$entry" > $w.json
  rm -f $w.elf
done
ls -la intmix.bin fpmix.bin
