# Parley's container image. Build: `docker build -t parley .`; run: `docker run -p 3000:3000 -v parley-data:/data parley`.
# BASE_IMAGE is any Debian image with Node (and npm) under /usr/local, like the official one; the deploy tests
# substitute a locally built one (deploy/test/engine.sh) because no image registry is reachable there.
ARG BASE_IMAGE=node:22-bookworm-slim

FROM ${BASE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a change to the sources reuses the installed layer.
COPY package.json package-lock.json ./
COPY stubs ./stubs
COPY packages/protocol/package.json packages/protocol/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY apps/widget/package.json apps/widget/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# The image runs the server alone: the web app and the widget ship as built files, so their workspaces leave the
# manifest and the prune drops their packages (React, recharts, highlight.js...) with the dev dependencies.
# TypeScript is an optional peer of node-llama-cpp that it never loads at run time.
RUN node -e "const fs = require('fs'); const p = JSON.parse(fs.readFileSync('package.json')); \
      p.workspaces = ['packages/protocol', 'apps/server']; fs.writeFileSync('package.json', JSON.stringify(p, null, 2))" \
  && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf node_modules/.cache node_modules/typescript \
  && mkdir -p apps/server/node_modules packages/protocol/node_modules
# The server's bundle (apps/server/build.mjs) carries these packages, and none of the packages it loads from
# node_modules at run time asks for them (npm ls): ~40 MB less image.
RUN rm -rf node_modules/@ai-sdk node_modules/zod node_modules/kysely node_modules/discord-api-types \
    node_modules/@discordjs
# The API docs page serves Swagger UI's standalone bundle and stylesheet (plugins/openapi.ts), not its other builds
# or their source maps: ~9 MB.
RUN cd node_modules/swagger-ui-dist && rm -f ./*.map swagger-ui-es-bundle* swagger-ui.js swagger-ui-standalone-preset.js
# node-llama-cpp brings prebuilt CPU runtimes for several architectures and the llama.cpp sources as a git bundle
# (to build from source, which Parley never asks for: it loads with build 'never'). Keep this architecture's
# runtime only.
RUN case "$(node -p process.arch)" in arm) keep=linux-armv7l ;; *) keep="linux-$(node -p process.arch)" ;; esac \
  && find node_modules/@node-llama-cpp -mindepth 1 -maxdepth 1 ! -name "$keep" -exec rm -rf {} + \
  && rm -f node_modules/node-llama-cpp/llama/gitRelease.bundle
# better-sqlite3 compiled from source leaves the SQLite sources and its object files beside the addon it loads.
RUN cd node_modules/better-sqlite3 \
  && rm -rf deps src build/deps build/Release/obj build/Release/obj.target build/Release/.deps \
    build/Release/sqlite3.a build/Release/test_extension.node

FROM ${BASE_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="Parley" \
  org.opencontainers.image.description="Self-hosted AI chat platform" \
  org.opencontainers.image.licenses="MIT" \
  org.opencontainers.image.version="${VERSION}"
# MALLOC_MMAP_THRESHOLD_: see docs/performance.md ("Memory").
ENV NODE_ENV=production \
  MALLOC_MMAP_THRESHOLD_=131072 \
  PARLEY_HOST=0.0.0.0 \
  PARLEY_PORT=3000 \
  PARLEY_DATA_DIR=/data
RUN groupadd --system --gid 10001 parley \
  && useradd --system --uid 10001 --gid parley --home-dir /data --shell /usr/sbin/nologin parley \
  && mkdir -p /data \
  && chown parley:parley /data
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages/protocol/package.json ./packages/protocol/
COPY --from=build /src/packages/protocol/dist ./packages/protocol/dist
COPY --from=build /src/packages/protocol/node_modules ./packages/protocol/node_modules
COPY --from=build /src/apps/server/package.json ./apps/server/
COPY --from=build /src/apps/server/bin ./apps/server/bin
COPY --from=build /src/apps/server/dist ./apps/server/dist
# A workspace's own node_modules holds the versions that could not be hoisted to the root.
COPY --from=build /src/apps/server/node_modules ./apps/server/node_modules
COPY --from=build /src/apps/web/dist ./apps/web/dist
COPY --from=build /src/apps/widget/dist ./apps/widget/dist
COPY LICENSE ./
USER parley
VOLUME /data
EXPOSE 3000
# Node's own fetch: the image needs no curl or wget.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PARLEY_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself: replies in progress are stored as stopped, sockets closed with 1001.
STOPSIGNAL SIGTERM
# --single-threaded-gc: as `npm start` runs it; under a CPU limit V8's collector threads spend the same quota as the
# event loop (docs/performance.md, "What is kept").
ENTRYPOINT ["node", "--single-threaded-gc", "apps/server/bin/parley.js"]
CMD ["serve"]
