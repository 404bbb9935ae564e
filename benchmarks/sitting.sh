#!/usr/bin/env bash
# The full sitting behind RESULTS.md, in one go on a quiet machine (about 35 min on 2 cores):
# in-process JMH (one caller, 64 calls in flight, call-all over 1,000 agents) and the
# out-of-process harness (1,000 and 10,000 agents), default and tuned, for this checkout's jar
# (with the plain grpc-java anchors of the out-of-process figures)
# and, when given, a "before" jar built the same way from an older commit (RESULTS.md,
# "Commands", says how). Every figure lands in OUT_DIR: JMH's text and JSON, the harness's
# markdown, and a JFR recording of the controller during call-all over 10,000 agents.
#
# Usage: benchmarks/sitting.sh OUT_DIR [BEFORE_JAR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: sitting.sh OUT_DIR [BEFORE_JAR]}"
before="${2:-}"
after="$here/target/agentrpc-benchmarks.jar"
[[ -f "$after" ]] || (cd "$here/.." && mvn -q -B -pl processor,benchmarks -am -DskipTests package)
mkdir -p "$out"
cp "$after" "$out/after.jar"
jars=(after)
if [[ -n "$before" ]]; then
  cp "$before" "$out/before.jar"
  jars+=(before)
fi
cd "$out"

# The JIT needs about 15 s before plain unary is steady here: keep the warm-up.
jmh=(-Djmh.ignoreLock=true org.openjdk.jmh.Main -f 1 -wi 4 -w 4s -i 3 -r 4s -foe true
  -prof dev.agentrpc.benchmarks.CpuProfiler)
for jar in "${jars[@]}"; do
  java -cp "$jar.jar" "${jmh[@]}" -p payloadSize=100 -p config=default,tuned \
    -rf json -rff "$jar-inprocess.json" SequentialBenchmark PipelinedBenchmark | tee "$jar-inprocess.txt"
  java -cp "$jar.jar" "${jmh[@]}" -p agents=1000 -p config=default,tuned \
    -rf json -rff "$jar-callall.json" 'CallAllBenchmark.reverseCallAll' | tee "$jar-callall.txt"
done

for jar in "${jars[@]}"; do
  java -Xmx2g -cp "$jar.jar" dev.agentrpc.benchmarks.fleet.OutOfProcess \
    --agents 1000,10000 --storms 2 --report "$jar-outofprocess.md" | tee "$jar-outofprocess.txt"
done

# The plain grpc-java anchors of the out-of-process figures, with the same process layout (they
# measure grpc-java, not a commit, so once).
java -Xmx2g -cp after.jar dev.agentrpc.benchmarks.fleet.OutOfProcess \
  --agents 1000,10000 --storms 2 --phases grpc-callall,grpc-storm --report anchors.md | tee anchors.txt

# Where call-all's time goes now: the controller, default set-up, 10,000 agents.
java -Xmx2g -XX:StartFlightRecording=filename=callall-10k.jfr,settings=profile -cp after.jar \
  dev.agentrpc.benchmarks.fleet.OutOfProcess --agents 10000 --configs default --phases callall \
  | tee profile-run.txt
echo "done: $out"
