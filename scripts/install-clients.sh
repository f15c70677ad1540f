#!/usr/bin/env bash
# Installs the real S3 clients the tests drive, when missing (Debian packages; aws CLI and boto3 come with the machine).
set -uo pipefail
need=()
command -v s3cmd >/dev/null || need+=(s3cmd)
command -v rclone >/dev/null || need+=(rclone)
command -v openssl >/dev/null || need+=(openssl)
[ -x /usr/bin/chromium ] || need+=(chromium)   # the browser tests (test/clients/browser.test.ts) drive it with playwright-core
# the linux-arm64 release binary runs under emulation in the tests
[ -x /usr/bin/qemu-aarch64-static ] || need+=(qemu-user-static)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1 \
    || echo "note: could not install ${need[*]}; tests that need them will fail"
fi
command -v aws >/dev/null || pip install -q awscli boto3 >/dev/null 2>&1 || true
exit 0
