#!/bin/sh
# The image's entrypoint: turns mounted secret files into the environment variables the
# config reads, then replaces itself with `yujie "$@"` (the image's CMD by default:
# `serve --config /app/config/production.toml`).
#
# The convention, the same on Docker Swarm and on Kubernetes:
#   every file directly in /run/secrets whose name starts with YUJIE_ becomes the
#   environment variable of that name, e.g. /run/secrets/YUJIE_AUTH__JWT_SECRET sets
#   YUJIE_AUTH__JWT_SECRET. The value is the whole file, internal newlines kept (PEM keys
#   work), with trailing newlines removed (so `echo secret | docker secret create` works).
#   Swarm: mount each secret with `target: YUJIE_…`. Kubernetes: mount a Secret whose keys
#   are YUJIE_… names as a volume at /run/secrets (symlinked keys are followed).
#   Other files there (the Kubernetes service account folder, …) are left alone.
#   A name that is not a valid variable name stops the start, and so does a variable
#   already set in the environment: two sources for one setting is a mistake.
#   Only the names are logged, never the values.
#
# ENTRYPOINT_SECRETS_DIR replaces /run/secrets (for tests, or a platform that mounts
# secrets elsewhere). It is not a YUJIE_ name on purpose: the config refuses unknown
# YUJIE_ variables.
set -eu

secrets_dir="${ENTRYPOINT_SECRETS_DIR:-/run/secrets}"
unset ENTRYPOINT_SECRETS_DIR

loaded=""
if [ -d "$secrets_dir" ]; then
  for file in "$secrets_dir"/YUJIE_*; do
    [ -f "$file" ] || continue
    name="${file##*/}"
    case "$name" in
      *[!A-Za-z0-9_]*)
        echo "entrypoint: $file is not a valid variable name; rename the secret's target" >&2
        exit 64
        ;;
    esac
    if eval "[ -n \"\${$name+set}\" ]"; then
      echo "entrypoint: $name is set both in the environment and as a secret file; keep one" >&2
      exit 64
    fi
    # Command substitution drops the trailing newlines and keeps the others.
    value="$(cat "$file")"
    export "$name=$value"
    loaded="$loaded $name"
  done
fi

if [ -n "$loaded" ]; then
  echo "entrypoint: environment from $secrets_dir:$loaded" >&2
fi

exec yujie "$@"
