# The mqtt-conformance reference broker, listening on 1883 in the container.
#   docker build -f docker/reference-broker.Dockerfile -t mqtt-conformance-broker .
#   docker run --rm -p 1883:1883 mqtt-conformance-broker
# NODE_IMAGE: node:20-bookworm-slim where a registry is reachable; scripts/containers.sh passes
# its local stand-in (docker/local/node.Dockerfile).
# The image holds the package as users install it: `npm pack` in a build stage, then the tarball
# unpacked into /app with production dependencies only; the broker runs compiled JavaScript.
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
EXPOSE 1883
USER node
# The launcher prints "mqtt-conformance reference broker listening on HOST:PORT" once bound and
# stops cleanly on SIGTERM. $SYS every second and a 2 s CONNECT timeout: what
# profiles/reference.json declares (sysInterval, connectTimeout), so keep the two in step.
ENTRYPOINT ["node", "dist/reference/target/launcher.js", "--host", "0.0.0.0", "--port", "1883", "--sys-interval", "1", "--connect-timeout", "2"]
