#!/usr/bin/env bash
# Broken on purpose (deploy/checks/lint.sh must reject it): the unquoted expansion splits
# and globs (SC2086), so a directory with a space in its name is read as two.
set -euo pipefail
dir=$1
du -sh $dir/cache
