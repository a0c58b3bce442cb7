# The conformance suite: `docker run IMAGE run --broker mqtt://host:1883`.
#   docker build -f docker/suite.Dockerfile -t mqtt-conformance .
#   docker run --rm -v "$PWD/out:/reports" mqtt-conformance run --broker mqtt://broker:1883 --report-dir /reports
# NODE_IMAGE: node:20-bookworm-slim where a registry is reachable; scripts/containers.sh passes
# its local stand-in (docker/local/node.Dockerfile).
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}
WORKDIR /app
COPY package.json package-lock.json ./
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && npm ci --no-audit --no-fund \
 && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* /root/.npm
COPY . .
# Runs as root: reports go to a bind-mounted /reports that docker may have created as root.
RUN mkdir -p /reports
ENTRYPOINT ["node", "/app/bin/mqtt-conformance.js"]
CMD ["--help"]
