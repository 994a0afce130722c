#!/usr/bin/env bash
# Stops the one-node Slurm slurm-up.sh started, by the process ids the daemons wrote.
for pid in /run/slurmd.pid /run/slurmctld.pid; do
  [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
done
