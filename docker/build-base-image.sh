#!/usr/bin/env bash
# Builds the base image every service image starts FROM, without any image registry:
# a Debian rootfs made by debootstrap plus a Java runtime made by jlink from the local JDK,
# imported with `docker import` under the exact name the Dockerfile uses, so `docker build`
# never pulls. An air-gapped machine needs only a Debian mirror (or its cache) and a JDK 21+.
#
#   docker/build-base-image.sh            # build it unless it is already there
#   docker/build-base-image.sh --force    # build it again
#
# Environment: JAVA_HOME (the JDK to jlink from, if it is 21 or newer; else as scripts/java-home.sh finds one),
# DEBIAN_MIRROR (default http://deb.debian.org/debian), DEBIAN_SUITE (default bookworm).
set -euo pipefail

IMAGE="${QC_BASE_IMAGE:-quorum-commit/jre:bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE="${DEBIAN_SUITE:-bookworm}"

if [[ "${1:-}" != "--force" ]] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE is already there (use --force to build it again)"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "debootstrap needs root: run this script as root (sudo)" >&2; exit 1; }

# The same JDK 21+ run.sh finds ($JAVA_HOME, the java on PATH, the newest under /usr/lib/jvm): sudo drops
# JAVA_HOME, and root's default java may be older than the classes the image must run.
JAVA_HOME=$("$(dirname "$0")/../scripts/java-home.sh")
JLINK="$JAVA_HOME/bin/jlink"
[[ -x "$JLINK" ]] || { echo "no jlink under JAVA_HOME=$JAVA_HOME: point JAVA_HOME at a JDK 21+" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

echo "debootstrap $SUITE from $MIRROR ..."
# curl is the healthcheck's probe; ca-certificates so the runtime can speak TLS if configured to.
debootstrap --variant=minbase --include=curl,ca-certificates "$SUITE" "$rootfs" "$MIRROR" > "$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

# Every runtime module of the JDK but its development tools: Spring, Hibernate and H2 reach into
# java.desktop, java.sql, java.naming, jdk.unsupported...; jcmd and JFR stay for diagnosis.
modules=$("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//' \
  | grep -v -E '^jdk\.(javadoc|jshell|jdeps|jlink|jpackage|compiler|editpad|jartool|jconsole|hotspot\.agent|jdi|jdwp\.agent|jstatd|internal\..*|graal.*|incubator.*)$' \
  | paste -sd, -)
echo "jlink from $JAVA_HOME ..."
"$JLINK" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$rootfs/opt/java"

# What an image does not need: package caches, docs, locales.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
       "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
chroot "$rootfs" /usr/sbin/useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app

echo "docker import as $IMAGE ..."
tar -C "$rootfs" -c . | docker import \
  --change 'ENV JAVA_HOME=/opt/java' \
  --change 'ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  - "$IMAGE" >/dev/null
# Captured first: piped straight into head, the client could be cut off by SIGPIPE after the first
# line, and pipefail turned that into a failed build (seen in a CI run on a fresh machine).
version=$(docker run --rm "$IMAGE" java -version 2>&1)
echo "${version%%$'\n'*}"
echo "base image $IMAGE is ready"
