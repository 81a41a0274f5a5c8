#!/usr/bin/env bash
# The reliability soak (not part of CI): REQ/REP (Lazy Pirate), PUSH/PULL and PUB/SUB through a
# fault-injecting relay (delay, throttle, freeze, cut mid-frame, reset on a schedule), then a kill -9
# loop of the config server during put bursts. Writes RELIABILITY.md at the repository root.
#
#   bench/soak.sh [SECONDS] [KILL_ROUNDS]      defaults: 600 s for the patterns, 50 kill rounds
#   bench/soak.sh 60 10                        a short check
#
# Environment: SOAK_PERIOD_MS (how long each fault, and each clean gap after it, lasts; default 2000),
# SOAK_SEED (default 21), MVN_FLAGS (extra Maven flags, e.g. -o). It lives in bench because it is a
# measurement run by hand, like compare.sh, and writes its report at the root as they do.
set -euo pipefail

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo_dir=$(dirname "$bench_dir")
seconds=${1:-600}
rounds=${2:-50}
period_ms=${SOAK_PERIOD_MS:-2000}
seed=${SOAK_SEED:-21}
[[ $seconds =~ ^[0-9]+$ && $rounds =~ ^[0-9]+$ ]] || { echo "usage: bench/soak.sh [SECONDS] [KILL_ROUNDS]" >&2; exit 2; }

cd "$repo_dir"
cp_file="$bench_dir/target/soak-classpath.txt"
# Compiles in the reactor (no install: the shared ~/.m2 is left alone) and writes bench's test classpath.
# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS:-} test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file" -pl bench -am

tables="$bench_dir/target/soak-tables.md"
log="$bench_dir/target/soak.log"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$SECONDS
status=0
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
    -cp "$bench_dir/target/test-classes:$bench_dir/target/classes:$(cat "$cp_file")" \
    io.zmtp.bench.soak.Soak --seconds "$seconds" --kill-rounds "$rounds" --period-ms "$period_ms" \
    --seed "$seed" --out "$tables" >"$log" 2>&1 || status=$?
elapsed=$((SECONDS - t0))
[[ -s $tables ]] || { echo "soak failed before writing its tables (exit $status); see $log" >&2; tail -20 "$log" >&2; exit 1; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
{
    echo "# Reliability: the soak under injected faults"
    echo
    echo "Written by \`bench/soak.sh\` (do not edit by hand; run it again). What it does: REQ/REP in the Lazy Pirate"
    echo "style (REQ_RELAXED + REQ_CORRELATE, 500 ms timeout, at most 20 attempts), PUSH/PULL and PUB/SUB, each for a"
    echo "third of the pattern time, with numbered multipart messages (1,000-byte body, 2,000 a second) through a"
    echo "\`FaultRelay\` (zmtp-codec test support) that gets one fault at a time for one period, then a clean period:"
    echo "added latency, a bandwidth cap, a freeze, a cut after a random number of bytes upstream or downstream (inside"
    echo "a frame), a reset (RST) of the connection. Then a kill -9 loop: each round starts \`config-center server\`"
    echo "in its own JVM on the same data directory, puts revisions through the admin protocol and kills the process"
    echo "(SIGKILL) after a random 5-44 acknowledged puts, with the next put in flight; a fresh server then reads the"
    echo "history back."
    echo
    echo "- Run: \`bench/soak.sh $seconds $rounds\` (SOAK_PERIOD_MS=$period_ms, SOAK_SEED=$seed), started $started,"
    echo "  took ${elapsed} s, exit status $status (0: no broken or duplicated message, no acknowledged revision lost or reused)"
    echo "- Commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ":(exclude)RELIABILITY.md" 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "- Machine: $cpu, $(nproc) CPUs, $mem RAM, $(uname -sr), $(java -version 2>&1 | head -1)"
    echo
    cat "$tables"
    echo
    echo "How to read it: *lost* = sent minus distinct numbers received (REQ/REP: requests given up after 20"
    echo "attempts); *duplicated* = numbers received more than once; *broken* = partial, corrupt or out-of-order"
    echo "messages (REQ/REP: a reply that was not to the request under way). ZeroMQ allows loss of what was on a"
    echo "connection when it broke, and PUB drops at its high-water mark; it allows no broken or duplicated message."
    echo "For the kill loop, *lost* = acknowledged revisions missing from the store or holding other content;"
    echo "*reused* = revision numbers acknowledged twice or stored twice."
} >"$repo_dir/RELIABILITY.md"
cat "$tables"
echo "wrote $repo_dir/RELIABILITY.md (exit status $status; log $log)"
exit "$status"
