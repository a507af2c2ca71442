#!/usr/bin/env bash
# A single-node Slurm cluster in one folder, to try scripts/slurm-shards.sh on this machine and
# to test it: no munge, no systemd, nothing written under /etc (everything goes through
# SLURM_CONF). Needs root and Debian's slurmctld, slurmd and slurm-client (installed when missing).
#   scripts/slurm-local.sh start DIR    writes DIR/slurm.conf, starts both daemons, waits until
#                                       the node is idle, and prints: export SLURM_CONF=DIR/slurm.conf
#   scripts/slurm-local.sh stop DIR     stops them (and kills them if they do not stop)
# The daemons listen on ports SLURM_LOCAL_PORT and SLURM_LOCAL_PORT+1 (default 6817, 6818);
# start refuses ports already in use, so give another SLURM_LOCAL_PORT for a second cluster.
set -euo pipefail

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
[[ $# -eq 2 ]] || { usage >&2; exit 64; }
action=$1
mkdir -p "$2"
dir=$(realpath "$2")
export SLURM_CONF="$dir/slurm.conf"

case "$action" in
stop)
    scontrol shutdown >/dev/null 2>&1 || true
    # A slurmd told to shut down by the controller can be left with SIGTERM blocked in its one
    # remaining thread: it must not outlive its cluster (it would hold the port), so what has
    # not stopped after 10 s is killed.
    pids=()
    for file in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
        [[ -f $file ]] || continue
        pid=$(cat "$file")
        # Only a daemon of this cluster: the pid file may be stale and the number reused.
        if [[ -r /proc/$pid/environ ]] && tr '\0' '\n' < "/proc/$pid/environ" | grep -qx "SLURM_CONF=$SLURM_CONF"; then
            kill "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
    done
    for _ in $(seq 1 20); do
        alive=()
        for pid in "${pids[@]}"; do [[ -d /proc/$pid ]] && alive+=("$pid"); done
        [[ ${#alive[@]} -eq 0 ]] && exit 0
        sleep 0.5
    done
    kill -9 "${alive[@]}" 2>/dev/null || true
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
port=${SLURM_LOCAL_PORT:-6817}
for p in "$port" "$((port + 1))"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        echo "slurm-local: port $p is in use (another Slurm?); stop it, or give another SLURM_LOCAL_PORT" >&2
        exit 69
    fi
done
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
SlurmctldPort=$port
SlurmdPort=$((port + 1))
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
