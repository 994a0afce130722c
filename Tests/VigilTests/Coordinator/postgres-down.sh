#!/usr/bin/env bash
# Stops a cluster postgres-up.sh started (immediately: what a crash looks like to clients).
# `postgres-down.sh DATA_DIR start` starts it again on its port.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
data=$1
if [ "${2:-stop}" = start ]; then
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $data -l $data/../log -w start" >/dev/null
else
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $data -m immediate stop" >/dev/null
fi
