#!/usr/bin/env bash
# CI: a Docker engine for the docker backend's tests, where one can be had.
# Installs docker.io (and debootstrap, which the tests use to build a local base image)
# when missing and we are root, then starts dockerd when no daemon answers.
# Never fails the build: without an engine the docker tests skip and say why.
set -uo pipefail

answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    missing=()
    command -v dockerd >/dev/null || missing+=(docker.io)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "docker-setup: installing ${missing[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
            >/dev/null || echo "docker-setup: apt-get install ${missing[*]} failed"
    fi
fi

if answers; then
    echo "docker-setup: engine answers ($(docker version --format '{{.Server.Version}}'))"
    exit 0
fi
if ! command -v dockerd >/dev/null; then
    echo "docker-setup: no docker engine here (not root, or no apt-get); docker tests will skip"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "docker-setup: dockerd is installed but not running, and starting it needs root"
    exit 0
fi
log=/var/log/harness-dockerd.log
echo "docker-setup: starting dockerd (log: $log)"
nohup dockerd >"$log" 2>&1 </dev/null &
for _ in $(seq 1 60); do
    if answers; then
        echo "docker-setup: engine answers ($(docker version --format '{{.Server.Version}}'))"
        exit 0
    fi
    sleep 1
done
echo "docker-setup: dockerd did not answer within 60 s; docker tests will skip. Last lines:"
tail -n 20 "$log"
exit 0
