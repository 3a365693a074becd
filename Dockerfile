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
#
# Multi-arch (linux/amd64 and linux/arm64) the way Go images cross-build: every RUN step runs on the build
# machine's own platform ($BUILDPLATFORM), and only the runtime stage, which has no RUN step, is the target's.
# The JavaScript is the same for every CPU; the one native part, the AF_PACKET addon, is compiled for the
# target by Debian's gcc for that CPU (cross or native). So an arm64 image needs no emulation:
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/barelb/barelb:0.1.0 --push .
#   scripts/build-image.sh --platform linux/arm64      # Docker-free, with buildah (see the script)

ARG BUILD_IMAGE=node:24-bookworm
ARG RUNTIME_IMAGE=node:24-bookworm-slim

# --- addon: the AF_PACKET addon for the target CPU, compiled on the build machine ---
# Debian names its compilers by target triplet: x86_64-linux-gnu-gcc is the native gcc on amd64 and a cross
# compiler (gcc-x86-64-linux-gnu) on arm64, and the other way round for aarch64-linux-gnu-gcc; the one that is
# missing comes from Debian. The same script compiles the npm package's prebuilds (scripts/build-prebuilds.sh).
FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS addon
WORKDIR /addon
ENV npm_config_nodedir=/usr/local
COPY scripts/build-prebuilds.sh ./scripts/
COPY native/af-packet/src ./native/af-packet/src
# Without BuildKit or buildah (no TARGETARCH) the image is for the build machine's CPU.
ARG TARGETARCH
RUN arch=${TARGETARCH:-$(dpkg --print-architecture)}; \
    case "$arch" in \
      amd64) node_arch=x64 triplet=x86_64-linux-gnu ;; \
      arm64) node_arch=arm64 triplet=aarch64-linux-gnu ;; \
      *) echo "BareLB's image is built for amd64 and arm64, not $arch" >&2; exit 1 ;; \
    esac; \
    if ! command -v "$triplet-gcc" >/dev/null; then \
      apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
           "gcc-$(echo "$triplet" | tr _ -)" "libc6-dev-$arch-cross" >/dev/null; \
    fi \
 && scripts/build-prebuilds.sh "$node_arch"

# --- build: dependencies, TypeScript, then production-only node_modules, on the build machine's platform ---
# For Node, production node_modules is JavaScript alone, so it serves every CPU: the addon aside (`npm ci`
# compiles it here for the build machine only; the runtime stage takes the addon stage's), and bare-fs & co.
# (under @kubernetes/client-node) carry prebuilds for every platform, but for the Bare runtime, not Node.
FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS build
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
COPY scripts/write-build-info.mjs scripts/bundle.mjs ./scripts/
COPY src/ ./src/
# No .git in the build context: the commit for `barelb --version` comes in as REVISION.
ARG REVISION=unknown
RUN BARELB_COMMIT=${REVISION} npm run build \
 && npm prune --omit=dev

# --- runtime: the target's platform; no RUN step, so nothing runs under emulation ---
# BuildKit makes a stage the target's by default; buildah 1.28 (Debian 12) carries an earlier stage's
# --platform over to the next one, so it is said here. (buildah sets neither BUILDPLATFORM nor
# TARGETPLATFORM: scripts/build-image.sh passes both as --build-arg. Unset, both mean this machine's.)
FROM --platform=$TARGETPLATFORM ${RUNTIME_IMAGE}
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
# MALLOC_ARENA_MAX: glibc gives each thread that mallocs an arena of its own, up to eight per core, and
# Node runs ten threads (V8's compiler and GC workers, libuv's pool); memory freed in one arena serves only
# that arena again. With two, the speaker with 1,000 Services held 1-2 MiB less anonymous memory and the
# controller 0.3-3.6 MiB less, in each of two interleaved pairs of `npm run bench:lean` (issue 14).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
# A `file:` dependency is a symlink into native/. Its loader (index.js) takes build/Release when there is one,
# else prebuilds/linux-<process.arch>: the image has no build/ (that was compiled for the build machine), and
# one prebuild, the target's, so the loader finds the right CPU's addon or none.
COPY --from=build /app/native/af-packet/package.json /app/native/af-packet/index.js ./native/af-packet/
COPY --from=addon /addon/native/af-packet/prebuilds ./native/af-packet/prebuilds
COPY --from=build /app/dist ./dist
COPY config/crd ./config/crd
# Non-root by default (the controller runs so). The speaker's DaemonSet sets uid 0 with CAP_NET_RAW only;
# deploy/speaker.yaml explains why.
USER 65532:65532
# The controller and speaker handle SIGTERM themselves (graceful handover), so no init is needed. deploy/ runs
# them with shareProcessNamespace, so Node is not PID 1 and a SIGTERM that comes while it starts is not dropped.
ENTRYPOINT ["node", "/app/dist/bin/barelb.js"]
CMD ["--help"]
