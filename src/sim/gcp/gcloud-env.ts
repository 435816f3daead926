// The `gcloud.env` file that points `gcloud compute` at the simulator, fully offline
// (docs/gcp-simulator.md): a throwaway config dir, the project, the endpoint override, a token file,
// and everything that would otherwise phone home (usage reporting, update checks, GCE metadata probes).

export type GcloudEnvOptions = {
  /** `http://127.0.0.1:PORT/compute/v1/` */
  computeUrl: string;
  project: string;
  /** Throwaway CLOUDSDK_CONFIG directory, never the user's own. */
  configDir: string;
  /** File holding the bearer token gcloud sends. */
  tokenFile: string;
};

export function gcloudEnv(o: GcloudEnvOptions): Record<string, string> {
  return {
    CLOUDSDK_CONFIG: o.configDir,
    CLOUDSDK_CORE_PROJECT: o.project,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: o.computeUrl,
    CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: o.tokenFile,
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_METRICS_ENVIRONMENT: 'fedsync-sim',
    CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
    GCE_METADATA_ROOT: '127.0.0.1:9',
  };
}

function shellQuote(v: string): string {
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/** Content of gcloud.env: `export K=V` lines, to be sourced (`. gcloud.env`) before running gcloud. */
export function gcloudEnvFile(o: GcloudEnvOptions): string {
  const lines = Object.entries(gcloudEnv(o)).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  return `# Points gcloud at the simulated Compute Engine API (source this file: . gcloud.env)\n${lines.join('\n')}\n`;
}
