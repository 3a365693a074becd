# syntax=docker/dockerfile:1
#
# The BareLB image: one image, two roles, picked by the first argument (`controller` or `speaker`, see
# deploy/). Build from the repository root:
#
#   docker build -t barelb:dev .
#   docker build -t ghcr.io/barelb/barelb:0.1.0 --build-arg VERSION=0.1.0 \
#     --build-arg REVISION=$(git rev-parse HEAD) --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) .
#
# Then point deploy/kustomization.yaml's `images` at it (or `kind load docker-image barelb:dev` on kind).
# For reproducible builds pin both base images by digest: --build-arg BUILD_IMAGE=node:24-bookworm@sha256:...

ARG BUILD_IMAGE=node:24-bookworm
ARG RUNTIME_IMAGE=node:24-bookworm-slim

# --- build: dependencies (with the native AF_PACKET addon), TypeScript, then production-only node_modules ---
FROM ${BUILD_IMAGE} AS build
WORKDIR /app
# The full Debian image already has python3, make and g++ for node-gyp; libpcap is not needed (the addon talks to
# AF_PACKET sockets directly). node-gyp uses the headers that ship in this image instead of downloading them.
ENV npm_config_nodedir=/usr/local \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false
# Manifests and the addon's sources first, so editing src/ does not re-run `npm ci`.
COPY package.json package-lock.json ./
COPY native/ ./native/
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/write-build-info.mjs ./scripts/
COPY src/ ./src/
# No .git in the build context: the commit for `barelb --version` comes in as REVISION.
ARG REVISION=unknown
RUN BARELB_COMMIT=${REVISION} npm run build \
 && npm prune --omit=dev

# --- runtime ---
FROM ${RUNTIME_IMAGE}
ARG RUNTIME_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="BareLB" \
      org.opencontainers.image.description="LoadBalancer Services for bare-metal Kubernetes: IP allocation, ARP/NDP announcement, data-path-aware election" \
      org.opencontainers.image.source="https://github.com/barelb/barelb" \
      org.opencontainers.image.url="https://github.com/barelb/barelb" \
      org.opencontainers.image.documentation="https://github.com/barelb/barelb/tree/main/docs" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="BareLB" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${RUNTIME_IMAGE}"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
# A `file:` dependency is a symlink into native/; the built addon (native/af-packet/build/Release) lives there.
COPY --from=build /app/native ./native
COPY --from=build /app/dist ./dist
COPY config/crd ./config/crd
# Non-root by default (the controller runs so). The speaker's DaemonSet sets uid 0 with CAP_NET_RAW only;
# deploy/speaker.yaml explains why.
USER 65532:65532
# The controller and speaker handle SIGTERM themselves (graceful handover), so no init is needed. deploy/ runs
# them with shareProcessNamespace, so Node is not PID 1 and a SIGTERM that comes while it starts is not dropped.
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
