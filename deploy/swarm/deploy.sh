#!/usr/bin/env bash
# Deploys Yujie Station on Docker Swarm; deploy/README.md is the runbook. Run it on a
# manager node, from a checkout of the release's commit (the configs come from it):
#
#   YUJIE_IMAGE=<registry>/yujie:<git sha> deploy/swarm/deploy.sh release
#       preflight, migrate, deploy, then wait for the rollout and print each service's
#       state; exits non-zero if the migration failed or a service rolled back
#   deploy/swarm/deploy.sh render [stack|migrate]   the stack file as Swarm reads it
#   deploy/swarm/deploy.sh preflight                the image tag and every secret exist
#   deploy/swarm/deploy.sh migrate                  `yujie migrate` once, as a Swarm job
#   deploy/swarm/deploy.sh deploy                   docker stack deploy (rolling update)
#   deploy/swarm/deploy.sh status                   `<service> <update state>` lines;
#                                                   non-zero if one rolled back or paused
#
# Settings come from deploy/swarm/stack.env (STACK_ENV names another file); a variable set
# in the environment wins. STACK names the stack (default yujie), MIGRATE_TIMEOUT_SECS
# bounds the migration (default 900), ROLLOUT_TIMEOUT_SECS the rollout (default 1800).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
stack="${STACK:-yujie}"
migrate_stack="$stack-migrate"

die() {
  echo "deploy: $*" >&2
  exit 1
}

load_settings() {
  local file="${STACK_ENV:-$here/stack.env}" line key
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    [[ $line =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || die "$file: not a KEY=VALUE line: $line"
    key="${BASH_REMATCH[1]}"
    [[ -n ${!key+set} ]] || export "$key=${BASH_REMATCH[2]}"
  done <"$file"
}

# The first 12 hex digits of the SHA-256 of the files' contents, in the order given.
digest() {
  local file
  for file in "$@"; do
    [[ -f $file ]] || die "${file#"$repo"/} is missing (a config of the stack)"
  done
  cat -- "$@" | sha256sum | cut -c1-12
}

# Configs are immutable in Swarm: each is named after the content of its group of files.
compute_digests() {
  local grafana=()
  mapfile -t grafana < <(find "$repo/deploy/monitoring/grafana" -type f \( -name '*.yml' -o -name '*.json' \) | LC_ALL=C sort)
  export APP_CONFIG_DIGEST TRAEFIK_CONFIG_DIGEST PROMETHEUS_CONFIG_DIGEST ALERTMANAGER_CONFIG_DIGEST GRAFANA_CONFIG_DIGEST
  APP_CONFIG_DIGEST="$(digest "$repo/config/production.toml")"
  TRAEFIK_CONFIG_DIGEST="$(digest "$here/traefik/dynamic.yml")"
  PROMETHEUS_CONFIG_DIGEST="$(digest "$repo/deploy/monitoring/prometheus/prometheus.yml" "$repo/deploy/monitoring/prometheus/alerts.yml")"
  ALERTMANAGER_CONFIG_DIGEST="$(digest "$here/alertmanager.yml")"
  GRAFANA_CONFIG_DIGEST="$(digest "${grafana[@]}")"
}

require_image() {
  [[ -n ${YUJIE_IMAGE:-} ]] || die "set YUJIE_IMAGE=<registry>/yujie:<git sha>"
  [[ $YUJIE_IMAGE =~ :[A-Za-z0-9_.-]+$ || $YUJIE_IMAGE == *@sha256:* ]] || die "YUJIE_IMAGE needs a tag or a digest: $YUJIE_IMAGE"
  [[ $YUJIE_IMAGE != *:latest ]] || die "YUJIE_IMAGE must name a release, not latest (a rollback needs the previous tag)"
}

render() {
  case "${1:-stack}" in
    stack) docker stack config -c "$here/stack.yml" ;;
    migrate) docker stack config -c "$here/migrate.yml" ;;
    *) die "render stack|migrate" ;;
  esac
}

# Every external secret the stack names exists in the swarm.
preflight() {
  require_image
  local name missing=()
  while read -r name; do
    docker secret inspect "$name" >/dev/null 2>&1 || missing+=("$name")
  done < <(render stack | awk '/^secrets:/ { s = 1; next } /^[^ ]/ { s = 0 } s && $1 == "name:" { print $2 }')
  ((${#missing[@]} == 0)) || die "missing secrets (deploy/README.md, 'Secrets'): ${missing[*]}"
  echo "deploy: image $YUJIE_IMAGE, every secret present"
}

migrate_stack_gone() {
  [[ -z "$(docker service ls -q --filter "label=com.docker.stack.namespace=$migrate_stack")" ]] \
    && [[ -z "$(docker network ls -q --filter "label=com.docker.stack.namespace=$migrate_stack")" ]] \
    && [[ -z "$(docker config ls -q --filter "label=com.docker.stack.namespace=$migrate_stack")" ]]
}

remove_migrate_stack() {
  migrate_stack_gone && return 0
  docker stack rm "$migrate_stack" >/dev/null
  local deadline=$((SECONDS + 120))
  until migrate_stack_gone; do
    ((SECONDS < deadline)) || die "$migrate_stack is still being removed after 120 s"
    sleep 2
  done
}

# Applies the release's migrations before its services roll; the job runs once.
migrate() {
  require_image
  remove_migrate_stack
  docker stack deploy --with-registry-auth --detach=true -c "$here/migrate.yml" "$migrate_stack" >/dev/null
  local job="${migrate_stack}_migrate" state=""
  local deadline=$((SECONDS + ${MIGRATE_TIMEOUT_SECS:-900}))
  echo "deploy: migrating with $YUJIE_IMAGE"
  while :; do
    state="$(docker service ps --format '{{.CurrentState}}' "$job" 2>/dev/null | head -n 1)"
    case "$state" in
      Complete*)
        docker service logs --raw "$job" 2>&1 | tail -n 20
        remove_migrate_stack
        echo "deploy: migrations applied"
        return 0
        ;;
      Failed* | Rejected* | Shutdown* | Orphaned*)
        docker service ps --no-trunc "$job" >&2 || true
        docker service logs --raw "$job" >&2 || true
        die "the migration job ended: $state (kept for inspection: docker service logs $job)"
        ;;
    esac
    ((SECONDS < deadline)) || die "the migration job did not finish in time (state: ${state:-none})"
    sleep 3
  done
}

deploy() {
  require_image
  docker stack deploy --with-registry-auth --prune --detach=false -c "$here/stack.yml" "$stack"
}

# One line per service: `<name> <state>`, state being the last update's (completed,
# rollback_completed, paused, …) or `none` for a service never updated.
status() {
  local name state failed=()
  while read -r name; do
    state="$(docker service inspect --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{else}}none{{end}}' "$name")"
    echo "$name $state"
    case "$state" in rollback_* | paused) failed+=("$name") ;; esac
  done < <(docker stack services --format '{{.Name}}' "$stack" | LC_ALL=C sort)
  ((${#failed[@]} == 0)) || die "rolled back or paused: ${failed[*]}"
}

# `docker stack deploy --detach=false` returns when the tasks converge; an automatic
# rollback may still be running then.
wait_rollout() {
  local deadline=$((SECONDS + ${ROLLOUT_TIMEOUT_SECS:-1800})) states
  while :; do
    states="$(docker stack services --format '{{.Name}}' "$stack" \
      | xargs -r docker service inspect --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}')"
    grep -Eq '^(updating|rollback_started)$' <<<"$states" || return 0
    ((SECONDS < deadline)) || die "the rollout has not settled after ${ROLLOUT_TIMEOUT_SECS:-1800} s"
    sleep 5
  done
}

load_settings
compute_digests
case "${1:-}" in
  render) render "${2:-stack}" ;;
  preflight) preflight ;;
  migrate) migrate ;;
  deploy) deploy ;;
  status) status ;;
  release)
    preflight
    migrate
    deploy
    wait_rollout
    status
    ;;
  *)
    sed -n '2,20p' "$0" >&2
    exit 2
    ;;
esac
