#!/usr/bin/env bash
# The last step of the offline image build (-Pimage-local runs it after Jib): for each
# architecture's single-platform image, record a class-data sharing archive by running the image
# itself (under qemu-user emulation for arm64), add it as a layer, then merge the images into one
# OCI image index, so one reference serves linux/amd64 and linux/arm64.
#
#   deploy/make-image-index.sh TARGET_DIR IMAGE_NAME
#     reads  TARGET_DIR/jib-image-ARCH.tar  (Jib's output, one per architecture)
#     writes TARGET_DIR/image-index.tar     (OCI archive: the index and both images)
#            TARGET_DIR/image-ARCH.tar      (docker-archive of one architecture, for docker load)
#            TARGET_DIR/image-sizes.txt     (compressed and unpacked bytes per architecture)
#
# Needs podman (runs the training), umoci (adds the layer) and skopeo; for arm64 on another
# machine, qemu-user-static with binfmt_misc (see the README, "Running on ARM").
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: make-image-index.sh TARGET_DIR IMAGE_NAME" >&2; exit 2; }
target=$(cd "$1" && pwd)
name=$2
tag=${name##*:}
arches="amd64 arm64"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091 # the settings script is checked on its own
. "$here/podman/checkout-env.sh"
for tool in podman umoci skopeo sha256sum; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done

work=$(mktemp -d)
loaded=()
cleanup() {
  if [ ${#loaded[@]} -gt 0 ]; then podman rmi --force "${loaded[@]}" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
layout="$work/layout"
umoci init --layout "$layout"

# The image run as the image's entrypoint runs it, as root so that it can write into /cds.
run_image() {
  local image=$1 arch=$2
  shift 2
  podman run --rm --pull=never --platform "linux/$arch" --user 0:0 -v "$work/cds-$arch:/cds" "$@"
}

# A training run through the image's own entrypoint (the demo: create a table, upload, commit,
# checkpoint) lists the classes the uploader loads; -Xshare:dump archives them, with the JDK's,
# into one static archive, which only this image's JVM and jars (same paths, sizes and times) can
# map. /app/uploader.classpath is the class path the entrypoint gives (uploader/pom.xml).
# -Xshare:on proves that the archive maps.
add_cds_archive() {
  local arch=$1 image=$2 started=$SECONDS
  local log="$work/cds-$arch/cds.log"
  mkdir -p "$work/cds-$arch"
  if ! { run_image "$image" "$arch" -e JAVA_TOOL_OPTIONS=-XX:DumpLoadedClassList=/cds/classes.lst \
           "$image" demo --dir /tmp/cds --rows 2000 &&
         run_image "$image" "$arch" --entrypoint java "$image" -XX:+UseSerialGC -Xshare:dump \
           -XX:SharedClassListFile=/cds/classes.lst -XX:SharedArchiveFile=/cds/uploader.jsa \
           -cp @/app/uploader.classpath &&
         run_image "$image" "$arch" --entrypoint java "$image" -XX:+UseSerialGC -Xshare:on \
           -XX:SharedArchiveFile=/cds/uploader.jsa -cp @/app/uploader.classpath io.edgeuploader.cli.Main \
           --version; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "error: the $arch class-data archive could not be made" >&2
    exit 1
  fi
  chmod 644 "$work/cds-$arch/uploader.jsa"
  umoci insert --image "$layout:$arch" --history.comment "class-data sharing archive ($arch)" \
    "$work/cds-$arch/uploader.jsa" /app/uploader.jsa
  echo "$arch: class-data archive $(du -h "$work/cds-$arch/uploader.jsa" | cut -f1)," \
    "$(wc -l <"$work/cds-$arch/classes.lst") classes, $((SECONDS - started)) s"
}

manifests=""
: >"$target/image-sizes.txt"
for arch in $arches; do
  jib_tar="$target/jib-image-$arch.tar"
  [ -e "$jib_tar" ] || { echo "error: $jib_tar is missing (mvn -Pimage-local package)" >&2; exit 2; }
  image=$(podman pull -q --platform "linux/$arch" "docker-archive:$jib_tar")
  loaded+=("$image")
  skopeo copy --quiet "docker-archive:$jib_tar" "oci:$layout:$arch"
  add_cds_archive "$arch" "$image"
  raw="$work/manifest-$arch.json"
  skopeo inspect --raw "oci:$layout:$arch" >"$raw"
  digest=$(sha256sum "$raw" | cut -d' ' -f1)
  variant=""
  [ "$arch" = arm64 ] && variant=',"variant":"v8"'
  manifests="$manifests${manifests:+,}{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$digest\",\"size\":$(wc -c <"$raw"),\"platform\":{\"architecture\":\"$arch\",\"os\":\"linux\"$variant}}"
  # What a registry pull downloads (the manifest's compressed layers and config) and what the
  # layers unpack to.
  compressed=$(($(grep -o '"size":[0-9]*' "$raw" | cut -d: -f2 | paste -sd+)))
  unpacked=0
  for layer in $(grep -o '"digest":"sha256:[0-9a-f]*"' "$raw" | cut -d: -f3 | tr -d '"'); do
    if gzip -t "$layout/blobs/sha256/$layer" 2>/dev/null; then
      unpacked=$((unpacked + $(gzip -dc "$layout/blobs/sha256/$layer" | wc -c)))
    fi
  done
  echo "$arch compressed=$compressed unpacked=$unpacked" >>"$target/image-sizes.txt"
  rm -f "$target/image-$arch.tar"
  skopeo copy --quiet "oci:$layout:$arch" "docker-archive:$target/image-$arch.tar:$name"
done

# The index: one reference, one manifest per platform. Written by hand (a few lines of JSON)
# because neither umoci nor skopeo merges images into an index.
index="$work/index.json"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' \
  "$manifests" >"$index"
index_digest=$(sha256sum "$index" | cut -d' ' -f1)
cp "$index" "$layout/blobs/sha256/$index_digest"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
  "$index_digest" "$(wc -c <"$index")" "$tag" >"$layout/index.json"
rm -f "$target/image-index.tar"
skopeo copy --quiet --all "oci:$layout:$tag" "oci-archive:$target/image-index.tar:$name"
echo "image index: $target/image-index.tar ($name: linux/amd64, linux/arm64)"
sed 's/^/  /' "$target/image-sizes.txt"
