# The conformance suite: `docker run IMAGE run --broker mqtt://host:1883`.
#   docker build -f docker/suite.Dockerfile -t mqtt-conformance .
#   docker run --rm -v "$PWD/out:/reports" mqtt-conformance run --broker mqtt://broker:1883 --report-dir /reports
# NODE_IMAGE: node:20-bookworm-slim where a registry is reachable; scripts/containers.sh passes
# its local stand-in (docker/local/node.Dockerfile).
# The image holds the package as users install it: `npm pack` in a build stage, then the tarball
# unpacked into /app with production dependencies only (no TypeScript loader, no compiler).
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE} AS package
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts are not needed to compile (tsc) and pack: no native build toolchain here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm pack --silent >/dev/null && mv mqtt-conformance-*.tgz /package.tgz

FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=package /package.tgz /tmp/package.tgz
COPY package-lock.json ./
RUN tar -xzf /tmp/package.tgz --strip-components=1 -C /app && rm /tmp/package.tgz \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf /root/.npm
# Runs as root: reports go to a bind-mounted /reports that docker may have created as root.
RUN mkdir -p /reports
ENTRYPOINT ["node", "/app/bin/mqtt-conformance.js"]
CMD ["--help"]
