// The agent's own self-heal and prune switches (`--no-self-heal`, `--no-prune`): they can only turn
// a repository's policy off, never on, so an operator can stop the agent deleting or correcting
// whatever the repository says.
import type { FederationRepo } from '../../model/index.js';
import type { LoadedRepo } from '../../source/load-repo.js';
import type { AgentConfig } from '../config/types.js';

export function withAgentPolicy(
  loaded: LoadedRepo,
  config: Pick<AgentConfig, 'selfHeal' | 'prune'>,
): LoadedRepo {
  if (!loaded.ok || (config.selfHeal && config.prune)) return loaded;
  const current = loaded.value.federation;
  const federation: FederationRepo['federation'] = {
    ...current,
    policy: {
      ...current.policy,
      ...(config.selfHeal ? {} : { selfHeal: false }),
      ...(config.prune ? {} : { prune: false }),
    },
  };
  return { ...loaded, value: { ...loaded.value, federation } };
}
