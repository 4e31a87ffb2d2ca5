#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium for the end-to-end tests, real
# Telnet servers (busybox, inetutils, netkit) for the integration tests, nginx and Redis for scale-out.
# Skips whatever is already present. Needs root or sudo; never reads stdin, so it runs unattended in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1mtelgate:\033[0m %s\n' "$*"; }

# busybox-static, not busybox: only the static build has the telnetd applet. websockify is the
# benchmarks' reference relay, which their smoke test runs. nginx-light and redis-server are the proxy
# and the shared store of the scale-out test (several gateways behind nginx); the tests start their own.
PACKAGES=(chromium busybox-static inetutils-telnetd socat openssl websockify nginx-light redis-server)
NETKIT_DIR=.telgate/peers/netkit
NETKIT_TELNETD="$NETKIT_DIR/usr/sbin/in.telnetd"

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
need_netkit=0
[ -x "$NETKIT_TELNETD" ] || need_netkit=1

if [ ${#missing[@]} -eq 0 ] && [ $need_netkit -eq 0 ]; then
  exit 0
fi

wanted="${missing[*]}"
if [ $need_netkit -eq 1 ]; then
  wanted="${wanted:+$wanted }telnetd-ssl (unpacked into $NETKIT_DIR)"
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo env DEBIAN_FRONTEND=noninteractive)
  else
    echo "telgate: the tests need these Debian packages: $wanted." >&2
    echo "telgate: run scripts/system-deps.sh as root, or install them first." >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# Wait for another apt (say, unattended-upgrades on a fresh machine) instead of failing on its lock,
# and keep existing configuration files without asking.
APT_OPTIONS=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

log "installing $wanted"
"${SUDO[@]}" apt-get "${APT_OPTIONS[@]}" update -qq </dev/null
if [ ${#missing[@]} -gt 0 ]; then
  "${SUDO[@]}" apt-get "${APT_OPTIONS[@]}" install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
fi

if [ $need_netkit -eq 1 ]; then
  # netkit telnetd ships as telnetd-ssl, which conflicts with inetutils-telnetd: unpack it, don't
  # install it. Unpack beside the target and move it into place, so an interrupted run leaves nothing
  # that looks installed.
  mkdir -p "$(dirname "$NETKIT_DIR")"
  work=$(mktemp -d "$(dirname "$NETKIT_DIR")/.netkit.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  # As root, apt downloads as its unprivileged _apt user, which must be able to write there.
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$work"; fi
  (cd "$work" && apt-get "${APT_OPTIONS[@]}" download -qq telnetd-ssl </dev/null >/dev/null)
  dpkg -x "$work"/telnetd-ssl_*.deb "$work/netkit"
  rm -rf "$NETKIT_DIR"
  mv "$work/netkit" "$NETKIT_DIR"
fi

# Fail here, not halfway through the test run, if anything is still missing.
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || {
    echo "telgate: $p is still not installed" >&2
    exit 1
  }
done
[ -x "$NETKIT_TELNETD" ] || {
  echo "telgate: $NETKIT_TELNETD is missing after unpacking telnetd-ssl" >&2
  exit 1
}
busybox --list 2>/dev/null | grep -qx telnetd || {
  echo "telgate: $(command -v busybox) has no telnetd applet; is busybox-static installed?" >&2
  exit 1
}
log "system packages ready"
