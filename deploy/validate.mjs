// Validates every object of the rendered manifests given as arguments against the Kubernetes and
// Prometheus Operator schemas (npm kubernetes-models, @kubernetes-models/prometheus-operator: types,
// required fields, enums, patterns). Exit 1 if any object is invalid or of an unknown kind.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const tools = join(dirname(fileURLToPath(import.meta.url)), ".tools", "node_modules");
const yaml = createRequire(join(tools, "x.js"))("js-yaml");

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const module =
    group === "monitoring.coreos.com"
      ? join(tools, "@kubernetes-models/prometheus-operator", group, version, "index.js")
      : join(tools, "kubernetes-models", group === "" ? "" : group, version, "index.js");
  try {
    return (await import(module))[kind];
  } catch {
    return undefined;
  }
}

let bad = 0;
let count = 0;
for (const file of process.argv.slice(2)) {
  const docs = yaml.safeLoadAll(readFileSync(file, "utf8")).filter((d) => d);
  for (const obj of docs) {
    count++;
    const name = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    const Model = obj.apiVersion && obj.kind ? await modelOf(obj.apiVersion, obj.kind) : undefined;
    if (!Model) {
      console.log(`INVALID ${name}: no schema for apiVersion ${obj.apiVersion} kind ${obj.kind}`);
      bad++;
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      console.log(`INVALID ${name}: ${String(e.message).split("\n").slice(0, 5).join("; ")}`);
      bad++;
    }
  }
}
console.log(`validated ${count} objects, ${bad} invalid`);
process.exit(bad === 0 && count > 0 ? 0 : 1);
