// zod schemas of everything fedsync interprets. fedsync's own kinds are strict (an unknown field is
// an error); foreign kinds are loose except where fedsync reads them.
import { z } from 'zod';
import { SYSTEM_NAMESPACES } from '../model/tenancy.js';

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const stringMap = z.record(z.string(), z.string());
const count = z.int().min(0);

export const objectMetaSchema = z.looseObject({
  name: z.string().min(1).max(253).regex(DNS_SUBDOMAIN, 'must be a lowercase DNS name (a-z, 0-9, "-", ".")'),
  namespace: z.string().regex(DNS_LABEL, 'must be a lowercase DNS label').optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

/** What every object must have. */
export const anyObjectSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: objectMetaSchema,
});

const ownMeta = z.strictObject({
  name: z.string().regex(DNS_LABEL, 'must be a lowercase DNS label (a-z, 0-9, "-", at most 63)'),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

// The guard codes an approval may name (src/plan/guards.ts GuardCode; a test keeps the two equal).
// A misspelt guard would otherwise release nothing, silently.
export const APPROVABLE_GUARDS = [
  'guard.emptyRender',
  'guard.massPrune',
  'guard.namespaceDelete',
  'guard.lbFrontendDelete',
  'guard.lbForwardingRuleDelete',
  'guard.lbForwardingRuleReplace',
  'guard.lbAddressRelease',
  'guard.memberLeaving',
] as const;

const approvalSchema = z
  .strictObject({
    digest: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex>')
      .optional(),
    commit: z
      .string()
      .regex(/^[0-9a-f]{7,40}$/, 'must be a commit SHA (7 to 40 hex characters)')
      .optional(),
    guards: z
      .array(z.enum(APPROVABLE_GUARDS, { error: () => `must be one of ${APPROVABLE_GUARDS.join(', ')}` }))
      .min(1)
      .optional(),
    reason: z.string().min(1, 'say why this change is approved'),
  })
  .refine((a) => (a.digest === undefined) !== (a.commit === undefined), {
    message: 'an approval names exactly one of digest or commit',
  });

const namespacePattern = z
  .string()
  .regex(/^[a-z0-9*][-a-z0-9*]*$/, 'must be a namespace name, with * matching any characters');
const kindPattern = z
  .string()
  .regex(
    /^[a-z0-9*][-a-z0-9.*]*\/[A-Za-z0-9*]+$/,
    'must be group/Kind (core/Secret, apps/Deployment, rbac.authorization.k8s.io/*, */*)',
  );
const allowDeny = <T extends z.ZodType>(pattern: T) =>
  z.strictObject({ allow: z.array(pattern).optional(), deny: z.array(pattern).optional() });

/** Tenancy rules, in fedsync.yaml (spec.policy.tenancy) and in an operator's policy file (spec). */
export const tenancySchema = z.strictObject({
  namespaces: allowDeny(namespacePattern).optional(),
  kinds: allowDeny(kindPattern).optional(),
  clusterScoped: z.strictObject({ allow: z.array(kindPattern).optional() }).optional(),
  systemNamespaces: z
    .strictObject({
      allow: z
        .array(z.enum(SYSTEM_NAMESPACES, { error: () => `must be one of ${SYSTEM_NAMESPACES.join(', ')}` }))
        .optional(),
    })
    .optional(),
});

/** The operator's policy file: the same rules, outside the repository. */
export const tenancyPolicyFileSchema = z.strictObject({
  apiVersion: z.literal('fedsync.io/v1alpha1'),
  kind: z.literal('TenancyPolicy'),
  metadata: ownMeta,
  spec: tenancySchema.prefault({}),
});

export const federationSchema = z.strictObject({
  apiVersion: z.literal('fedsync.io/v1alpha1'),
  kind: z.literal('Federation'),
  metadata: ownMeta,
  spec: z
    .strictObject({
      /** true: the agent reads and plans but writes nothing until this is false again. */
      suspend: z.boolean().optional(),
      gcp: z
        .strictObject({
          project: z.string().min(1).optional(),
          network: z.string().min(1).optional(),
          ingressClass: z
            .string()
            .max(253)
            .regex(DNS_SUBDOMAIN, 'must be a lowercase DNS name (a-z, 0-9, "-", ".")')
            .optional(),
        })
        .optional(),
      policy: z
        .strictObject({
          selfHeal: z.boolean().default(true),
          prune: z.boolean().default(true),
          approvals: z.array(approvalSchema).default([]),
          tenancy: tenancySchema.optional(),
        })
        .prefault({}),
    })
    .prefault({}),
});

export const fedsyncClusterSchema = z.strictObject({
  apiVersion: z.literal('fedsync.io/v1alpha1'),
  kind: z.literal('Cluster'),
  metadata: ownMeta,
  spec: z
    .strictObject({
      kubeconfigContext: z.string().min(1).optional(),
      gcp: z
        .strictObject({
          project: z.string().min(1).optional(),
          network: z.string().min(1).optional(),
          zones: z.array(z.string().min(1)).optional(),
        })
        .optional(),
      /** Leaving the federation: no replicas here, its managed objects deleted, then forgotten. */
      leaving: z.boolean().optional(),
    })
    .prefault({}),
});

/** federation/v1beta1 Cluster and kubefed KubeFedCluster: foreign, so loose, but the name and secretRef are read. */
export const foreignClusterSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string().regex(DNS_LABEL, 'must be a lowercase DNS label (a-z, 0-9, "-", at most 63)'),
    labels: stringMap.optional(),
  }),
  spec: z
    .looseObject({
      secretRef: z.looseObject({ name: z.string().min(1) }).optional(),
      // federation v1: where clients reach the API server; kubefed: the API server's URL.
      serverAddressByClientCIDRs: z.array(z.looseObject({ serverAddress: z.string().min(1) })).optional(),
      apiEndpoint: z.string().min(1).optional(),
    })
    .optional(),
});

export const replicaPreferenceSchema = z
  .strictObject({
    minReplicas: count.default(0),
    maxReplicas: count.optional(),
    weight: count.default(0),
  })
  .refine((p) => p.maxReplicas === undefined || p.maxReplicas >= p.minReplicas, {
    message: 'maxReplicas must be at least minReplicas',
  });

/** `federation.kubernetes.io/{replica-set,deployment}-preferences` JSON. */
export const preferencesSchema = z.strictObject({
  rebalance: z.boolean().default(false),
  clusters: z.record(z.string(), replicaPreferenceSchema).default({}),
});

export const rspSchema = z.looseObject({
  spec: z.strictObject({
    targetKind: z.enum(['FederatedDeployment', 'FederatedReplicaSet']),
    totalReplicas: count,
    rebalance: z.boolean().default(false),
    intersectWithClusterSelector: z.boolean().default(false),
    clusters: z.record(z.string(), replicaPreferenceSchema).default({}),
  }),
});

const selectorRequirement = z.strictObject({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});

export const labelSelectorSchema = z.strictObject({
  matchLabels: stringMap.optional(),
  matchExpressions: z.array(selectorRequirement).optional(),
});

export const federatedSchema = z.looseObject({
  spec: z.strictObject({
    template: z.looseObject({
      apiVersion: z.string().min(1).optional(),
      kind: z.string().min(1).optional(),
      metadata: z.looseObject({ labels: stringMap.optional(), annotations: stringMap.optional() }).optional(),
    }),
    placement: z
      .strictObject({
        clusters: z.array(z.strictObject({ name: z.string().min(1) })).optional(),
        clusterSelector: labelSelectorSchema.optional(),
      })
      .optional(),
    overrides: z
      .array(
        z.strictObject({
          clusterName: z.string().min(1),
          clusterOverrides: z.array(
            z.strictObject({
              op: z.enum(['add', 'remove', 'replace']).default('replace'),
              path: z.string().startsWith('/', 'must be a JSON pointer such as /spec/replicas'),
              value: z.unknown().optional(),
            }),
          ),
        }),
      )
      .default([]),
  }),
});

// Parts of built-in kinds that fedsync reads.

export const workloadPartSchema = z.looseObject({
  spec: z.looseObject({ replicas: count.optional() }).optional(),
});

export const servicePartSchema = z.looseObject({
  spec: z
    .looseObject({
      type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).default('ClusterIP'),
      ports: z
        .array(
          z.looseObject({
            name: z.string().optional(),
            port: z.int().min(1).max(65535),
            nodePort: z
              .int()
              .min(30000, 'must be in 30000-32767')
              .max(32767, 'must be in 30000-32767')
              .optional(),
            protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
          }),
        )
        .default([]),
    })
    .prefault({}),
});

const portRef = z.union([z.int().min(1).max(65535), z.string().min(1)]);

const backendV1 = z.looseObject({
  service: z
    .looseObject({
      name: z.string().min(1),
      port: z.looseObject({
        number: z.int().min(1).max(65535).optional(),
        name: z.string().min(1).optional(),
      }),
    })
    .optional(),
});

const tls = z.array(
  z.looseObject({ hosts: z.array(z.string()).optional(), secretName: z.string().min(1).optional() }),
);

export const ingressV1PartSchema = z.looseObject({
  spec: z
    .looseObject({
      defaultBackend: backendV1.optional(),
      rules: z
        .array(
          z.looseObject({
            host: z.string().optional(),
            http: z.looseObject({ paths: z.array(z.looseObject({ backend: backendV1 })) }).optional(),
          }),
        )
        .optional(),
      tls: tls.optional(),
    })
    .prefault({}),
});

const backendBeta = z.looseObject({ serviceName: z.string().min(1), servicePort: portRef });

export const ingressBetaPartSchema = z.looseObject({
  spec: z
    .looseObject({
      backend: backendBeta.optional(),
      rules: z
        .array(
          z.looseObject({
            host: z.string().optional(),
            http: z.looseObject({ paths: z.array(z.looseObject({ backend: backendBeta })) }).optional(),
          }),
        )
        .optional(),
      tls: tls.optional(),
    })
    .prefault({}),
});
