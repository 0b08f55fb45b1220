#!/usr/bin/env bash
# A single-node Slurm cluster in one folder, for trying examples/slurm/score.sbatch and for the
# test that runs it: munged, slurmctld and slurmd (Debian's munge and slurm-wlm, installed by
# scripts/setup.sh), with a generated munge key and slurm.conf, ports of their own, every file
# and pid under DIR. Needs root (the daemons run as root, ProctrackType=proctrack/linuxproc,
# TaskPlugin=task/none: no cgroups, no systemd).
#
#   scripts/slurm/local-cluster.sh start DIR   then: export SLURM_CONF=DIR/slurm.conf
#   scripts/slurm/local-cluster.sh stop DIR    stops every daemon it started, by pid
#
# `start` exits 77 (with the reason and the daemons' logs) when the cluster cannot come up here.
set -uo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

stop() {
    for name in slurmd slurmctld munged; do
        pidfile="$dir/$name.pid"
        [ -s "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

cannot() {
    echo "local-cluster: cannot start slurm here: $1" >&2
    for log in "$dir"/log/*; do [ -f "$log" ] && { echo "--- $log" >&2; tail -n 15 "$log" >&2; }; done
    stop
    exit 77
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || cannot "not root (the daemons run as root)"
for tool in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "$tool" >/dev/null || cannot "$tool is not installed (apt-get install slurm-wlm munge; scripts/setup.sh does)"
done
mkdir -p "$dir"/{munge,state,spool,log}
dir=$(cd "$dir" && pwd)
chmod 755 "$dir"
chmod 700 "$dir/munge"
head -c 1024 /dev/urandom > "$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"

host=$(hostname -s)
cpus=$(nproc)
# What slurmd will find, less a margin: a node configured with more than it has is drained.
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
# Ports of its own, so it neither meets a system Slurm nor another test's cluster.
port=$((20000 + (RANDOM % 20000) * 2))

cat > "$dir/slurm.conf" <<CONF
ClusterName=scs-local
SlurmctldHost=$host
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
MinJobAge=600
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

# The daemons' own output goes to files: a daemon holding its caller's pipes open would keep
# whoever reads them (a test, `$(...)`) waiting for ever.
munged -f --socket="$dir/munge/munge.sock" --key-file="$dir/munge/munge.key" --log-file="$dir/log/munged.log" \
    --pid-file="$dir/munged.pid" --seed-file="$dir/munge/seed" </dev/null >>"$dir/log/daemons.out" 2>&1 \
    || cannot "munged did not start"
export SLURM_CONF="$dir/slurm.conf"
slurmctld -c -f "$SLURM_CONF" </dev/null >>"$dir/log/daemons.out" 2>&1 || cannot "slurmctld did not start"
slurmd -f "$SLURM_CONF" </dev/null >>"$dir/log/daemons.out" 2>&1 || cannot "slurmd did not start"
for _ in $(seq 150); do
    state=$(sinfo -h -o %T 2>/dev/null | head -n 1)
    [ "$state" = idle ] && { echo "local-cluster: up (SLURM_CONF=$SLURM_CONF)"; exit 0; }
    sleep 0.2
done
cannot "the node did not become idle in 30 s (state: ${state:-none})"
