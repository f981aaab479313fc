import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { containersOf, renderKustomization, splitImage, type K8sObject } from './kustomize.js';
import { deployDir, nginxBinary, repoRoot, writeNginxConfig } from './nginx.js';

/**
 * The deployment files, checked without a container engine or a cluster: Kubernetes objects
 * against the API schema, the compose files' shape, nginx's own syntax check, the Dockerfiles'
 * practices, and that every grace period covers the server's drain.
 */

const read = (...parts: string[]) => readFileSync(path.join(...parts), 'utf8');
const mainSource = read(repoRoot, 'apps/server/src/main.ts');
/** The server's drain limit (SHUTDOWN_GRACE_MS in main.ts), in seconds. */
const drainSeconds = Number(/const SHUTDOWN_GRACE_MS = ([\d_]+);/.exec(mainSource)![1]!.replace(/_/g, '')) / 1000;
/** The STOMP heart-beat the gateway offers, in seconds: idle /ws timeouts must outlast it. */
const heartbeatSeconds =
  Number(/heartbeatSendMs: ([\d_]+),/.exec(read(repoRoot, 'apps/server/src/platform/realtime/gateway.ts'))![1]!.replace(/_/g, '')) / 1000;

const seconds = (value: string) => {
  const match = /^(\d+)(ms|s|m)?$/.exec(value);
  if (!match) throw new Error(`not a duration: ${value}`);
  const n = Number(match[1]);
  return match[2] === 'ms' ? n / 1000 : match[2] === 'm' ? n * 60 : n;
};

/** A pinned image: a version tag with a digit (or a digest), never `latest`. */
function expectPinned(image: string, where: string) {
  const [, tag] = splitImage(image.split('@')[0]!);
  expect(image.includes('@sha256:') || (!!tag && /\d/.test(tag) && tag !== 'latest'), `${where}: ${image} is not pinned`).toBe(true);
}

describe('Kubernetes manifests', () => {
  const models: Record<string, new (data: any) => { validate(): void }> = {
    'apps/v1 Deployment': apps.Deployment,
    'autoscaling/v2 HorizontalPodAutoscaler': autoscaling.HorizontalPodAutoscaler,
    'batch/v1 CronJob': batch.CronJob,
    'batch/v1 Job': batch.Job,
    'networking.k8s.io/v1 Ingress': networking.Ingress,
    'policy/v1 PodDisruptionBudget': policy.PodDisruptionBudget,
    'v1 ConfigMap': core.ConfigMap,
    'v1 PersistentVolumeClaim': core.PersistentVolumeClaim,
    'v1 Service': core.Service,
  };
  const overlays = ['staging', 'production'].flatMap((env) => [`overlays/${env}`, `overlays/${env}/migrate`]);
  const rendered = Object.fromEntries(overlays.map((o) => [o, renderKustomization(path.join(deployDir, 'k8s', o))]));
  const find = (o: string, kind: string, name: string) => {
    const object = rendered[o]!.find((x) => x.kind === kind && x.metadata.name === name);
    if (!object) throw new Error(`${o} renders no ${kind} ${name}`);
    return object;
  };

  it.each(overlays)('%s renders objects that validate against the Kubernetes API schema', (overlay) => {
    expect(rendered[overlay]!.length).toBeGreaterThan(0);
    for (const object of rendered[overlay]!) {
      const Model = models[`${object.apiVersion} ${object.kind}`];
      expect(Model, `${object.apiVersion} ${object.kind} has no schema here`).toBeDefined();
      expect(() => new Model!(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
      expect(object.metadata.namespace).toMatch(/^studymate/);
      // Secrets are referenced, never committed.
      expect(object.kind).not.toBe('Secret');
      for (const container of containersOf(object)) expectPinned(container.image, `${overlay} ${object.kind}`);
    }
  });

  it('renders the overlays exactly as kubectl kustomize does (where kubectl is installed)', (context) => {
    if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) {
      return context.skip('kubectl is not installed; the renderer is checked against it where it is');
    }
    for (const overlay of overlays) {
      const theirs = parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(deployDir, 'k8s', overlay)], { encoding: 'utf8' }));
      const byName = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
      expect(byName(rendered[overlay]!)).toEqual(byName(theirs.map((d) => d.toJS())));
    }
  });

  it.each(['staging', 'production'])('%s: pods drain before they stop and are replaced before they go', (env) => {
    const o = `overlays/${env}`;
    const deployment = find(o, 'Deployment', 'studymate');
    const pod = deployment.spec.template.spec;
    const app = pod.containers[0];
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(app.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(app.livenessProbe.httpGet.path).toBe('/health/live');
    for (const kind of ['requests', 'limits'])
      for (const r of ['cpu', 'memory']) expect(app.resources[kind][r], `${kind}.${r}`).toBeDefined();
    // preStop sleep while endpoints forget the pod, then the server's own drain, inside the grace.
    const preStop = Number(app.lifecycle.preStop.exec.command.at(-1));
    expect(preStop).toBeGreaterThanOrEqual(3);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + drainSeconds);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    // Configuration by reference only.
    expect(app.envFrom).toEqual([{ configMapRef: { name: 'studymate-config' } }, { secretRef: { name: 'studymate-secrets' } }]);

    const pdb = find(o, 'PodDisruptionBudget', 'studymate');
    expect(pdb.spec.selector).toEqual(deployment.spec.selector);
    const hpa = find(o, 'HorizontalPodAutoscaler', 'studymate');
    expect(hpa.spec.scaleTargetRef.name).toBe('studymate');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const service = find(o, 'Service', 'studymate');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);

    const ingress = find(o, 'Ingress', 'studymate');
    for (const timeout of ['proxy-read-timeout', 'proxy-send-timeout']) {
      expect(Number(ingress.metadata.annotations![`nginx.ingress.kubernetes.io/${timeout}`])).toBeGreaterThan(2 * heartbeatSeconds);
    }
    const publicUrl = new URL(find(o, 'ConfigMap', 'studymate-config').data.PUBLIC_URL);
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual([publicUrl.hostname]);

    const backup = find(o, 'CronJob', 'studymate-backup');
    expect(backup.spec.schedule).toBe('0 2 * * *');
    expect(backup.spec.concurrencyPolicy).toBe('Forbid');
    const backupEnv = Object.fromEntries(containersOf(backup)[0]!.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(backupEnv.BACKUP_KEEP_DAYS).toBe('7');
    expect(containersOf(backup)[0]!.command).toEqual(['/opt/backup/backup.sh']);

    // MySQL and Redis are external services the pods reach by stable names.
    for (const name of ['studymate-mysql', 'studymate-redis']) expect(find(o, 'Service', name).spec.type).toBe('ExternalName');
  });

  it.each(['staging', 'production'])('%s: the migration Job runs the same image as the rollout', (env) => {
    const job = find(`overlays/${env}/migrate`, 'Job', 'studymate-migrate');
    const app = find(`overlays/${env}`, 'Deployment', 'studymate');
    expect(containersOf(job)[0]!.image).toBe(containersOf(app)[0]!.image);
    expect(containersOf(job)[0]!.args).toEqual(['migrate']);
    expect(job.metadata.namespace).toBe(app.metadata.namespace);
  });
});

describe('docker-compose', () => {
  // Compose files share settings through YAML merge keys (`<<: *app`).
  const compose = parse(read(deployDir, 'docker-compose.yml'), { merge: true });
  const services = compose.services as Record<string, any>;

  it.each(['docker-compose.yml', 'docker-compose.dev.yml'])(
    '%s: every long-running service has a healthcheck and a pinned image',
    (file) => {
      const parsed = parse(read(deployDir, file), { merge: true });
      for (const [name, service] of Object.entries(parsed.services as Record<string, any>)) {
        // Images built here are pinned through their Dockerfile's base (checked below).
        if (service.image && !service.build) expectPinned(service.image, `${file} ${name}`);
        if (service.restart === 'no') {
          // A one-shot service (the migration): whoever depends on it waits for it to finish.
          for (const other of Object.values(parsed.services as Record<string, any>)) {
            if (other.depends_on?.[name]) expect(other.depends_on[name].condition).toBe('service_completed_successfully');
          }
          continue;
        }
        expect(service.healthcheck?.test, `${file}: ${name} has no healthcheck`).toBeDefined();
        expect(service.healthcheck.disable).not.toBe(true);
      }
    },
  );

  it('scales the app behind nginx, and gives it longer than its drain to stop', () => {
    const app = services.app;
    // `--scale app=3` needs no fixed name and no host port.
    expect(app.container_name).toBeUndefined();
    expect(app.ports).toBeUndefined();
    expect(seconds(app.stop_grace_period)).toBeGreaterThan(drainSeconds);
    expect(app.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(services.migrate.command).toEqual(['migrate']);
    expect(services.nginx.volumes).toContain('./nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(app.environment.TRUST_PROXY).toBe('true');
  });

  it('runs MySQL in utf8mb4 with a slow-query log, Redis with an append-only file', () => {
    const mysql: string[] = services.mysql.command;
    expect(services.mysql.image).toMatch(/^mysql:8\./);
    expect(mysql).toContain('--character-set-server=utf8mb4');
    expect(mysql).toContain('--collation-server=utf8mb4_unicode_ci');
    expect(mysql).toContain('--slow-query-log=ON');
    expect(services.redis.image).toMatch(/^redis:7\./);
    expect(services.redis.command.join(' ')).toContain('--appendonly yes');
    expect(services.coturn.command).toContain('--use-auth-secret');
  });

  it('backs up nightly at 02:00, keeps seven days, with the scripts the drill runs', () => {
    const backup = services.backup;
    expect(backup.environment.BACKUP_AT).toBe('02:00');
    expect(backup.environment.BACKUP_KEEP_DAYS).toBe('7');
    expect(backup.volumes).toContain('uploads:/uploads:ro');
    const image = read(deployDir, 'backup/Dockerfile');
    for (const script of ['backup.sh', 'restore.sh', 'schedule.sh', 'common.sh']) expect(image).toContain(script);
    expect(read(deployDir, 'backup/backup.sh')).toContain('--single-transaction');
  });

  it('.env.example holds placeholders only, and names every variable compose needs', () => {
    const example = read(deployDir, '.env.example');
    const values = Object.fromEntries(
      example
        .split('\n')
        .filter((line) => /^[A-Z_0-9]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    for (const [name, value] of Object.entries(values)) {
      if (/SECRET|PASSWORD|KEY/.test(name)) expect(value, name).toMatch(/^(<[a-z0-9-]+>)?$/);
    }
    const required = [...read(deployDir, 'docker-compose.yml').matchAll(/\$\{([A-Z_0-9]+)\}/g)].map((m) => m[1]!);
    for (const name of new Set(required)) expect(values, `${name} is used by compose`).toHaveProperty(name);
  });
});

describe('nginx', () => {
  it('deploy/nginx.conf passes nginx -t, with the upstream the topology test uses', (context) => {
    if (!nginxBinary) return context.skip('nginx is not installed (.ci/run installs Debian nginx)');
    const prefix = mkdtempSync(path.join(tmpdir(), 'studymate-nginx-t-'));
    try {
      const config = writeNginxConfig(prefix, 18080, [18081, 18082]);
      const result = spawnSync(nginxBinary, ['-t', '-p', prefix, '-c', config], { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toContain('syntax is ok');
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it('keeps idle WebSocket reads open longer than the STOMP heart-beat', () => {
    const site = read(deployDir, 'nginx.conf');
    const ws = /location \/ws \{([^}]*)\}/.exec(site)![1]!;
    for (const directive of ['proxy_read_timeout', 'proxy_send_timeout']) {
      expect(seconds(new RegExp(`${directive} (\\w+);`).exec(ws)![1]!)).toBeGreaterThan(2 * heartbeatSeconds);
    }
    expect(site).toContain('proxy_set_header Upgrade $http_upgrade;');
  });
});

describe('Dockerfiles', () => {
  const dockerfiles = ['Dockerfile', 'backup/Dockerfile'];

  it.each(dockerfiles)('deploy/%s: pinned base, non-root user, healthcheck, stop signal', (file) => {
    const text = read(deployDir, file);
    const args = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!.replace(/^\$\{(\w+)\}$/, (_all, name) => args[name] ?? name));
    const stages = new Set([...text.matchAll(/^FROM \S+ AS (\w+)/gm)].map((m) => m[1]));
    for (const image of froms.filter((f) => !stages.has(f))) expectPinned(image, file);
    expect(text).not.toMatch(/:latest\b/);
    // The last stage is what runs: its USER must not be root.
    const runtime = text.slice(text.lastIndexOf('\nFROM '));
    const user = [...runtime.matchAll(/^USER (\S+)/gm)].at(-1)?.[1];
    expect(user, `${file}: no USER in the final stage`).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    expect(runtime).toMatch(/^STOPSIGNAL SIGTERM$/m);
  });

  it('the app image is multi-stage, checks readiness, and sizes V8 from the CPU count', () => {
    const text = read(deployDir, 'Dockerfile');
    expect([...text.matchAll(/^FROM /gm)].length).toBeGreaterThanOrEqual(3);
    expect(text).toContain('npm ci --omit=dev');
    expect(text.slice(text.indexOf('HEALTHCHECK'))).toContain('/health/ready');
    expect(/ARG NODE_IMAGE=node:20\.\d+\.\d+-/.test(text)).toBe(true);
    const entrypoint = read(deployDir, 'docker-entrypoint.sh');
    expect(entrypoint).toContain('nproc');
    expect(entrypoint).toMatch(/exec node --v8-pool-size="\$pool"/);
  });

  it('.dockerignore keeps secrets, dependencies and local data out of the build context', () => {
    const ignored = read(repoRoot, '.dockerignore').split('\n');
    for (const entry of ['.git', '**/node_modules', '**/dist', 'data', '.env', 'deploy/.env']) expect(ignored).toContain(entry);
  });

  it('the entrypoint chooses one helper thread per core but one', () => {
    const entrypoint = path.join(deployDir, 'docker-entrypoint.sh');
    // Runs the script itself with node swapped for echo and nproc for a given count.
    const script = read(entrypoint).replace(/exec node /g, 'exec echo node ');
    for (const [cpus, pool] of [
      ['1', '1'],
      ['2', '1'],
      ['8', '7'],
    ] as const) {
      const out = execFileSync('sh', ['-c', script.replace('$(nproc 2>/dev/null || echo 1)', cpus), 'entry', 'serve'], {
        encoding: 'utf8',
      });
      expect(out.trim()).toBe(`node --v8-pool-size=${pool} /app/apps/server/dist/main.js`);
    }
  });
});

it('every deploy/ file the docs name exists', () => {
  const listed = readdirSync(deployDir);
  for (const file of ['Dockerfile', 'docker-compose.yml', 'docker-compose.dev.yml', 'nginx.conf', '.env.example', 'k8s', 'backup']) {
    expect(listed).toContain(file);
  }
});
