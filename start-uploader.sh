#!/usr/bin/env bash
# Starts the uploader container for one config file:
#   - the config mounted read-only at /config/uploader-config.yaml,
#   - the SQLite file's directory at /data, the state directory at /state (and a local Delta
#     table's directory at /table), with the paths inside the container passed as SQLITE_PATH,
#     STATE_DIR and TABLE_PATH (the environment overrides the file),
#   - restart policy unless-stopped, running as the owner of the SQLite file,
#   - credentials and settings passed through by name from this environment (never printed),
#     AWS_CA_BUNDLE's file mounted read-only where the container can read it,
#   - NODE_ID (default: this host's name), so the node keeps its id when the container is
#     recreated (a container's own host name is new each time),
#   - with METRICS_PORT set, the port published on this host's 127.0.0.1 (METRICS_PUBLISH
#     changes the address).
# Uses docker when an engine answers, else podman; --dry-run prints the command either way.
#
# usage: start-uploader.sh [--dry-run] [--image IMAGE] [--name NAME] CONFIG [UPLOADER_ARGS...]
#   e.g. start-uploader.sh /etc/edge-uploader/uploader-config.yaml --interval 60
set -euo pipefail

image=${UPLOADER_IMAGE:-edge-uploader:0.1.0-SNAPSHOT}
name=edge-uploader
dry_run=false
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true; shift ;;
    --image) image=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo pipefail$/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "error: no config file given (usage: start-uploader.sh [--dry-run] CONFIG)" >&2; exit 2; }
config=$(realpath "$1")
shift
[ -r "$config" ] || { echo "error: config file not readable: $config" >&2; exit 2; }

# A top-level scalar of the YAML file (enough for the uploader's flat config).
yaml_value() {
  sed -n "s/^$1:[[:space:]]*//p" "$config" | head -n 1 | sed -e 's/[[:space:]]#.*$//' \
    -e 's/[[:space:]]*$//' -e "s/^[\"']//" -e "s/[\"']\$//"
}
# A relative path in the file is relative to the file, as the uploader reads it.
yaml_path() {
  local value
  value=$(yaml_value "$1")
  case "$value" in
    ""|/*|*://*) printf '%s' "$value" ;;
    *) printf '%s/%s' "$(dirname "$config")" "$value" ;;
  esac
}

sqlite=${SQLITE_PATH:-$(yaml_path sqlite)}
[ -n "$sqlite" ] || { echo "error: $config has no 'sqlite:' and SQLITE_PATH is not set" >&2; exit 2; }
[ -e "$sqlite" ] || { echo "error: SQLite database not found: $sqlite" >&2; exit 3; }
sqlite=$(realpath "$sqlite")
state=${STATE_DIR:-$(yaml_path state_dir)}
state=$(realpath -m "${state:-uploader-state}")
table_path=${TABLE_PATH:-$(yaml_path table_path)}
owner=${UPLOADER_USER:-$(stat -c '%u:%g' "$sqlite")}

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  engine=docker
elif command -v podman >/dev/null 2>&1; then
  engine=podman
elif $dry_run; then
  engine=docker
else
  echo "error: neither a docker engine nor podman is available (install one, or see --dry-run)" >&2
  exit 2
fi

args=(run --detach --name "$name" --restart unless-stopped --user "$owner"
  --volume "$config:/config/uploader-config.yaml:ro"
  --volume "$(dirname "$sqlite"):/data"
  --env "SQLITE_PATH=/data/$(basename "$sqlite")"
  --volume "$state:/state"
  --env "STATE_DIR=/state"
  --env "NODE_ID=${NODE_ID:-$(hostname)}")
case "$table_path" in
  *://*|"") ;;
  *)
    table_path=$(realpath -m "$table_path")
    args+=(--volume "$table_path:/table" --env "TABLE_PATH=/table") ;;
esac
# By name only: the engine copies the value from this environment, so no secret is printed.
for var in $(compgen -e); do
  case "$var" in
    AWS_CA_BUNDLE) ;;
    AWS_*|AZURE_*|UPLOAD_INTERVAL|BATCH_ROWS|SQLITE_TABLE|TIMESTAMP_COLUMN|SQLITE_BUSY_TIMEOUT|\
    LOG_FORMAT|METRICS_PORT|OTEL_EXPORTER_OTLP_ENDPOINT|PARTITION_BY|AUDIT_COLUMNS|NEW_SOURCE)
      args+=(--env "$var") ;;
  esac
done
# A host path means nothing inside the container: mount the bundle and point at the mount.
if [ -n "${AWS_CA_BUNDLE:-}" ]; then
  args+=(--volume "$(realpath "$AWS_CA_BUNDLE"):/config/ca-bundle.pem:ro"
    --env "AWS_CA_BUNDLE=/config/ca-bundle.pem")
fi
# The metrics port answers probes from outside only on all of the container's addresses.
if [ -n "${METRICS_PORT:-}" ]; then
  args+=(--env "METRICS_HOST=0.0.0.0"
    --publish "${METRICS_PUBLISH:-127.0.0.1}:$METRICS_PORT:$METRICS_PORT")
fi
args+=("$image" run --config /config/uploader-config.yaml "$@")

if $dry_run; then
  printf '%q ' "$engine" "${args[@]}"
  printf '\n'
  exit 0
fi
mkdir -p "$state"
case "$table_path" in /*) mkdir -p "$table_path" ;; esac
if [ "$(id -u)" = 0 ]; then
  chown "$owner" "$state"
  case "$table_path" in /*) chown "$owner" "$table_path" ;; esac
fi
exec "$engine" "${args[@]}"
