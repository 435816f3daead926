// Request bodies sent as YAML (server-side apply, `application/yaml`). Clients send JSON there too —
// kubectl and fedsync both do, JSON being YAML — and a JSON document decodes the same with a JSON
// parser at a fraction of js-yaml's cost, which matters when the simulator stands in for API
// servers on the client's own machine. Anything that is not JSON goes to js-yaml.
import { load } from 'js-yaml';

/** Throws js-yaml's error for a body that is neither JSON nor YAML. */
export function decodeYamlBody(text: string): unknown {
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // A YAML flow collection such as `{a: 1}`: not JSON, still YAML.
    }
  }
  return load(text);
}
