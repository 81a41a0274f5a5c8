# Shell helpers shared by bench/compare.sh and bench/profile.sh; sourced, not run, after the
# script has set bench_dir. They need `ss` (iproute2) and bash 4 (associative arrays).

# ------------------------------------------------------------------ paths

repo_dir=$(dirname "$bench_dir")
bin="$bench_dir/bin"
zmq_perf="$bench_dir/target/zmq_perf"

# ------------------------------------------------------------------ background tools

# Every background tool process the script started (the `timeout` wrappers); only these pids are
# ever signalled.
declare -a live_pids=()

forget_pid() {
    local keep=() pid
    for pid in "${live_pids[@]}"; do
        [[ $pid != "$1" ]] && keep+=("$pid")
    done
    live_pids=("${keep[@]}")
}

# Stops every tool still running: TERM, then KILL a second later. GNU timeout leads its own
# process group (pid = pgid), so signalling the group reaches the tool it runs as well.
stop_live_pids() {
    local pid
    for pid in "${live_pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    if ((${#live_pids[@]} > 0)); then
        sleep 1
        for pid in "${live_pids[@]}"; do
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        done
    fi
    return 0
}

# ------------------------------------------------------------------ ports

declare -A used_ports=()

# Sets `port` to a TCP port on 127.0.0.1 that nothing uses (in any state, TIME_WAIT included) and
# that this script has not handed out before. Call it directly, not in $(...): a subshell would
# forget which ports it handed out.
port=""
free_port() {
    local p tries=0
    while ((tries++ < 500)); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
        [[ -n ${used_ports[$p]:-} ]] && continue
        if [[ -z $(ss -Htan "( sport = :$p or dport = :$p )" 2>/dev/null) ]]; then
            used_ports[$p]=1
            port=$p
            return 0
        fi
    done
    return 1
}

# Waits until something listens on port $1 while process $2 lives; 30 s at most.
wait_listening() {
    local port=$1 pid=$2 i
    for ((i = 0; i < 600; i++)); do
        if [[ -n $(ss -Hltn "( sport = :$port )" 2>/dev/null) ]]; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
