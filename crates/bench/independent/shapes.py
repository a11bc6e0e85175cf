#!/usr/bin/env python3
"""Generate repository shapes that stress fallout.

usage: shapes.py SHAPE N OUTDIR
N = number of workloads. Shapes:
  spread      500 namespaces, one file per object (baseline)
  onens       everything in ONE namespace: N Deployments, N Services, one Redis
  bigfiles    20 multi-document files of N/20 workloads (+ their Services) each
  listdump    one `kubectl get -o yaml` style `kind: List` dump
  manysvc     N Services, N/10 Redis StatefulSets, ExternalName chains
  sharedcm    one ConfigMap with 5,000 keys every workload envFroms; Secrets with many keys
  longenv     200 env vars per container, long command scripts
  deepnest    20-level nesting + many non-YAML files (README, json, properties, .env, Dockerfile)
  compose     N/4 compose projects with 4 services each
  kustomize   N/10 apps each base + 3 overlays (3 Deployments per base; 9 rendered per app... ~0.9N)
"""
import os
import random
import sys

R = random.Random(7)


def w(path, text):
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def redis_sts(name, ns, tls=False):
    args = '["--port", "6379"' + (', "--tls-port", "6380"' if tls else "") + "]"
    return f"""apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
  namespace: {ns}
  labels:
    team: platform
spec:
  serviceName: {name}-headless
  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: redis
          image: redis:7.2
          args: {args}
          ports:
            - containerPort: 6379
"""


def service(name, ns, app=None, port=6379, target=None):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    app: {app or name}
  ports:
    - name: main
      port: {port}
      targetPort: {target or port}
"""


def ext_service(name, ns, target):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  type: ExternalName
  externalName: {target}
"""


def deployment(name, ns, env, extra_container="", envfrom="", command=None, kind="Deployment", team=None, envfrom_secret=""):
    env_txt = "".join(
        f"            - name: {k}\n              value: \"{v}\"\n" for k, v in env
    )
    cmd = ""
    if command:
        cmd = "          command: [\"/bin/sh\", \"-c\"]\n          args:\n            - |\n" + "".join(
            "              " + l + "\n" for l in command
        )
    ef = ""
    if envfrom:
        ef = f"          envFrom:\n            - configMapRef:\n                name: {envfrom}\n"
        if envfrom_secret:
            ef += f"            - secretRef:\n                name: {envfrom_secret}\n"
    return f"""apiVersion: apps/v1
kind: {kind}
metadata:
  name: {name}
  namespace: {ns}
  labels:
    team: {team or 'team-' + str(hash(ns) % 50)}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: app
          image: registry.example.com/{ns}/{name}:1.{R.randint(0, 99)}.0
          ports:
            - containerPort: 8080
{cmd}{ef}          env:
{env_txt}{extra_container}"""


def basic_env(host, i):
    k = i % 4
    if k == 0:
        return [("REDIS_URL", f"redis://{host}:6379/0"), ("LOG_LEVEL", "info")]
    if k == 1:
        return [("REDIS_HOST", host), ("REDIS_PORT", "6379"), ("LOG_LEVEL", "debug")]
    if k == 2:
        return [("CACHE_ADDR", f"{host}:6379"), ("DATABASE_URL", "postgres://db.data:5432/app")]
    return [("DATABASE_URL", "postgres://db.data:5432/app"), ("MEMCACHED", "mc.cache:11211")]


# ------------------------------------------------------------------ shapes

def g_spread(n, out):
    nns = 500
    nredis = 250
    for r in range(nredis):
        ns = f"cache-{r}"
        w(f"{out}/platform/{ns}/redis.yaml", redis_sts("redis", ns) + "---\n" + service("redis", ns))
    for i in range(n):
        ns = f"ns-{i % nns}"
        name = f"svc-{i}"
        host = f"redis.cache-{i % nredis}.svc.cluster.local"
        w(f"{out}/teams/{ns}/{name}/deploy.yaml", deployment(name, ns, basic_env(host, i)) + "---\n" + service(name, ns, port=80, target=8080))


def g_onens(n, out):
    ns = "prod"
    w(f"{out}/platform/redis.yaml", redis_sts("redis", ns) + "---\n" + service("redis", ns))
    for i in range(n):
        name = f"svc-{i}"
        host = ["redis", "redis.prod", "redis.prod.svc.cluster.local"][i % 3]
        w(f"{out}/apps/{name}/deploy.yaml", deployment(name, ns, basic_env(host, i)) + "---\n" + service(name, ns, port=80, target=8080))


def _docs(n):
    nredis = 250
    docs = []
    for r in range(nredis):
        ns = f"cache-{r}"
        docs.append(redis_sts("redis", ns))
        docs.append(service("redis", ns))
    for i in range(n):
        ns = f"ns-{i % 500}"
        name = f"svc-{i}"
        host = f"redis.cache-{i % nredis}.svc.cluster.local"
        docs.append(deployment(name, ns, basic_env(host, i)))
        docs.append(service(name, ns, port=80, target=8080))
    return docs


def g_bigfiles(n, out):
    docs = _docs(n)
    nfiles = 20
    per = (len(docs) + nfiles - 1) // nfiles
    for f in range(nfiles):
        w(f"{out}/rendered/all-{f}.yaml", "---\n".join(docs[f * per:(f + 1) * per]))


def g_listdump(n, out):
    docs = _docs(n)
    lines = ["apiVersion: v1", "kind: List", "metadata:", "  resourceVersion: \"\"", "items:"]
    for d in docs:
        dl = d.rstrip("\n").split("\n")
        lines.append("- " + dl[0])
        lines.extend("  " + l for l in dl[1:])
    w(f"{out}/dump/cluster.yaml", "\n".join(lines) + "\n")


def g_manysvc(n, out):
    nredis = max(1, n // 10)
    nns = 200
    for r in range(nredis):
        ns = f"ns-{r % nns}"
        nm = f"redis-{r}"
        w(f"{out}/platform/{ns}/{nm}.yaml", redis_sts(nm, ns, tls=r % 3 == 0) + "---\n" + service(nm, ns) + "---\n" + service(nm + "-headless", ns, app=nm))
    # ExternalName chains: 3 hops each, for every 5th redis
    for r in range(0, nredis, 5):
        ns = f"ns-{r % nns}"
        prev = f"redis-{r}.{ns}.svc.cluster.local"
        for h in range(3):
            nm = f"alias-{r}-{h}"
            ans = f"ns-{(r + h + 1) % nns}"
            w(f"{out}/aliases/{ans}/{nm}.yaml", ext_service(nm, ans, prev))
            prev = f"{nm}.{ans}.svc.cluster.local"
    for i in range(n):
        ns = f"ns-{i % nns}"
        name = f"app-{i}"
        r = i % nredis
        rns = f"ns-{r % nns}"
        if i % 7 == 0 and r % 5 == 0:
            host = f"alias-{r}-2.ns-{(r + 3) % nns}"
        elif rns == ns and i % 2:
            host = f"redis-{r}"
        else:
            host = [f"redis-{r}.{rns}", f"redis-{r}.{rns}.svc", f"redis-{r}.{rns}.svc.cluster.local", f"redis-{r}-0.redis-{r}-headless.{rns}.svc.cluster.local"][i % 4]
        w(f"{out}/apps/{ns}/{name}.yaml", deployment(name, ns, basic_env(host, i)) + "---\n" + service(name, ns, port=80, target=8080))


def g_sharedcm(n, out, heavy=False):
    ns = "prod"
    keys = []
    nkeys = int(os.environ.get("SHAREDCM_KEYS", "5000"))
    for k in range(nkeys):
        if not heavy:
            if k in (10, nkeys * 2 // 5, nkeys * 4 // 5):
                keys.append(f"  REDIS_{k}_URL: \"redis://redis-{k // 100}.cache:6379/0\"")
            else:
                keys.append(f"  SETTING_{k}: \"value-{k}-{'x' * (k % 20)}\"")
            continue
        if k % 100 == 0:
            keys.append(f"  REDIS_{k}_URL: \"redis://redis-{k // 100}.cache:6379/{k % 16}\"")
        elif k % 37 == 0:
            keys.append(f"  FEATURE_{k}_REDIS_HOST: \"redis-{k % 50}.cache\"")
        else:
            keys.append(f"  SETTING_{k}: \"value-{k}-{'x' * (k % 20)}\"")
    w(f"{out}/shared/global-config.yaml", f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: global-config\n  namespace: {ns}\ndata:\n" + "\n".join(keys) + "\n")
    # secrets with many keys
    import base64
    for s in range(20):
        items = []
        for k in range(500):
            v = f"redis://:pw{k}@redis-{k % 50}.cache:6379/0" if (k % 10 == 0 if heavy else k == 250) else f"secret-value-{k}"
            items.append(f"  KEY_{k}: {base64.b64encode(v.encode()).decode()}")
        w(f"{out}/shared/secret-{s}.yaml", f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-{s}\n  namespace: {ns}\ndata:\n" + "\n".join(items) + "\n")
    for r in range(50):
        w(f"{out}/cache/redis-{r}.yaml", redis_sts(f"redis-{r}", "cache") + "---\n" + service(f"redis-{r}", "cache"))
    for i in range(n):
        name = f"svc-{i}"
        d = deployment(name, ns, [("APP_NAME", name)], envfrom="global-config", envfrom_secret=f"secret-{i % 20}" if i % 2 else "")
        w(f"{out}/apps/{name}.yaml", d)


def g_sharedcmheavy(n, out):
    """the shared ConfigMap names 50 Redis URLs + 135 Redis hosts; Secrets 50 URLs each"""
    g_sharedcm(n, out, heavy=True)


def g_longenv(n, out):
    nredis = 250
    for r in range(nredis):
        ns = f"cache-{r}"
        w(f"{out}/platform/{ns}/redis.yaml", redis_sts("redis", ns) + "---\n" + service("redis", ns))
    for i in range(n):
        ns = f"ns-{i % 500}"
        name = f"svc-{i}"
        host = f"redis.cache-{i % nredis}.svc.cluster.local"
        env = basic_env(host, i)
        for k in range(200):
            if k % 50 == 7:
                env.append((f"CACHE_{k}_URL", f"redis://redis.cache-{(i + k) % nredis}:6379/{k % 16}"))
            elif k % 25 == 3:
                env.append((f"REF_{k}", f"$(REDIS_HOST):$(VAR_{k - 1})"))
            else:
                env.append((f"VAR_{k}", f"value-{k}-{i}"))
        script = []
        for l in range(60):
            if l % 20 == 5:
                script.append(f"redis-cli -h redis.cache-{i % nredis} -p 6379 PING || exit 1")
            else:
                script.append(f"echo step {l} && ./bin/run --opt-{l}=$VAR_{l % 200} --timeout=30s")
        w(f"{out}/teams/{ns}/{name}.yaml", deployment(name, ns, env, command=script))


def g_deepnest(n, out):
    nredis = 250
    for r in range(nredis):
        ns = f"cache-{r}"
        w(f"{out}/platform/{ns}/redis.yaml", redis_sts("redis", ns) + "---\n" + service("redis", ns))
    for i in range(n):
        ns = f"ns-{i % 500}"
        name = f"svc-{i}"
        host = f"redis.cache-{i % nredis}.svc.cluster.local"
        depth = 20
        parts = [f"l{d}-{(i >> (d % 12)) % 3}" for d in range(depth)]
        base = f"{out}/mono/" + "/".join(parts) + f"/{name}"
        w(f"{base}/k8s/deploy.yaml", deployment(name, ns, basic_env(host, i)))
        w(f"{base}/README.md", f"# {name}\n\nUses redis at {host}.\n" + "lorem ipsum " * 40 + "\n")
        w(f"{base}/package.json", '{"name": "%s", "version": "1.0.0", "dependencies": {"ioredis": "^5.0.0", "express": "^4"}}\n' % name)
        w(f"{base}/src/main/resources/application.properties", f"server.port=8080\nspring.data.redis.host={host}\nspring.data.redis.port=6379\nspring.data.redis.timeout=2s\n")
        w(f"{base}/.env", f"REDIS_URL=redis://{host}:6379\nPORT=8080\n")
        w(f"{base}/Dockerfile", "FROM node:20\nCOPY . /app\nENV REDIS_HOST=localhost\nCMD [\"node\", \"index.js\"]\n")
        w(f"{base}/src/index.js", "const Redis = require('ioredis');\nconst r = new Redis(process.env.REDIS_URL);\n" + "// filler\n" * 30)
        w(f"{base}/config/settings.json", '{"cache": {"redis": {"host": "%s", "port": 6379}}, "x": [%s]}\n' % (host, ",".join(str(k) for k in range(50))))


def g_compose(n, out):
    nproj = max(1, n // 4)
    for p in range(nproj):
        txt = f"""name: proj-{p}
services:
  web:
    image: registry.example.com/web-{p}:1.0
    environment:
      REDIS_URL: redis://redis:6379/0
      DATABASE_URL: postgres://db:5432/app
    depends_on: [redis, db]
  worker:
    image: registry.example.com/worker-{p}:1.0
    environment:
      - REDIS_HOST=redis
      - REDIS_PORT=6379
    command: ["celery", "-A", "app", "worker", "--broker", "redis://redis:6379/1"]
  redis:
    image: redis:7
    command: redis-server --requirepass secret
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: x
"""
        w(f"{out}/projects/p{p % 100}/proj-{p}/docker-compose.yml", txt)
        w(f"{out}/projects/p{p % 100}/proj-{p}/.env", f"TAG=1.{p}\n")


def g_kustomize(n, out):
    napps = max(1, n // 10)
    for a in range(napps):
        base = f"{out}/apps/app-{a}/base"
        res = []
        for d in range(3):
            nm = f"app-{a}-c{d}"
            w(f"{base}/{nm}.yaml", deployment(nm, "default", [("REDIS_HOST", f"redis-{a % 100}.cache"), ("REDIS_PORT", "6379")], envfrom=f"app-{a}-config"))
            res.append(f"{nm}.yaml")
        w(f"{base}/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n" + "".join(f"  - {r}\n" for r in res)
          + f"configMapGenerator:\n  - name: app-{a}-config\n    literals:\n      - CACHE_URL=redis://redis-{a % 100}.cache:6379/0\n      - MODE=base\n"
          + "commonLabels:\n  app.kubernetes.io/part-of: app-" + str(a) + "\n")
        for o, env in enumerate(["dev", "staging", "prod"]):
            ov = f"{out}/apps/app-{a}/overlays/{env}"
            w(f"{ov}/kustomization.yaml", f"""apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: app-{a}-{env}
namePrefix: {env}-
resources:
  - ../../base
patches:
  - path: patch.yaml
  - target:
      kind: Deployment
      name: app-{a}-c.*
    patch: |-
      - op: add
        path: /spec/replicas
        value: {o + 1}
configMapGenerator:
  - name: app-{a}-config
    behavior: merge
    literals:
      - MODE={env}
""")
            w(f"{ov}/patch.yaml", f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{a}-c0
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            - name: REDIS_HOST
              value: redis-{(a + o) % 100}.cache.svc.cluster.local
""")
    for r in range(100):
        w(f"{out}/platform/cache/redis-{r}.yaml", redis_sts(f"redis-{r}", "cache") + "---\n" + service(f"redis-{r}", "cache"))
    w(f"{out}/platform/cache/kustomization.yaml", "namespace: cache\nresources:\n" + "".join(f"  - redis-{r}.yaml\n" for r in range(100)))


SHAPES = {k[2:]: v for k, v in globals().items() if k.startswith("g_")}

if __name__ == "__main__":
    shape, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if shape not in SHAPES:
        sys.exit(f"unknown shape {shape}; one of {sorted(SHAPES)}")
    os.makedirs(out, exist_ok=True)
    SHAPES[shape](n, out)
