#!/usr/bin/env bash
# Bounded coverage-guided fuzzing of the codec: runs every Jazzer fuzz target of zmtp-codec for a
# fixed time each (JAZZER_FUZZ=1; Jazzer fuzzes one target per JVM). A finding fails the stage;
# Jazzer writes the input that caused it into the target's inputs directory under
# src/test/resources, where plain `mvn verify` replays it from then on (commit it with the fix).
#
# Usage: zmtp-codec/fuzz.sh [SECONDS_PER_TARGET] [TARGET_FILTER]
#   SECONDS_PER_TARGET  default 10 (FUZZ_SECONDS); with 20-50 s of start-up per target the 15 targets take about 5-7 minutes on 2 cores
#   TARGET_FILTER       only targets whose Class#method contains it (e.g. curveServer)
# Environment: FUZZ_SECONDS, MVN (default mvn), MVN_FLAGS (e.g. -o), FUZZ_LEAK_LEVEL (default paranoid).
# Longer local run, e.g. 10 minutes per target: zmtp-codec/fuzz.sh 600
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds="${1:-${FUZZ_SECONDS:-10}}"
filter="${2:-}"
mvn_cmd="${MVN:-mvn}"
read -r -a mvn_flags <<< "${MVN_FLAGS:-}"
leak_level="${FUZZ_LEAK_LEVEL:-paranoid}"

if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: SECONDS_PER_TARGET must be a positive whole number, got '$seconds'" >&2
    exit 2
fi

targets=(
    io.zmtp.codec.GreetingFuzzTest#greeting
    io.zmtp.codec.FrameDecoderFuzzTest#frames
    io.zmtp.codec.MetadataFuzzTest#metadata
    io.zmtp.codec.command.CommandFuzzTest#command
    io.zmtp.codec.handshake.HandshakeFuzzTest#nullServer
    io.zmtp.codec.handshake.HandshakeFuzzTest#plainServer
    io.zmtp.codec.handshake.HandshakeFuzzTest#plainClient
    io.zmtp.codec.handshake.HandshakeFuzzTest#curveServer
    io.zmtp.codec.handshake.HandshakeFuzzTest#curveClient
    io.zmtp.codec.curve.CurveBoxFuzzTest#unbox
    io.zmtp.codec.curve.Z85FuzzTest#decode
    patterns:io.zmtp.socket.transport.ZwsDecoderFuzzTest#frames
    config-center:io.zmtp.config.protocol.RequestFuzzTest#request
    config-center:io.zmtp.config.server.WhitelistFuzzTest#whitelist
    config-center:io.zmtp.config.agent.CacheFileFuzzTest#cache
)

cd "$root"
# The config-center targets need its upstream modules from this tree, not from a repository:
# compile the reactor once, then run each of them with -am (no test matches in the others).
"$mvn_cmd" -B -q "${mvn_flags[@]}" test-compile -pl zmtp-codec,config-center -am

logs="$here/target/fuzz"
mkdir -p "$logs"
failed=()
ran=0
start=$SECONDS
for target in "${targets[@]}"; do
    if [[ -n "$filter" && "$target" != *"$filter"* ]]; then
        continue
    fi
    ran=$((ran + 1))
    log="$logs/${target##*.}.log"
    t0=$SECONDS
    module=zmtp-codec
    test=$target
    if [[ $target == *:* ]]; then
        module=${target%%:*}
        test=${target#*:}
    fi
    if [[ $module == zmtp-codec ]]; then
        run=(surefire:test -pl zmtp-codec)
    else
        # default-test only: config-center's second surefire execution (the scale test) would run it again.
        run=(test-compile surefire:test@default-test -pl "$module" -am)
    fi
    if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" "$mvn_cmd" -B "${mvn_flags[@]}" "${run[@]}" \
            -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -Dleak.level="$leak_level" > "$log" 2>&1; then
        summary="$(grep -a -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)"
        echo "fuzz: $target ok in $((SECONDS - t0)) s ${summary:+($summary)}"
    else
        echo "fuzz: $target FAILED in $((SECONDS - t0)) s; log: $log" >&2
        grep -a -E 'FuzzTestFinding|== Java Exception|crash-|Caused by|AssertionError' "$log" | head -20 >&2 || true
        failed+=("$target")
    fi
done

if [[ $ran -eq 0 ]]; then
    echo "fuzz.sh: no target matches '$filter'" >&2
    exit 2
fi
echo "fuzz: $ran targets in $((SECONDS - start)) s"
# The plain closing line test reports end with.
echo "fuzz: $((ran - ${#failed[@]})) passed, ${#failed[@]} failed"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: new inputs that failed are in the targets' inputs directories (git status zmtp-codec/src/test/resources)" >&2
    exit 1
fi
