#!/usr/bin/env bash
# CPU profile of a running JVM with async-profiler (SIGPROF, every 1 ms, virtual threads included, which JFR's
# sampler misses): bench/async-profile.sh <pid> <seconds> <out.collapsed>. Fetches async-profiler 4.2 from Maven
# Central into bench/out once. The output is one collapsed stack per line with its sample count (flame graph input).
set -euo pipefail
pid=$1 seconds=$2 out=$3
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
lib=$bench/out/async-profiler-4.2/linux-x64/libasyncProfiler.so
if [[ ! -f $lib ]]; then
  mkdir -p "$bench/out/async-profiler-4.2"
  curl -fsS -o "$bench/out/async-profiler-4.2.jar" \
    https://repo1.maven.org/maven2/tools/profiler/async-profiler/4.2/async-profiler-4.2.jar
  (cd "$bench/out/async-profiler-4.2" && unzip -q -o ../async-profiler-4.2.jar linux-x64/libasyncProfiler.so)
fi
"$java" "$bench/AsyncProfilerAttach.java" "$pid" "$lib" "start,event=itimer,interval=1ms"
sleep "$seconds"
"$java" "$bench/AsyncProfilerAttach.java" "$pid" "$lib" "stop,collapsed,file=$(realpath -m "$out")"
echo "$out"
