#!/usr/bin/env bash
# npm run test:deploy: sets up a Docker engine (deploy/test/engine.sh), builds the real Dockerfile on a local base
# image as parley:local, then runs the deploy tests (the container, the Kubernetes manifests) against it.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)

base=$(deploy/test/engine.sh)
echo "Building parley:local on $base"
DOCKER_BUILDKIT=0 docker build --network host --build-arg BASE_IMAGE="$base" -t parley:local .
docker image inspect -f '{{.Size}}' parley:local | awk '{ printf "Image parley:local: %.0f MB uncompressed\n", $1 / 1e6 }'

npx vitest run --config deploy/test/vitest.config.ts
echo "Deploy tests took $(($(date +%s) - started)) s"
