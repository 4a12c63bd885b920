import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Deployment } from 'kubernetes-models/apps/v1'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1'
import { parseAllDocuments } from 'yaml'
import { describe, expect, it } from 'vitest'
import { EnvSchema, loadConfig } from '../../apps/server/src/config.ts'

const KUBERNETES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../kubernetes')

/** The schema class of each kind the manifests may contain; any other kind fails the test. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
}

interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string; labels?: Record<string, string> }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML, checked field by field below
  spec?: any
  data?: Record<string, string>
}

/** `kubectl kustomize` renders the overlay offline, as `kubectl apply -k` would send it. */
function render(overlay: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', path.join(KUBERNETES, 'overlays', overlay)], { encoding: 'utf8' })
  return parseAllDocuments(out).map((document) => document.toJS() as K8sObject)
}

const SECRET_ENV = { PARLEY_DATABASE_URL: 'postgres://parley@db/parley', PARLEY_REDIS_URL: 'redis://redis:6379' }

describe.each([
  ['single', 1, false],
  ['scaled', 1, true],
  ['split', 4, true],
])('Kubernetes overlay %s', (overlay, deployments, external) => {
  const objects = render(overlay)
  const byKind = (kind: string) => objects.filter((object) => object.kind === kind)

  it('renders only objects that are valid against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(0)
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`]
      expect(Model, `${object.apiVersion} ${object.kind}`).toBeDefined()
      expect(() => new Model!(object as never).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow()
    }
    expect(byKind('Deployment')).toHaveLength(deployments)
  })

  it('gives each Deployment probes, ports, settings and a security context that match what the server reads', () => {
    for (const deployment of byKind('Deployment')) {
      const pod = deployment.spec.template.spec
      const [container] = pod.containers
      const configMaps = container.envFrom.map((from: { configMapRef?: { name: string } }) => from.configMapRef?.name)
      const settings = Object.assign(
        {},
        ...byKind('ConfigMap')
          .filter((map) => configMaps.includes(map.metadata.name))
          .map((map) => map.data),
      ) as Record<string, string>
      // Every variable is one the server knows, and the whole set is a valid configuration.
      for (const name of Object.keys(settings)) expect(Object.keys(EnvSchema.shape)).toContain(name)
      const secretRef = container.envFrom.find((from: { secretRef?: unknown }) => from.secretRef).secretRef
      expect(secretRef).toEqual({ name: 'parley-secrets', optional: !external })
      const config = loadConfig({ ...settings, ...(external ? SECRET_ENV : {}) })
      expect(config.host).toBe('0.0.0.0')
      expect(config.dataDir).toBe('/data')

      const http = container.ports.find((port: { name: string }) => port.name === 'http')
      expect(http.containerPort).toBe(config.port)
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' })
      expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' })
      expect(container.resources.requests).toBeDefined()
      expect(container.resources.limits.memory).toBeDefined()

      expect(pod.securityContext.runAsNonRoot).toBe(true)
      for (const each of [...pod.initContainers, ...pod.containers]) {
        expect(each.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true })
        expect(each.volumeMounts.map((mount: { mountPath: string }) => mount.mountPath).sort()).toEqual([
          '/data',
          '/tmp',
        ])
      }
      expect(pod.initContainers[0].args).toEqual(['migrate'])
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(15)
    }
  })

  it('points every Service, Ingress, autoscaler and disruption budget at objects that exist', () => {
    const deploymentsByName = new Map(byKind('Deployment').map((d) => [d.metadata.name, d]))
    const services = new Map(byKind('Service').map((s) => [s.metadata.name, s]))
    for (const service of services.values()) {
      const matches = [...deploymentsByName.values()].filter((d) =>
        Object.entries(service.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      )
      expect(matches, service.metadata.name).toHaveLength(1)
    }
    for (const ingress of byKind('Ingress')) {
      for (const rule of ingress.spec.rules)
        for (const { backend } of rule.http.paths) expect(services.has(backend.service.name)).toBe(true)
    }
    for (const hpa of byKind('HorizontalPodAutoscaler'))
      expect(deploymentsByName.has(hpa.spec.scaleTargetRef.name)).toBe(true)
    for (const pdb of byKind('PodDisruptionBudget')) {
      expect(
        [...deploymentsByName.values()].some((d) =>
          Object.entries(pdb.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
        ),
      ).toBe(true)
    }
  })
})

describe('Kubernetes overlay split', () => {
  it('runs one role per Deployment and routes each role’s paths to it', () => {
    const objects = render('split')
    const roles = objects
      .filter((object) => object.kind === 'ConfigMap')
      .map((map) => [map.metadata.name.split('-')[2], map.data!.PARLEY_ROLES])
    expect(Object.fromEntries(roles)).toEqual({ auth: 'auth', chat: 'chat', analytics: 'analytics', web: 'web' })
    const ingress = objects.find((object) => object.kind === 'Ingress')!
    const routes = Object.fromEntries(
      ingress.spec.rules[0].http.paths.map((p: { path: string; backend: { service: { name: string } } }) => [
        p.path,
        p.backend.service.name,
      ]),
    )
    expect(routes).toMatchObject({
      '/api/auth': 'parley-auth',
      '/.well-known': 'parley-auth',
      '/api/conversations': 'parley-chat',
      '/api/ws': 'parley-chat',
      '/api/auth/email': 'parley-chat',
      '/api/limits': 'parley-chat',
      '/api/shares': 'parley-chat',
      '/api/shared': 'parley-chat',
      '/api/admin/models': 'parley-chat',
      '/api/widgets': 'parley-auth',
      '/api/analytics': 'parley-analytics',
      '/api/users/me/usage': 'parley-analytics',
      '/': 'parley-web',
    })
  })
})
