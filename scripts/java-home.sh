#!/usr/bin/env bash
# Prints the home of a JDK 21 or newer: $JAVA_HOME if it is one, else the java on PATH if it is
# one, else the newest under /usr/lib/jvm. Exits 1 with a message when there is none.
set -euo pipefail

major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
ok() { [[ -x "$1/bin/java" && -x "$1/bin/javac" ]] && (( $(major "$1") >= 21 )); }

if [[ -n "${JAVA_HOME:-}" ]] && ok "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
if command -v javac >/dev/null; then
  home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  if ok "$home"; then echo "$home"; exit 0; fi
fi
for home in $(ls -d /usr/lib/jvm/*/ /opt/java/*/ 2>/dev/null | sort -V -r); do
  home=${home%/}
  if ok "$home"; then echo "$home"; exit 0; fi
done
echo "No JDK 21 or newer found: install one (e.g. Temurin 25) and set JAVA_HOME" >&2
exit 1
