#!/usr/bin/env bash
# A release of one image on a Swarm (intranet staging or production), from CI:
#
#   deploy/ci/deploy-swarm.sh image IMAGE   (the default: a new build of the code)
#       deploy/swarm/deploy.sh preflight and migrate (the release's migrations, once,
#       before any service rolls), then deploy/ci/rolling-update.sh: `docker service
#       update --image` of each service in SERVICES, one after another, start-first,
#       healthcheck-gated, rolled back on failure, stopping at the first failure.
#   deploy/ci/deploy-swarm.sh stack IMAGE
#       deploy/swarm/deploy.sh preflight, migrate and deploy: `docker stack deploy` of the
#       whole stack file, for a release that also changes the stack (configs, secret
#       versions, routes, new services); each service rolls per its update_config
#       (start-first, rollback). Then waits for the rollout to settle.
#
# Environment: DOCKER_HOST (the Swarm manager, e.g. ssh://deploy@10.0.1.10), STACK_ENV
# (that Swarm's settings file, deploy.sh's default is deploy/swarm/stack.env),
# SWARM_SSH_KEY_FILE (optional: a key loaded into an ssh-agent for this run only; the
# manager's host key must already be in the build user's known_hosts), SERVICES (default:
# the five yujie services), RESULTS_FILE ("<service> ok|failed" per service, for
# deploy/ci/record-deployment). Exit status 0 only when every service runs IMAGE.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
  echo "usage: $0 image|stack IMAGE" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
mode=$1
export YUJIE_IMAGE=$2
case $mode in image | stack) ;; *) usage ;; esac

SERVICES=${SERVICES:-yujie_identity yujie_content yujie_billing yujie_companion yujie_admin}
SWARM_DEPLOY=${SWARM_DEPLOY:-deploy/swarm/deploy.sh}
ROLLOUT_TIMEOUT_SECS=${ROLLOUT_TIMEOUT_SECS:-1800}
read -r -a services <<<"$SERVICES"

log() { printf 'deploy-swarm: %s\n' "$*" >&2; }

agent_pid=
cleanup() { [[ -z $agent_pid ]] || kill "$agent_pid" 2>/dev/null || true; }
trap cleanup EXIT
if [[ -n ${SWARM_SSH_KEY_FILE:-} ]]; then
  eval "$(ssh-agent -s)" >/dev/null
  agent_pid=$SSH_AGENT_PID
  ssh-add -q "$SWARM_SSH_KEY_FILE"
fi

# No service has changed yet when these fail, so nothing is recorded as deployed.
"$SWARM_DEPLOY" preflight
"$SWARM_DEPLOY" migrate

if [[ $mode == image ]]; then
  # Not exec: the EXIT trap still has to stop the ssh-agent.
  deploy/ci/rolling-update.sh swarm "$YUJIE_IMAGE" "${services[@]}"
  exit
fi

# stack: deploy.sh's `status` prints "<service> <state>" for every service of the stack;
# wait until none of ours is still updating or rolling back, then report ours.
deploy_status=0
"$SWARM_DEPLOY" deploy || deploy_status=$?
deadline=$((SECONDS + ROLLOUT_TIMEOUT_SECS))
while :; do
  states=$("$SWARM_DEPLOY" status 2>/dev/null || true)
  pending=0
  for service in "${services[@]}"; do
    grep -Eq "^$service (updating|rollback_started)$" <<<"$states" && pending=1
  done
  ((pending == 1 && SECONDS < deadline)) || break
  sleep 5
done
failed=0
for service in "${services[@]}"; do
  state=$(awk -v s="$service" '$1 == s { print $2 }' <<<"$states")
  case $state in
    completed | none) outcome=ok ;;
    *) outcome=failed ;; # rollback_*, paused, still updating at the deadline, or missing
  esac
  [[ $outcome == ok ]] || failed=1
  log "$service: ${state:-missing} ($outcome)"
  [[ -z ${RESULTS_FILE:-} ]] || printf '%s %s\n' "$service" "$outcome" >>"$RESULTS_FILE"
done
((deploy_status == 0 && failed == 0)) || exit 1
log "the stack runs $YUJIE_IMAGE"
