#!/usr/bin/env bash
# Posts one pipeline event to the team's DingTalk group through deploy/ci/dingtalk-notify,
# worded the same from GitHub Actions and from CODING CI:
#
#   deploy/ci/notify-build.sh started|success|failure|aborted [DETAIL]
#
# Reads (all optional): PIPELINE_NAME (e.g. "web", "backend"), CI_BRANCH, CI_BUILD_ID,
# CI_BUILD_URL, CI_ACTOR, CI_EVENT (e.g. "push", "pull request"); the commit comes from
# `git log -1` in the work tree. DINGTALK_WEBHOOK and DINGTALK_SECRET are passed on
# untouched and never printed.
#
# A notification must never fail a build: this always exits 0 and says on stderr when
# the message could not be sent.
set -uo pipefail

status=${1:-}
detail=${2:-}
case $status in
  started) mark='🚀' ;;
  success) mark='✅' ;;
  failure) mark='❌' ;;
  aborted) mark='⚠️' ;;
  *)
    echo "usage: $0 started|success|failure|aborted [DETAIL]" >&2
    exit 0
    ;;
esac

pipeline=${PIPELINE_NAME:-yujie}
branch=${CI_BRANCH:-unknown}
build=${CI_BUILD_ID:-?}
if sha=$(git log -1 --format=%h 2>/dev/null); then
  commit="\`$sha\` $(git log -1 --format='%s (%an)')"
else
  commit='unknown'
fi
if [[ -n ${CI_BUILD_URL:-} ]]; then build_ref="[#$build]($CI_BUILD_URL)"; else build_ref="#$build"; fi

title="$pipeline $status · $branch #$build"
text="#### $mark $pipeline · $branch · $status
- **build**: $build_ref
- **commit**: $commit"
if [[ $status == started ]]; then
  text+="
- **trigger**: ${CI_EVENT:-push}${CI_ACTOR:+ by $CI_ACTOR}"
fi
if [[ -n $detail ]]; then
  text+="
- **detail**: $detail"
fi

here=$(dirname "$0")
if ! python3 "$here/dingtalk-notify" --title "$title" "$text"; then
  echo "notify-build: the DingTalk notification was not sent (see above); the build goes on" >&2
fi
exit 0
