# fedsync agent image: `fedsync run --config /etc/fedsync/config.yaml` (charts/fedsync runs it so).
# Build:  docker build -t fedsync:0.1.0 .
# Stage 1 builds dist/ (patched and bundled, see docs/build.md); stage 2 installs the production
# dependencies only; the final stage is distroless Node 20 as a non-root user, with dist/, bin/ and
# those dependencies: no npm, no shell, no sources, no build tools.

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

FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=prod-deps /app/node_modules/ node_modules/
COPY --from=build /src/dist/ dist/
COPY package.json ./
COPY bin/ bin/
# distroless's nonroot user (65532); the chart runs the pod as the same uid with a read-only root.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/nodejs/bin/node", "/app/bin/fedsync.js"]
CMD ["run", "--config", "/etc/fedsync/config.yaml"]
