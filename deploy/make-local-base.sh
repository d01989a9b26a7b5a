#!/usr/bin/env bash
# Builds the image's base offline, once per architecture: a jlink'ed Java 17 runtime with only the
# modules the uploader needs, the C libraries it links against, chmod and a non-root user, packed
# as a single-platform docker-archive tarball that Jib builds on (-Pimage-local).
#
#   deploy/make-local-base.sh [ARCH...]   ARCH: amd64, arm64 (default: both)
#     -> deploy/target/jre-base-ARCH.tar (image edge-uploader-base:17-ARCH)
#
# Everything of the target architecture comes from Debian's packages (apt-get download, unpacked
# with dpkg-deb, never installed): the JDK's jmods, glibc, libstdc++, zlib, coreutils' chmod. The
# host's jlink links them (jlink can link another platform's jmods of the same feature release).
# Needs a Debian host with a JDK 17 (jlink), apt-get, umoci and skopeo; as root it adds a missing
# foreign architecture to dpkg itself (dpkg --add-architecture ARCH && apt-get update).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/target"
debs="$out/debs"
# The modules the uploader, Delta Kernel, Hadoop (S3A, ABFS), sqlite-jdbc and zstd-jni use,
# found by running every backend on the result: jdeps cannot see through the shaded jar.
modules=java.base,java.logging,java.management,java.naming,java.security.jgss,java.security.sasl
modules=$modules,java.sql,java.xml,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.security.auth
# The metrics endpoint (JDK HTTP server) and OTLP export (JDK HTTP client).
modules=$modules,jdk.httpserver,java.net.http
# The natives sqlite-jdbc, zstd-jni and snappy-java unpack at run time link the usual glibc set;
# the JDK's own libraries add the rest (found below from their ELF headers).
runtime_libs="libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libz.so.1 libgcc_s.so.1
  libstdc++.so.6"
packages="openjdk-17-jdk-headless libc6 libgcc-s1 libstdc++6 zlib1g coreutils"

die() { echo "error: $*" >&2; exit 2; }
for tool in umoci skopeo apt-get dpkg-deb readelf; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install $tool)"
done
jdk=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
[ -x "$jdk/bin/jlink" ] || die "no jlink under JAVA_HOME=$jdk; point JAVA_HOME at a JDK 17"

triplet() {
  case "$1" in
    amd64) echo x86_64-linux-gnu ;;
    arm64) echo aarch64-linux-gnu ;;
    *) die "unsupported architecture '$1' (amd64 or arm64)" ;;
  esac
}

# Downloads (once) and unpacks the target architecture's packages into $1.
unpack_packages() {
  local arch=$1 root=$2 cache="$debs/$1" pkg
  if [ "$arch" != "$(dpkg --print-architecture)" ] &&
     ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    [ "$(id -u)" = 0 ] || die "dpkg lacks $arch: run 'dpkg --add-architecture $arch && apt-get update' as root"
    echo "adding the $arch architecture to dpkg (package lists only; nothing is installed)"
    dpkg --add-architecture "$arch"
    apt-get update -qq
  fi
  mkdir -p "$cache"
  for pkg in $packages; do
    if ! compgen -G "$cache/${pkg}_*.deb" >/dev/null; then
      (cd "$cache" && apt-get download -qq "$pkg:$arch" 2>/dev/null) ||
        (cd "$cache" && apt-get download -qq "$pkg:$arch") || die "cannot download $pkg:$arch"
    fi
  done
  for deb in "$cache"/*.deb; do dpkg-deb -x "$deb" "$root"; done
}

# The file a path inside the package root $2 names, following symlinks inside that root (some
# are absolute, e.g. /lib64/ld-linux-x86-64.so.2, and must not lead to the host's files).
resolve() {
  local path=$1 target hops=0
  while [ -L "$2$path" ] && [ $hops -lt 20 ]; do
    target=$(readlink "$2$path")
    case "$target" in
      /*) path=$target ;;
      *) path=$(dirname "$path")/$target ;;
    esac
    hops=$((hops + 1))
  done
  echo "$path"
}

# Copies $1 (a path inside the package root $2) to the same path under the image root $3 as a
# plain file.
copy_into() {
  mkdir -p "$3$(dirname "$1")"
  cp "$2$(resolve "$1" "$2")" "$3$1"
}

# Every shared library the ELF files under $rootfs need, transitively, from the package root.
copy_libraries() {
  local pkgroot=$1 rootfs=$2 dir=$3 wanted=$runtime_libs name found more
  while [ -n "$wanted" ]; do
    more=""
    for name in $wanted; do
      case "$name" in ld-linux*) continue ;; esac # the loader goes where bin/java names it
      [ -e "$rootfs/lib/$dir/$name" ] && continue
      found=""
      for candidate in "/lib/$dir/$name" "/usr/lib/$dir/$name"; do
        if [ -e "$pkgroot$(resolve "$candidate" "$pkgroot")" ]; then found=$candidate; break; fi
      done
      [ -n "$found" ] || die "library $name not found in the $dir packages"
      mkdir -p "$rootfs/lib/$dir"
      cp "$pkgroot$(resolve "$found" "$pkgroot")" "$rootfs/lib/$dir/$name"
      more="$more $(readelf -d "$rootfs/lib/$dir/$name" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
    done
    wanted=$more
  done
}

build_base() {
  local arch=$1 dir work pkgroot rootfs jmods loader tarball="$out/jre-base-$1.tar"
  dir=$(triplet "$arch")
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: each architecture has its own scratch directory
  trap "rm -rf '$work'" EXIT
  pkgroot="$work/packages"
  rootfs="$work/rootfs"
  mkdir -p "$pkgroot" "$rootfs/opt" "$rootfs/etc" "$rootfs/tmp" "$rootfs/config" "$rootfs/data" \
    "$rootfs/state" "$rootfs/bin"
  chmod 1777 "$rootfs/tmp"
  unpack_packages "$arch" "$pkgroot"
  jmods="$pkgroot/usr/lib/jvm/java-17-openjdk-$arch/jmods"
  [ -e "$jmods/java.base.jmod" ] || die "no jmods in openjdk-17-jdk-headless:$arch"
  # --strip-java-debug-attributes rather than --strip-debug: the latter also runs the host's
  # objcopy on the natives, which cannot read another architecture's (Debian ships them without
  # debug sections already). --compress=1 (shared strings) rather than 2 (zip): the layer is
  # gzipped anyway, and gzip does better on unzipped classes (arm64 runtime 18.9 MB compressed
  # instead of 24.0; modules file 23.5 MB on disk instead of 35.2 uncompressed).
  "$jdk/bin/jlink" --module-path "$jmods" --add-modules "$modules" --strip-java-debug-attributes \
    --no-header-files --no-man-pages --compress=1 --output "$rootfs/opt/java"

  # Hadoop's local file system runs chmod when its native code is absent (it always is here).
  copy_into /bin/chmod "$pkgroot" "$rootfs"
  local needed
  needed=$(find "$rootfs/opt/java" "$rootfs/bin" -type f \( -name '*.so' -o -perm -u+x \) \
    -exec readelf -d {} + 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u |
    grep -v -e '^libjvm.so$' -e '^libjli.so$' -e '^libjava.so$' -e '^libnet.so$' -e '^libnio.so$' \
      -e '^libverify.so$' -e '^libmanagement.so$' -e '^libzip.so$' || true)
  runtime_libs="$runtime_libs $needed" copy_libraries "$pkgroot" "$rootfs" "$dir"
  loader=$(readelf -l "$rootfs/opt/java/bin/java" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
  copy_into "$loader" "$pkgroot" "$rootfs"

  cat > "$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
uploader:x:65532:65532:edge uploader:/state:/sbin/nologin
PASSWD
  printf 'root:x:0:\nuploader:x:65532:\n' > "$rootfs/etc/group"
  printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
  chown 65532:65532 "$rootfs/state" "$rootfs/data" 2>/dev/null || true

  local layout="$work/layout"
  umoci init --layout "$layout"
  umoci new --image "$layout:base"
  umoci unpack --image "$layout:base" "$work/bundle" >/dev/null
  rm -rf "$work/bundle/rootfs"
  mv "$rootfs" "$work/bundle/rootfs"
  umoci repack --image "$layout:base" "$work/bundle"
  umoci config --image "$layout:base" --config.user 65532:65532 \
    --config.env PATH=/opt/java/bin:/usr/bin:/bin --config.env JAVA_HOME=/opt/java \
    --config.workingdir /state --os linux --architecture "$arch"
  mkdir -p "$out"
  rm -f "$tarball"
  skopeo copy --quiet "oci:$layout:base" "docker-archive:$tarball:edge-uploader-base:17-$arch"
  echo "base image ($arch): $tarball ($(du -h "$tarball" | cut -f1))"
  rm -rf "$work"
  trap - EXIT
}

[ $# -gt 0 ] || set -- amd64 arm64
for arch in "$@"; do build_base "$arch"; done
