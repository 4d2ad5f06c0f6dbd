#!/usr/bin/env bash
# Builds the libFuzzer targets of the Fuzz package (Fuzz/Package.swift) with -sanitize=fuzzer,address and runs
# each for a bounded time, one after the other.
#
# Usage: Scripts/fuzz.sh (--minutes N | --seconds N | --write-seeds) [--seeds-only] [--debug] [TARGET...]
#   TARGET        WireFuzzer, TLSFuzzer, EndpointFuzzer, ConnectionFuzzer (default: all of them)
#   --seeds-only  start from the committed seeds (Fuzz/corpus/NAME) alone and keep nothing (what Fuzz/run does);
#                 otherwise a work corpus per target lives in .build-fuzz/corpus/NAME: each run starts from it and
#                 the seeds, and what it found is merged into it (kept minimal with libFuzzer's -merge=1)
#   --debug       build without optimisation (a shorter build, slower runs)
#   --write-seeds run nothing: make the seed corpora Fuzz/corpus/endpoint and Fuzz/corpus/connection anew, with
#                 the engine itself (each fuzzer's own --write-seeds option)
# Prints per target the executions (stat::number_of_executed_units), executions per second and peak RSS. A crash,
# sanitizer report, failed precondition, timeout or out-of-memory keeps the input in .build-fuzz/artifacts/ and
# makes the script exit 1 (after the other targets have run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

seconds=""
write_seeds=0
seeds_only=0
configuration=release
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) seconds=$(( $2 * 60 )); shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --seeds-only) seeds_only=1; shift ;;
        --debug) configuration=debug; shift ;;
        --write-seeds) write_seeds=1; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        -*) echo "fuzz: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
if [ -z "$seconds" ] && [ $write_seeds -eq 0 ]; then echo "fuzz: say how long, --minutes N or --seconds N (see --help)" >&2; exit 2; fi
if [ ${#targets[@]} -eq 0 ]; then targets=(WireFuzzer TLSFuzzer EndpointFuzzer ConnectionFuzzer); fi

out=.build-fuzz
mkdir -p "$out/artifacts"
build=(swift build -c "$configuration" --package-path Fuzz --scratch-path .build-fuzz-spm
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing)
started=$(date +%s)
echo "fuzz: building ($configuration): ${build[*]}"
if ! "${build[@]}" >"$out/build.log" 2>&1; then
    grep -v "Cannot export local symbol" "$out/build.log" | tail -60
    echo "fuzz: the build failed (log: $out/build.log)"
    exit 1
fi
bin=$("${build[@]}" --show-bin-path)
echo "fuzz: built in $(( $(date +%s) - started ))s"
if [ $write_seeds -eq 1 ]; then
    for target in EndpointFuzzer ConnectionFuzzer; do
        name=$(echo "$target" | sed 's/Fuzzer$//' | tr '[:upper:]' '[:lower:]')
        rm -rf "Fuzz/corpus/$name"
        "$bin/$target" --write-seeds "Fuzz/corpus/$name"
    done
    exit 0
fi

status=0
summary=()
for target in "${targets[@]}"; do
    if [ ! -x "$bin/$target" ]; then echo "fuzz: no target $target" >&2; exit 2; fi
    name=$(echo "$target" | sed 's/Fuzzer$//' | tr '[:upper:]' '[:lower:]')
    seeds="Fuzz/corpus/$name"
    if [ $seeds_only -eq 1 ]; then
        work="$out/corpus-run/$name"
        rm -rf "$work"
    else
        work="$out/corpus/$name"
    fi
    mkdir -p "$work"
    log="$out/$target.log"
    echo "fuzz: $target for ${seconds}s (seeds: $(ls "$seeds" | wc -l), work corpus: $(ls "$work" | wc -l) inputs)"
    set +e
    "$bin/$target" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/$target-" "$work" "$seeds" >"$log" 2>&1
    rc=$?
    set -e
    executions=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo "?")
    rate=$(grep -oE "stat::average_exec_per_sec: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo "?")
    rss=$(grep -oE "stat::peak_rss_mb: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo "?")
    if [ $rc -ne 0 ]; then
        status=1
        echo "fuzz: $target FAILED (exit $rc); the last lines of its log ($log):"
        tail -60 "$log"
        summary+=("$(printf '%-18s FAILED after %s executions; crashing input: %s' "$target" "$executions" \
            "$(ls -t "$out/artifacts/" | grep "^$target-" | head -1)")")
        continue
    fi
    if [ $seeds_only -eq 0 ]; then
        # Keep the work corpus minimal: only inputs that add coverage survive the merge.
        merged="$out/corpus-merge/$name"
        rm -rf "$merged" && mkdir -p "$merged"
        "$bin/$target" -merge=1 -timeout=30 -rss_limit_mb=4096 -max_len=4096 "$merged" "$work" "$seeds" \
            >"$out/$target-merge.log" 2>&1 || { echo "fuzz: merging $target's corpus failed"; status=1; }
        rm -rf "$work" && mv "$merged" "$work"
    fi
    summary+=("$(printf '%-18s %10s executions %7s exec/s %6s MB peak RSS %6s corpus' "$target" "$executions" \
        "$rate" "$rss" "$(ls "$work" | wc -l)")")
done
echo "fuzz: summary (${seconds}s per target)"
printf 'fuzz: %s\n' "${summary[@]}"
exit $status
