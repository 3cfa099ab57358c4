#!/usr/bin/env bash
# Start a one-node Slurm cluster on this machine, as root, for CI (issue 19):
# munged with its own key and socket, then slurmctld and slurmd, all with their
# state, logs and PID files under one folder (default /tmp/kd-slurm; override
# with KD_SLURM_DIR), so nothing under /etc or /run is touched. Needs the Debian
# packages slurmctld, slurmd, slurm-client and munge.
#
# On success it prints the line `export SLURM_CONF=<dir>/slurm.conf` (source it,
# or set SLURM_CONF yourself, before sbatch/squeue) and exits 0 once
# `sbatch --wait` runs a two-task array to completion. .ci/slurm_down.sh stops
# the daemons by the PIDs recorded in <dir>/pids.
set -euo pipefail

D="${KD_SLURM_DIR:-/tmp/kd-slurm}"
CTLD_PORT="${KD_SLURM_CTLD_PORT:-16817}"
SLURMD_PORT="${KD_SLURM_SLURMD_PORT:-16818}"
CPUS="${KD_SLURM_CPUS:-2}"
# The node's memory in MB (90% of MemTotal), so jobs asking for --mem are schedulable.
MEM_MB="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)"

for exe in munged slurmctld slurmd sbatch sinfo scontrol; do
  if ! command -v "$exe" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$exe" ]; then
    echo "slurm_up: $exe not found; apt-get install -y slurmctld slurmd slurm-client munge" >&2
    exit 2
  fi
done
export PATH="$PATH:/usr/sbin"

if [ -f "$D/pids" ]; then
  echo "slurm_up: $D/pids exists (a cluster from an earlier run?); run .ci/slurm_down.sh first" >&2
  exit 2
fi
mkdir -p "$D"/{munge,state,spool,logs}
chmod 700 "$D/munge"
: >"$D/pids"

# munge: a fresh random key only this cluster uses.
dd if=/dev/urandom of="$D/munge/munge.key" bs=1 count=1024 status=none
chmod 400 "$D/munge/munge.key"
munged --force --key-file="$D/munge/munge.key" --socket="$D/munge/munge.socket" \
  --pid-file="$D/munge/munged.pid" --log-file="$D/logs/munged.log" \
  --seed-file="$D/munge/munged.seed"
for _ in $(seq 50); do [ -s "$D/munge/munged.pid" ] && break; sleep 0.1; done
echo "munged $(cat "$D/munge/munged.pid")" >>"$D/pids"

cat >"$D/slurm.conf" <<CONF
ClusterName=kdci
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/logs/slurmctld.log
SlurmdLogFile=$D/logs/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
PluginDir=/usr/lib/x86_64-linux-gnu/slurm-wlm
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=ci Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
# The plugin folder differs by architecture: use the one this slurmctld ships with.
plugdir=$(dirname "$(dpkg -L slurm-wlm-basic-plugins 2>/dev/null | grep -m1 '/auth_munge.so$')")
if [ -n "$plugdir" ] && [ "$plugdir" != "." ]; then
  sed -i "s#^PluginDir=.*#PluginDir=$plugdir#" "$D/slurm.conf"
fi
export SLURM_CONF="$D/slurm.conf"

# Daemons in the foreground (-D) under nohup, so $! is their PID.
nohup slurmctld -D -i -f "$SLURM_CONF" >"$D/logs/slurmctld.out" 2>&1 &
echo "slurmctld $!" >>"$D/pids"
nohup slurmd -D -N localhost -f "$SLURM_CONF" >"$D/logs/slurmd.out" 2>&1 &
echo "slurmd $!" >>"$D/pids"

ok=0
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    ok=1
    break
  fi
  sleep 0.5
done
if [ "$ok" -ne 1 ]; then
  echo "slurm_up: the node did not come up; logs:" >&2
  tail -n 20 "$D"/logs/*.log "$D"/logs/*.out >&2 || true
  exit 1
fi

# A two-task array job that must complete.
out="$D/logs/probe-%a.out"
t0=$(date +%s%N)
if ! sbatch --wait --quiet --array=0-1 --output="$out" --wrap 'echo "task $SLURM_ARRAY_TASK_ID on $(hostname)"'; then
  echo "slurm_up: the probe array job failed; logs:" >&2
  tail -n 20 "$D"/logs/*.log >&2 || true
  exit 1
fi
t1=$(date +%s%N)
echo "slurm_up: one-node cluster up in $D ($(sinfo -h -o '%c CPUs, %T'));" \
  "probe array of 2 done in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s"
echo "export SLURM_CONF=$SLURM_CONF"
