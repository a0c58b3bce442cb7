# The mqtt-conformance reference broker, listening on 1883 in the container.
#   docker build -f docker/reference-broker.Dockerfile -t mqtt-conformance-broker .
#   docker run --rm -p 1883:1883 mqtt-conformance-broker
# NODE_IMAGE: node:20-bookworm-slim where a registry is reachable; scripts/containers.sh passes
# its local stand-in (docker/local/node.Dockerfile).
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}
WORKDIR /app
COPY package.json package-lock.json ./
# tsx (a dev dependency) runs the TypeScript sources; better-sqlite3 may need a build toolchain
# when no prebuilt binary matches, hence python3/make/g++ in this layer only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && npm ci --no-audit --no-fund \
 && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* /root/.npm
COPY . .
EXPOSE 1883
USER node
# The launcher prints "mqtt-conformance reference broker listening on HOST:PORT" once bound and
# stops cleanly on SIGTERM. $SYS every second and a 2 s CONNECT timeout: what
# profiles/reference.json declares (sysInterval, connectTimeout), so keep the two in step.
ENTRYPOINT ["node", "--import", "tsx", "reference/target/launcher.ts", "--host", "0.0.0.0", "--port", "1883", "--sys-interval", "1", "--connect-timeout", "2"]
