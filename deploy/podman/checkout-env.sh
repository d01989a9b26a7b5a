#!/usr/bin/env bash
# Podman settings of this checkout, for the image build and the image tests: the project's
# settings beside this file, with storage, run and temporary directories under this checkout's
# deploy/target/podman. Two checkouts (or CI and a developer) building and testing the image at
# once then never share, and never clobber, each other's images or containers.
#
#   . deploy/podman/checkout-env.sh    exports CONTAINERS_CONF and CONTAINERS_STORAGE_CONF
#   deploy/podman/checkout-env.sh      prints them as NAME=value lines
set -euo pipefail
podman_settings=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
podman_root="$podman_settings/../target/podman"
mkdir -p "$podman_root/storage" "$podman_root/run" "$podman_root/tmp"
podman_root=$(cd "$podman_root" && pwd)
sed -e "s|^runroot = .*|runroot = \"$podman_root/run\"|" \
  -e "s|^graphroot = .*|graphroot = \"$podman_root/storage\"|" \
  "$podman_settings/storage.conf" > "$podman_root/storage.conf"
# tmp_dir holds libpod's per-boot state and conmon's sockets: per checkout as well.
sed -e "s|^\[engine\]|[engine]\ntmp_dir = \"$podman_root/tmp\"|" \
  "$podman_settings/containers.conf" > "$podman_root/containers.conf"
export CONTAINERS_CONF="$podman_root/containers.conf"
export CONTAINERS_STORAGE_CONF="$podman_root/storage.conf"
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "CONTAINERS_CONF=$CONTAINERS_CONF"
  echo "CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF"
fi
