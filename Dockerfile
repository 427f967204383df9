# Parley server image: `docker build -t parley/server .` from the repository root.
# The same image runs the server (default) and `parley migrate` (see docker-compose.yml).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so dependency layers are cached until a package.json changes.
COPY package.json package-lock.json ./
COPY packages/sdk/package.json packages/sdk/
COPY packages/widget/package.json packages/widget/
COPY packages/server/package.json packages/server/
COPY packages/cli/package.json packages/cli/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY migrations ./migrations
COPY packages ./packages
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/packages ./packages
USER node
EXPOSE 3000
# /healthz: the process is up. Orchestrators use /readyz (database and Redis) for traffic.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "packages/cli/dist/index.js", "serve"]
