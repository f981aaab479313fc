import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * Renders a kustomization the way `kubectl kustomize` does, for the subset deploy/k8s uses:
 * resources (files and folders), namespace, labels (metadata only), images (newTag/newName) and
 * strategic-merge patches. CI has no kubectl; where kubectl exists, the test compares the two.
 */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
} & Record<string, any>;

interface Kustomization {
  resources?: string[];
  namespace?: string;
  labels?: Array<{ pairs: Record<string, string> }>;
  images?: Array<{ name: string; newTag?: string; newName?: string }>;
  patches?: Array<{ path: string }>;
}

export function readYamlObjects(file: string): any[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return doc.toJS();
  });
}

export function renderKustomization(dir: string): K8sObject[] {
  const file = path.join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir} has no kustomization.yaml`);
  const k = readYamlObjects(file)[0] as Kustomization;
  let objects: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const target = path.join(dir, resource);
    objects.push(...(statSync(target).isDirectory() ? renderKustomization(target) : (readYamlObjects(target) as K8sObject[])));
  }
  for (const patchFile of k.patches ?? []) {
    for (const patch of readYamlObjects(path.join(dir, patchFile.path)) as K8sObject[]) {
      const index = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (index < 0) throw new Error(`${patchFile.path}: no ${patch.kind} ${patch.metadata.name} to patch`);
      objects[index] = strategicMerge(objects[index], patch);
    }
  }
  for (const { pairs } of k.labels ?? []) {
    objects = objects.map((o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...pairs } } }));
  }
  if (k.namespace) objects = objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: k.namespace } }));
  for (const image of k.images ?? []) for (const o of objects) for (const c of containersOf(o)) c.image = retag(c.image, image);
  return objects;
}

/** Every container of a workload (Deployment, Job, CronJob), to read or retag. */
export function containersOf(o: K8sObject): Array<Record<string, any>> {
  const pod = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

function retag(reference: string, image: { name: string; newTag?: string; newName?: string }) {
  const [name, tag] = splitImage(reference);
  if (name !== image.name) return reference;
  return `${image.newName ?? name}:${image.newTag ?? tag}`;
}

export function splitImage(reference: string): [string, string | undefined] {
  const at = reference.lastIndexOf(':');
  return at > reference.lastIndexOf('/') ? [reference.slice(0, at), reference.slice(at + 1)] : [reference, undefined];
}

/** Maps merge key by key; lists of named items merge by name (containers, env, volumes); other lists are replaced. */
function strategicMerge(base: any, patch: any): any {
  if (Array.isArray(base) && Array.isArray(patch)) {
    const named = (list: any[]) => list.every((item) => item && typeof item === 'object' && typeof item.name === 'string');
    if (!named(base) || !named(patch)) return patch;
    const merged = base.map((item) => {
      const match = patch.find((p: any) => p.name === item.name);
      return match ? strategicMerge(item, match) : item;
    });
    return [...merged, ...patch.filter((p: any) => !base.some((item: any) => item.name === p.name))];
  }
  if (base && patch && typeof base === 'object' && typeof patch === 'object' && !Array.isArray(base) && !Array.isArray(patch)) {
    const out = { ...base };
    for (const [key, value] of Object.entries(patch)) out[key] = key in base ? strategicMerge(base[key], value) : value;
    return out;
  }
  return patch;
}
