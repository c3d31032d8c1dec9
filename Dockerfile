# syntax=docker/dockerfile:1
# One image recipe for every Hookline app; pick the app with --target (api, worker, inspector).
#   docker build --target api -t hookline-api .
# docker-compose.yml builds all three; the migrate service runs the CLI from the api image.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: every dependency, then compile TypeScript (dist/ links to the build; the image gets a plain copy) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts ./scripts
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
RUN node scripts/build.js && cp -rL dist /app/compiled

# ---- runtime: production dependencies and the compiled code only, run as the unprivileged `node` user ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# In a container every interface is the container's own: listen on all of them (outside Docker HOST is 127.0.0.1).
ENV HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/compiled ./dist
# UPLOAD_DIR defaults to ./uploads; a volume mounted here inherits this ownership.
RUN mkdir -p /app/uploads && chown node:node /app/uploads
USER node

# ---- worker: Bull processor, outbox sweeper, recovery probe; GET /metrics and GET /health on WORKER_METRICS_PORT ----
FROM runtime AS worker
EXPOSE 9091
# Healthy: /health answers 200 (it answers 503 while the worker drains). WORKER_METRICS_PORT=0 turns the server off;
# then healthy only means the process (PID 1 of the container) is still there.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const p = process.env.WORKER_METRICS_PORT || '9091'; if (p === '0') process.kill(1, 0); else fetch('http://127.0.0.1:' + p + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/worker/src/main.js"]

# ---- inspector: the local webhook receiver for development (no database) ----
FROM runtime AS inspector
# A development tool: development mode spares it the production-only settings that it never uses.
ENV NODE_ENV=development
EXPOSE 8090
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.INSPECTOR_PORT || 8090) + '/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/inspector/src/main.js"]

# ---- api (last, so a plain `docker build .` gives the API) ----
FROM runtime AS api
EXPOSE 8081
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8081) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
