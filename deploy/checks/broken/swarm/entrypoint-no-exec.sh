#!/bin/sh
# Broken on purpose (deploy/checks/swarm.sh): it runs yujie as a child instead of replacing
# itself (so SIGTERM from Swarm never reaches yujie) and keeps the secrets' trailing
# newlines. The entrypoint test must refuse it.
set -eu
for file in "${ENTRYPOINT_SECRETS_DIR:-/run/secrets}"/YUJIE_*; do
  [ -f "$file" ] || continue
  name="${file##*/}"
  value="$(cat "$file"; printf x)"
  export "$name=${value%x}"
done
yujie "$@"
