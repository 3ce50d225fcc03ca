#!/usr/bin/env bash
# Installs the Vulkan driver that the WebGPU tests run on, only when it is missing.
#
# The `webgpu` npm package (Dawn) needs a Vulkan driver. On a GPU machine that is the vendor's; on
# a CPU-only machine (CI, this project's developers) Mesa's llvmpipe, a software Vulkan driver, is
# enough for the per-layer parity tests. Debian 12's own Mesa 22.3 is too old for Dawn ("no
# adapter"); Mesa 25 comes from Debian's bookworm-backports. Nothing else is downloaded: only
# Debian's packages, through apt.
set -euo pipefail

have_mesa25() {
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -n "$v" ] && dpkg --compare-versions "$v" ge 25
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "webgpu-driver: not Debian 12 (bookworm); install a Vulkan driver with your system's packages (Mesa >= 24 or your GPU vendor's) for the WebGPU tests, which are skipped without one" >&2
  exit 0
fi
if have_mesa25; then
  echo "webgpu-driver: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "webgpu-driver: Mesa 25 is missing and this user cannot run apt-get; as root run: bash tools/setup/webgpu-driver.sh (the WebGPU tests are skipped until then, outside CI)" >&2
    exit 0
  fi
fi

src=/etc/apt/sources.list.d/bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "webgpu-driver: adding Debian's bookworm-backports suite ($src)"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' | $SUDO tee "$src" >/dev/null
fi
echo "webgpu-driver: installing mesa-vulkan-drivers from bookworm-backports (Vulkan llvmpipe for Dawn)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers >/dev/null
have_mesa25 || { echo "webgpu-driver: mesa-vulkan-drivers >= 25 still not installed" >&2; exit 1; }
echo "webgpu-driver: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) installed"
