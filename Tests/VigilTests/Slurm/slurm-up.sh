#!/usr/bin/env bash
# Starts a one-node Slurm on this machine (munge, slurmctld, slurmd) for the shard tests,
# unless one answers already. Needs root and Debian's slurm-wlm and munge (.ci/run installs
# them). Prints what failed and exits non-zero when Slurm cannot be started.
set -euo pipefail
if sinfo -h -o %t 2>/dev/null | grep -q idle; then exit 0; fi
[ "$(id -u)" = 0 ] || { echo "starting Slurm needs root (slurmd runs jobs as their users)"; exit 1; }
# The daemons start with every descriptor above 2 closed. They outlive this script, and one
# that kept a descriptor it inherited would keep it open for its life: the socket by which the
# test process learns that this script ended (so the test waited forever: seen in CI), or a
# pipe someone reads to its end.
detached() (
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
  done
  exec "$@"
)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
host=$(hostname -s)
cat >/etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
[ -f /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chmod 400 /etc/munge/munge.key; }
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
pgrep -x munged >/dev/null || detached su -s /bin/sh munge -c munged
[ -f /run/slurmctld.pid ] && kill -0 "$(cat /run/slurmctld.pid)" 2>/dev/null || detached slurmctld -c
sleep 2
[ -f /run/slurmd.pid ] && kill -0 "$(cat /run/slurmd.pid)" 2>/dev/null || detached slurmd
for _ in $(seq 1 30); do
  if sinfo -h -o %t 2>/dev/null | grep -q idle; then echo started; exit 0; fi
  sleep 1
done
echo "Slurm did not come up: sinfo says '$(sinfo -h 2>&1 | head -1)'; slurmctld.log: $(tail -2 /var/log/slurm/slurmctld.log 2>/dev/null | tr '\n' ' ')"
exit 1
