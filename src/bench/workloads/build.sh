#!/usr/bin/env bash
# Rebuilds the benchmark workloads (flat binaries) from their C sources with gcc -m32.
set -euo pipefail
cd "$(dirname "$0")"
for _ in 1; do
  gcc -m32 -O2 -march=i686 -ffreestanding -fno-pic -fno-pie -nostdlib -static -fno-stack-protector \
    -fno-asynchronous-unwind-tables -DROUNDS=4 -Wl,-Ttext=0x10000 -Wl,-e,_start -Wl,--build-id=none \
    -o intmix.elf intmix.c
  objcopy -O binary --only-section=.text --only-section=.rodata --only-section=.data intmix.elf intmix.bin
  entry=$(nm intmix.elf | awk '$3=="_start"{print $1}')
  printf '{ "load": 65536, "entry": %d }\n' "0x$entry" > intmix.json
  rm -f intmix.elf
done
ls -la intmix.bin
