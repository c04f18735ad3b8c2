#!/usr/bin/env bash
# Builds the local sandbox image (Debian bookworm with Node.js and Python) without a container registry:
# debootstrap a minimal root file system, then `docker import` it. Reuses the image when it already exists.
set -euo pipefail
image="${AFTERBURNER_IMAGE:-afterburner-sandbox:bookworm}"
# The Python harness needs pytest, pytest-benchmark runs repositories' own benchmarks, and valgrind counts
# instructions (--measure instructions); an image built before they were added is rebuilt.
if docker image inspect "$image" >/dev/null 2>&1; then
  if docker run --rm --network none "$image" sh -c 'python3 -c "import pytest, pytest_benchmark" && command -v valgrind' >/dev/null 2>&1; then
    echo "sandbox image $image already present"
    exit 0
  fi
  echo "sandbox image $image lacks pytest, pytest-benchmark or valgrind; rebuilding"
  docker image rm -f "$image" >/dev/null
fi
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
root="$(mktemp -d /tmp/afterburner-rootfs.XXXXXX)"
trap 'rm -rf "$root"' EXIT
echo "debootstrap bookworm into $root (about a minute)"
debootstrap --variant=minbase --include=nodejs,python3,python3-pytest,python3-pytest-benchmark,valgrind bookworm "$root" >/tmp/afterburner-debootstrap.log 2>&1 \
  || { tail -n 30 /tmp/afterburner-debootstrap.log; exit 1; }
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | docker import - "$image" >/dev/null
echo "built sandbox image $image"
