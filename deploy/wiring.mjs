// The wiring check: usage node wiring.mjs COMPOSE_FILE RENDERED_MANIFEST... (repository root = ..).
// Every service the compose file and the manifests name exists in the reactor; ports, probe paths
// and environment variables match each service's <module>/src/main/resources/<module>.yml; the
// gateway is the only thing exposed; no secret value is written. Exit 1 with each problem listed.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const yaml = createRequire(join(here, ".tools", "node_modules", "x.js"))("js-yaml");
const problems = [];
const fail = (m) => problems.push(m);

const modules = [...readFileSync(join(root, "pom.xml"), "utf8").matchAll(/<module>([^<]+)<\/module>/g)].map((m) => m[1]);
const EXTERNAL = new Set(["postgres"]); // images of others (postgres:17), not reactor modules
const SECRETISH = /(PASSWORD|SECRET|TOKEN|API_KEY|ADMIN_KEY|_KEY$)/;

// what each service reads: flattened keys of its yml, the placeholders in it, service-support's
const config = {};
function flatten(o, p, out) {
  for (const [k, v] of Object.entries(o ?? {})) {
    const key = p ? `${p}.${k}` : k;
    out.add(key);
    if (v && typeof v === "object" && !Array.isArray(v)) flatten(v, key, out);
  }
  return out;
}
function settings(module) {
  if (config[module]) return config[module];
  const text = readFileSync(join(root, module, "src/main/resources", `${module}.yml`), "utf8");
  const y = yaml.safeLoad(text);
  const keys = flatten(y, "", new Set());
  for (const m of text.matchAll(/\$\{([A-Za-z0-9_.-]+)/g)) keys.add(m[1]);
  if (y.ugda?.database?.schema) ["spring.datasource.url", "spring.datasource.username", "spring.datasource.password"].forEach((k) => keys.add(k));
  if (["reward-service", "policy-service"].includes(module)) keys.add("ugda.device"); // DeviceProperties
  const judgeEnv = y.ugda?.relabel?.judge?.["api-key-env"];
  if (judgeEnv) keys.add(judgeEnv);
  const env = new Set();
  for (const k of keys) {
    env.add(k.replace(/[.-]/g, "_").toUpperCase()); // Spring's legacy form (UGDA_SERVICES_REWARD_URL)
    env.add(k.replace(/-/g, "").replace(/\./g, "_").toUpperCase());
  }
  const probes = y.management?.endpoint?.health?.probes?.enabled === true;
  return (config[module] = { port: y.server?.port, env, probes });
}
function moduleOf(name, where) {
  const m = name.replace(/-gpu$/, "");
  if (EXTERNAL.has(m)) return null;
  if (!modules.includes(m)) { fail(`${where}: ${name} is not a module of the reactor (${modules.join(", ")})`); return null; }
  return m;
}
function checkEnv(module, names, where) {
  const s = settings(module);
  for (const n of names) if (!s.env.has(n)) fail(`${where}: ${n} matches no property of ${module}.yml`);
}

// docker-compose.yml
const composeFile = process.argv[2];
const compose = yaml.safeLoad(readFileSync(composeFile, "utf8"));
for (const [name, svc] of Object.entries(compose.services ?? {})) {
  const where = `${composeFile} ${name}`;
  const env = Array.isArray(svc.environment)
    ? Object.fromEntries(svc.environment.map((e) => e.split(/=(.*)/s)))
    : svc.environment ?? {};
  for (const [k, v] of Object.entries(env))
    if (SECRETISH.test(k) && !/^\$\{[A-Z0-9_]+(:?[?-][^}]*)?\}$/.test(String(v ?? "")))
      fail(`${where}: ${k} is written in the file; take it from the environment (\${${k}:?})`);
  if (svc.ports && name !== "gateway") fail(`${where}: publishes ports; only the gateway may`);
  const m = moduleOf(name, where);
  if (!m) continue;
  const s = settings(m);
  checkEnv(m, Object.keys(env), where);
  if (!s.probes) fail(`${where}: ${m}.yml does not enable the health probes`);
  const test = (svc.healthcheck?.test ?? []).join(" ");
  if (!test.includes(`http://localhost:${s.port}/actuator/health/readiness`))
    fail(`${where}: health check '${test}' is not ${m}'s readiness probe on ${s.port}`);
  for (const p of svc.ports ?? []) if (!String(p).endsWith(`:${s.port}`)) fail(`${where}: port ${p} is not ${m}'s ${s.port}`);
  const df = svc.build?.dockerfile ?? "";
  if (df && !df.includes(m)) fail(`${where}: builds ${df}, not ${m}'s Dockerfile`);
}

// rendered manifests
const objects = process.argv.slice(3).flatMap((f) => yaml.safeLoadAll(readFileSync(f, "utf8")).filter((o) => o).map((o) => ({ f, o })));
const configMaps = new Map(objects.filter(({ o }) => o.kind === "ConfigMap").map(({ o }) => [o.metadata.name, o]));
for (const { f, o } of objects) {
  const where = `${f} ${o.kind}/${o.metadata?.name}`;
  if (o.kind === "Secret" && (o.data || o.stringData)) fail(`${where}: a Secret with values; reference it, create it out of band`);
  if (o.kind === "Service") {
    const m = moduleOf(o.metadata.name, where);
    if ((o.spec.type ?? "ClusterIP") !== "ClusterIP" && o.metadata.name !== "gateway") fail(`${where}: type ${o.spec.type}; only the gateway is exposed`);
    if (m) for (const p of o.spec.ports) if (p.port !== settings(m).port) fail(`${where}: port ${p.port} is not ${m}'s ${settings(m).port}`);
  }
  if (o.kind === "Ingress") for (const r of o.spec.rules ?? []) for (const p of r.http?.paths ?? [])
    if (p.backend?.service?.name !== "gateway") fail(`${where}: routes to ${p.backend?.service?.name}; only the gateway is exposed`);
  if (o.kind === "NetworkPolicy") {
    const open = (o.spec.ingress ?? []).some((r) => !r.from || r.from.length === 0);
    const sel = o.spec.podSelector?.matchLabels?.["app.kubernetes.io/name"];
    if (open && sel !== "gateway") fail(`${where}: lets traffic from anywhere reach pods other than the gateway`);
  }
  if (!["Deployment", "StatefulSet"].includes(o.kind)) continue;
  const m = moduleOf(o.metadata.name, where);
  for (const c of o.spec.template.spec.containers) {
    const names = (c.env ?? []).map((e) => e.name);
    for (const e of c.env ?? []) if (SECRETISH.test(e.name) && e.value !== undefined) fail(`${where}: ${e.name} has a value; use a secretKeyRef`);
    for (const ef of c.envFrom ?? []) {
      if (ef.secretRef) continue;
      const cm = configMaps.get(ef.configMapRef?.name);
      if (!cm) { fail(`${where}: envFrom names ConfigMap ${ef.configMapRef?.name}, which is not rendered`); continue; }
      for (const [k, v] of Object.entries(cm.data ?? {})) { names.push(k); if (SECRETISH.test(k)) fail(`${where}: ConfigMap key ${k} looks like a secret`); }
    }
    if (!m) continue;
    const s = settings(m);
    checkEnv(m, names, where);
    const port = c.ports?.find((p) => p.name === "http")?.containerPort;
    if (port !== s.port) fail(`${where}: containerPort ${port} is not ${m}'s ${s.port}`);
    if (c.livenessProbe?.httpGet?.path !== "/actuator/health/liveness") fail(`${where}: liveness probe is not /actuator/health/liveness`);
    if (c.readinessProbe?.httpGet?.path !== "/actuator/health/readiness") fail(`${where}: readiness probe is not /actuator/health/readiness`);
  }
}

// no secret value in any file of the deployment
for (const f of process.argv.slice(2)) {
  const text = readFileSync(f, "utf8");
  if (/sk-[A-Za-z0-9_-]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) fail(`${f}: holds what looks like a key`);
}

for (const p of problems) console.log(`WIRING ${p}`);
console.log(`wiring: ${Object.keys(compose.services ?? {}).length} compose services, ${objects.length} objects, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
