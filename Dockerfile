# fedsync agent image: `fedsync run --config /etc/fedsync/config.yaml` (charts/fedsync runs it so).
# Build:  docker build -t fedsync:0.1.0 .
# Stage 1 builds dist/ (patched and bundled, see docs/build.md); stage 2 installs the production
# dependencies only; the final stage is Node 20 slim with the git binary (fedsync clones with it,
# about three times faster than its JavaScript fallback), as a non-root user, with dist/, bin/ and
# those dependencies: no npm, no sources, no build tools.

FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY patches/ patches/
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY scripts/build.js scripts/build.js
COPY bin/ bin/
COPY src/ src/
RUN npx patch-package --error-on-fail && node scripts/build.js

FROM node:20-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev --ignore-scripts

FROM node:20-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx \
    /usr/local/bin/corepack /opt/yarn-* /usr/local/bin/yarn /usr/local/bin/yarnpkg
WORKDIR /app
ENV NODE_ENV=production
COPY --from=prod-deps /app/node_modules/ node_modules/
COPY --from=build /src/dist/ dist/
COPY package.json ./
COPY bin/ bin/
# A uid with no account (65532, distroless's nonroot); the chart runs the pod as the same uid with a
# read-only root. git needs no home: fedsync gives it an empty environment of its own.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/node", "/app/bin/fedsync.js"]
CMD ["run", "--config", "/etc/fedsync/config.yaml"]
