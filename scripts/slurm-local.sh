#!/usr/bin/env bash
# A single-node Slurm cluster in one folder, to try scripts/slurm-shards.sh on this machine and
# to test it: no munge, no systemd, nothing written under /etc (everything goes through
# SLURM_CONF). Needs root and Debian's slurmctld, slurmd and slurm-client (installed when missing).
#   scripts/slurm-local.sh start DIR    writes DIR/slurm.conf, starts both daemons, waits until
#                                       the node is idle, and prints: export SLURM_CONF=DIR/slurm.conf
#   scripts/slurm-local.sh stop DIR     stops them
# One cluster at a time: the daemons listen on ports 6817 and 6818.
set -euo pipefail

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
[[ $# -eq 2 ]] || { usage >&2; exit 64; }
action=$1
mkdir -p "$2"
dir=$(realpath "$2")
export SLURM_CONF="$dir/slurm.conf"

case "$action" in
stop)
    scontrol shutdown >/dev/null 2>&1 || true
    for pid in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
        [[ -f $pid ]] && kill "$(cat "$pid")" 2>/dev/null || true
    done
    exit 0 ;;
start) ;;
*) usage >&2; exit 64 ;;
esac

[[ $(id -u) -eq 0 ]] || { echo "slurm-local: the daemons run as root here; run as root" >&2; exit 77; }
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null; then
    echo "slurm-local: installing slurmctld slurmd slurm-client with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client >/dev/null
fi
host=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
mkdir -p "$dir/state" "$dir/spool"
cat > "$SLURM_CONF" <<EOF
ClusterName=local
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -c
slurmd
for _ in $(seq 1 60); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qx 'idle'; then
        echo "export SLURM_CONF=$SLURM_CONF"
        exit 0
    fi
    sleep 0.5
done
echo "slurm-local: the node did not become idle within 30 s; see $dir/slurmctld.log and $dir/slurmd.log" >&2
exit 70
