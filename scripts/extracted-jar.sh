#!/usr/bin/env bash
# Prints the jar to run a service from: <service>/target/<service>.jar extracted by Spring Boot's `extract` into
# <service>/target/extracted (its own jar with its libraries beside it, read by the JDK's class loader), extracted
# again whenever the jar is newer than the extraction. ./run.sh and the system tests run the services this way, not
# as executable jars: that starts on a fifth less CPU, and cannot meet spring-boot#51463, where the executable jar's
# class loader and virtual threads can hang a service for good (README, "One known problem").
# Usage: scripts/extracted-jar.sh <service>; uses $JAVA_HOME's java, else the one scripts/java-home.sh finds.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
service=$1
java="${JAVA_HOME:-$("$repo/scripts/java-home.sh")}/bin/java"
jar="$repo/$service/target/$service.jar"
dir="$repo/$service/target/extracted"
[[ -f $jar ]] || { echo "$jar is missing: build it first (./mvnw -DskipTests package)" >&2; exit 1; }
if [[ ! -f "$dir/.extracted" || "$jar" -nt "$dir/.extracted" ]]; then
  rm -rf "$dir"
  "$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" > /dev/null
  touch "$dir/.extracted"
fi
echo "$dir/$service.jar"
