#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium for the end-to-end tests,
# and real Telnet servers (busybox, inetutils, netkit) for the integration tests.
# Skips whatever is already present. Needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(chromium busybox-static inetutils-telnetd socat openssl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

NETKIT_DIR=.telgate/peers/netkit
need_netkit=0
[ -x "$NETKIT_DIR/usr/sbin/in.telnetd" ] || need_netkit=1

if [ ${#missing[@]} -eq 0 ] && [ $need_netkit -eq 0 ]; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "telgate: these Debian packages are needed for the tests: ${missing[*]} (and telnetd-ssl, unpacked)." >&2
    echo "telgate: run this script as root, or install them first." >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "telgate: installing Debian packages: ${missing[*]:-} ${need_netkit:+(netkit telnetd)}"
"${SUDO[@]}" apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ $need_netkit -eq 1 ]; then
  # netkit telnetd ships as telnetd-ssl, which conflicts with inetutils-telnetd: unpack, don't install.
  tmp=$(mktemp -d); chmod 755 "$tmp"
  (cd "$tmp" && apt-get download -qq telnetd-ssl >/dev/null)
  mkdir -p "$NETKIT_DIR"
  dpkg -x "$tmp"/telnetd-ssl_*.deb "$NETKIT_DIR"
  rm -rf "$tmp"
fi
