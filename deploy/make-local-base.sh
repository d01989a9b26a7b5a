#!/usr/bin/env bash
# Builds the image's base offline: a jlink'ed Java 17 runtime with only the modules the uploader
# needs, the C libraries it links against, and a non-root user, packed as a docker-archive
# tarball that Jib can build on (-Pimage-local). Needs a JDK 17 (jlink), umoci and skopeo.
#
#   deploy/make-local-base.sh            -> deploy/target/jre-base.tar (image edge-uploader-base:17)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/target"
tarball="$out/jre-base.tar"
# The modules the uploader, Delta Kernel, Hadoop (S3A, ABFS), sqlite-jdbc and zstd-jni use,
# found by running every backend on the result: jdeps cannot see through the shaded jar.
modules=java.base,java.logging,java.management,java.naming,java.security.jgss,java.security.sasl
modules=$modules,java.sql,java.xml,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.security.auth
# The metrics endpoint (JDK HTTP server) and OTLP export (JDK HTTP client).
modules=$modules,jdk.httpserver,java.net.http

for tool in umoci skopeo; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (apt-get install $tool)" >&2; exit 2; }
done
jdk=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
[ -x "$jdk/bin/jlink" ] || { echo "error: no jlink under JAVA_HOME=$jdk; point JAVA_HOME at a JDK 17" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/opt" "$rootfs/etc" "$rootfs/tmp" "$rootfs/config" "$rootfs/data" "$rootfs/state"
chmod 1777 "$rootfs/tmp"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$rootfs/opt/java"

# The C libraries the runtime and the native code the jar unpacks (SQLite, zstd) link against.
libs=$( { find "$rootfs/opt/java" -name '*.so' -print0 | xargs -0 ldd; ldd "$rootfs/opt/java/bin/java"; } 2>/dev/null \
  | awk '/=>/ {print $3} /^\s*\/lib/ {print $1}' | sort -u)
# The natives sqlite-jdbc and zstd-jni unpack at run time link the usual glibc set as well.
extra=""
for name in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libz.so.1 libgcc_s.so.1 \
            libstdc++.so.6; do
  extra="$extra /lib/x86_64-linux-gnu/$name"
done
for lib in $libs $extra; do
  [ -e "$lib" ] || continue
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
# Hadoop's local file system runs chmod when its native code is absent (it always is here).
mkdir -p "$rootfs/bin"
cp -L /bin/chmod "$rootfs/bin/chmod"
mkdir -p "$rootfs/lib64"
cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"

cat > "$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
uploader:x:65532:65532:edge uploader:/state:/sbin/nologin
PASSWD
printf 'root:x:0:\nuploader:x:65532:\n' > "$rootfs/etc/group"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
chown 65532:65532 "$rootfs/state" "$rootfs/data"

layout="$work/layout"
umoci init --layout "$layout"
umoci new --image "$layout:base"
umoci unpack --image "$layout:base" "$work/bundle"
rm -rf "$work/bundle/rootfs"
mv "$rootfs" "$work/bundle/rootfs"
umoci repack --image "$layout:base" "$work/bundle"
umoci config --image "$layout:base" --config.user 65532:65532 \
  --config.env PATH=/opt/java/bin:/usr/bin:/bin --config.env JAVA_HOME=/opt/java \
  --config.workingdir /state --os linux --architecture amd64
mkdir -p "$out"
rm -f "$tarball"
skopeo copy --quiet "oci:$layout:base" "docker-archive:$tarball:edge-uploader-base:17"
echo "base image: $tarball ($(du -h "$tarball" | cut -f1))"
