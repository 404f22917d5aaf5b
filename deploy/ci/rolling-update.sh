#!/usr/bin/env bash
# Zero-downtime rolling update of the yujie services to one image, one service at a time,
# stopping at the first service that fails (a bad image would fail the next ones too).
#
#   deploy/ci/rolling-update.sh swarm IMAGE yujie_identity yujie_content ...
#   deploy/ci/rolling-update.sh k8s   IMAGE yujie_identity yujie_content ...
#
# swarm: `docker service update` against DOCKER_HOST (e.g. ssh://deploy@swarm-manager),
#   start-first (the new task runs beside the old one), one task at a time, each new task
#   watched for UPDATE_MONITOR (default 90s, as the HEALTHCHECK may take its 30 s start
#   period plus 3 failed probes 10 s apart to call a task unhealthy): a task that exits or
#   turns unhealthy in that time fails the update and Swarm rolls the service back by
#   itself (--update-failure-action rollback). A task counts as running only once its
#   HEALTHCHECK passes, so the old task is stopped only after the new one is healthy.
#   This changes the image only; migrations and stack-level changes are
#   deploy/ci/deploy-swarm.sh's part (it calls this script).
# k8s: `kubectl set image` on deployment "${K8S_DEPLOYMENT_PREFIX}<service without yujie_>"
#   in K8S_NAMESPACE (default yujie), container K8S_CONTAINER (default '*': all of them),
#   then `kubectl rollout status` for ROLLOUT_TIMEOUT (default 10m); on failure
#   `kubectl rollout undo`. Zero downtime there comes from the manifests (maxUnavailable 0,
#   readiness probes).
#
# RESULTS_FILE (optional): one line per service attempted, "<service> ok" or
# "<service> failed", for deploy/ci/record-deployment. Exit status: 0 when every service
# was updated, 1 when one failed (and was rolled back), 2 on bad usage.
set -euo pipefail

usage() {
  echo "usage: $0 swarm|k8s IMAGE SERVICE..." >&2
  exit 2
}
[[ $# -ge 3 ]] || usage
target=$1 image=$2
shift 2
case $target in swarm | k8s) ;; *) usage ;; esac

UPDATE_MONITOR=${UPDATE_MONITOR:-90s}
UPDATE_DELAY=${UPDATE_DELAY:-10s}
CONVERGE_TIMEOUT_SECS=${CONVERGE_TIMEOUT_SECS:-900}
K8S_NAMESPACE=${K8S_NAMESPACE:-yujie}
K8S_CONTAINER=${K8S_CONTAINER:-*}
K8S_DEPLOYMENT_PREFIX=${K8S_DEPLOYMENT_PREFIX:-}
ROLLOUT_TIMEOUT=${ROLLOUT_TIMEOUT:-10m}

log() { printf 'rolling-update: %s\n' "$*" >&2; }
result() { [[ -z ${RESULTS_FILE:-} ]] || printf '%s %s\n' "$1" "$2" >>"$RESULTS_FILE"; }

swarm_state() { # service -> the state of its last update (empty when it never had one)
  docker service inspect --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "$1"
}

swarm_update() { # service
  local service=$1 state waited=0
  log "$service: updating to $image (start-first, monitor $UPDATE_MONITOR, rollback on failure)"
  # With --detach=false the command follows the update; it may exit non-zero when Swarm
  # rolls back, and the state read below is what decides either way.
  docker service update --detach=false --quiet --with-registry-auth --image "$image" \
    --update-order start-first --update-parallelism 1 --update-delay "$UPDATE_DELAY" \
    --update-monitor "$UPDATE_MONITOR" --update-failure-action rollback --update-max-failure-ratio 0 \
    --rollback-order start-first --rollback-parallelism 1 --rollback-monitor "$UPDATE_MONITOR" \
    "$service" || log "$service: docker service update exited with $?"
  while :; do
    state=$(swarm_state "$service") || return 1
    case $state in
      completed | "") break ;;
      rollback_completed | rollback_paused | paused) break ;;
    esac
    ((waited < CONVERGE_TIMEOUT_SECS)) || break
    sleep 5
    waited=$((waited + 5))
  done
  local running
  running=$(docker service inspect --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "$service") || return 1
  # Swarm pins the tag to a digest (repo:tag@sha256:…), so compare the prefix.
  if [[ ($state == completed || -z $state) && ($running == "$image" || $running == "$image"@*) ]]; then
    log "$service: updated"
    return 0
  fi
  log "$service: update failed (state '${state:-none}', running $running)"
  return 1
}

k8s_update() { # service
  local service=$1 deployment
  deployment="${K8S_DEPLOYMENT_PREFIX}${service#yujie_}"
  log "$service: kubectl set image deployment/$deployment $K8S_CONTAINER=$image (namespace $K8S_NAMESPACE)"
  kubectl -n "$K8S_NAMESPACE" set image "deployment/$deployment" "$K8S_CONTAINER=$image" || return 1
  if kubectl -n "$K8S_NAMESPACE" rollout status "deployment/$deployment" --timeout "$ROLLOUT_TIMEOUT"; then
    log "$service: updated"
    return 0
  fi
  log "$service: rollout did not complete in $ROLLOUT_TIMEOUT; undoing"
  kubectl -n "$K8S_NAMESPACE" rollout undo "deployment/$deployment" || true
  kubectl -n "$K8S_NAMESPACE" rollout status "deployment/$deployment" --timeout "$ROLLOUT_TIMEOUT" || true
  return 1
}

# The update functions run as `if` conditions, where set -e does not apply: each checks
# its own steps and returns 1.
for service in "$@"; do
  if "${target}_update" "$service"; then
    result "$service" ok
  else
    result "$service" failed
    log "stopping: the services after $service keep their current image"
    exit 1
  fi
done
log "all services run $image"
