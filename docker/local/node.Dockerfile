# A local stand-in for node:20-bookworm-slim where no registry is reachable: the host's Node 20
# (binary, npm, headers) on the Debian base that scripts/containers.sh makes with debootstrap.
# Built by scripts/containers.sh from a context holding bin/node, lib/node_modules/npm, include/node
# and the host's CA bundle.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
COPY bin/node /usr/local/bin/node
COPY lib/node_modules/npm /usr/local/lib/node_modules/npm
COPY include/node /usr/local/include/node
# The host's trust store: npm reaches the registry through whatever TLS the host trusts (a proxy's CA).
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
# As in the official image: npm and npx on PATH, and a "node" user (uid 1000).
# npm_config_nodedir: native modules (better-sqlite3) build against these headers, since neither
# nodejs.org (headers) nor GitHub (prebuilt binaries) is reachable here.
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
ENV npm_config_nodedir=/usr/local NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
