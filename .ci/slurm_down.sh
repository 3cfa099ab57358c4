#!/usr/bin/env bash
# Stop the one-node Slurm cluster .ci/slurm_up.sh started: each daemon by the
# PID recorded in <dir>/pids (KD_SLURM_DIR, default /tmp/kd-slurm), slurmd and
# slurmctld first, munged last; then remove the folder unless KD_SLURM_KEEP=1.
set -uo pipefail
D="${KD_SLURM_DIR:-/tmp/kd-slurm}"
if [ ! -f "$D/pids" ]; then
  echo "slurm_down: no $D/pids; nothing to stop"
  exit 0
fi
stop() { # name pid
  local name="$1" pid="$2"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
    echo "slurm_down: stopped $name ($pid)"
  fi
}
# Reverse order of start: slurmd, slurmctld, munged.
tac "$D/pids" | while read -r name pid; do stop "$name" "$pid"; done
rm -f "$D/pids"
if [ "${KD_SLURM_KEEP:-0}" != "1" ]; then rm -rf "$D"; fi
