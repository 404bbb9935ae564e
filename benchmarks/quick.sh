#!/usr/bin/env bash
# Quick mode for CI: every benchmark compiles and the main ones run briefly (about a minute
# on 2 cores). The figures are not meaningful at this length: RESULTS.md has the full runs'
# commands. Exits non-zero if a benchmark or a harness fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/agentrpc-benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  # Build the module (and what it depends on) when CI has not already. The processor is
  # only on the annotation-processor path, which -am does not follow: name it too.
  (cd "$here/.." && mvn -q -B -pl processor,benchmarks -am -DskipTests package)
fi
cd "$here/target"

# One short in-process run per benchmark (-f 0): the typed reverse call and both anchors, sequential and
# pipelined, call-all over 10 agents (as a list and streamed), and the transports side by side (heartbeat at 50 ms only);
# small payloads, tuned executors only.
java -cp "$jar" -Djmh.ignoreLock=true -Dbench.report=quick-report.md dev.agentrpc.benchmarks.Bench \
  -f 0 -wi 1 -i 1 -w 500ms -r 1s -foe true \
  -p payloadSize=100 -p config=tuned -p agents=10 -p intervalMillis=50 \
  'SequentialBenchmark' 'PipelinedBenchmark' 'CallAllBenchmark.reverse' 'TransportBenchmark'

# The memory harness with 200 idle agents in a second JVM.
java -cp "$jar" dev.agentrpc.benchmarks.IdleMemory 200

# Out-of-process (the controller in this JVM, 200 agents in a child JVM), default and tuned:
# a few call-alls, a short 64-in-flight run, idle heap and one join storm. Exits non-zero on
# any failed call, timeout or agent JVM that died.
java -cp "$jar" dev.agentrpc.benchmarks.fleet.OutOfProcess --quick
