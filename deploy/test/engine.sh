#!/usr/bin/env bash
# Prepares a Docker engine for the deploy tests on a machine without an image registry: installs Debian's
# docker.io, debootstrap and docker-compose when missing, starts dockerd with host networking only, and builds
# a Debian bookworm base image holding this machine's Node and npm (standing in for the official node image).
# Prints the base image's name. Idempotent: a second run reuses the running engine and the cached image.
set -euo pipefail

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if ((${#missing[@]})); then
  echo "Installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q "${missing[@]}" >&2
fi

if ! docker info >/dev/null 2>&1; then
  echo "Starting dockerd (host networking only)" >&2
  # No bridge and no iptables rules: containers use the host's network (--network host).
  nohup dockerd --iptables=false --bridge=none >/var/log/parley-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null
fi

# The Debian root filesystem, once (debootstrap takes a few minutes).
rootfs=parley-rootfs:bookworm
if ! docker image inspect "$rootfs" >/dev/null 2>&1; then
  echo "Building $rootfs with debootstrap (a few minutes, once)" >&2
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >&2
  rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
  tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$rootfs" >&2
fi

# On it, this machine's Node, its headers and npm where the official node image has them (/usr/local); npm is
# told where the headers are (node-gyp would download them, and only the npm registry is reachable); and this
# machine's trusted certificate authorities (a network that inspects TLS needs its own for npm to reach the
# registry).
node_version=$(node -p process.versions.node)
base="parley-base:bookworm-node${node_version}"
if ! docker image inspect "$base" >/dev/null 2>&1; then
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  cp "$(command -v node)" "$context/node"
  cp -a "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$context/npm"
  cp -a "$(dirname "$(dirname "$(command -v node)")")/include/node" "$context/include"
  mkdir "$context/ca"
  cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true
  cp /etc/ssl/certs/ca-certificates.crt "$context/ca-bundle.crt"
  cat >"$context/Dockerfile" <<DOCKERFILE
FROM $rootfs
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY include /usr/local/include/node
COPY ca/ /usr/local/share/ca-certificates/
COPY ca-bundle.crt /etc/ssl/certs/ca-certificates.crt
RUN ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
  && ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
  && mkdir -p /usr/local/etc && echo nodedir=/usr/local >/usr/local/etc/npmrc
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
DOCKERFILE
  DOCKER_BUILDKIT=0 docker build -q -t "$base" "$context" >&2
fi
echo "$base"
