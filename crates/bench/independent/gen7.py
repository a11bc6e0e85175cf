#!/usr/bin/env python3
"""gen7: synthetic organisation focused on Kubernetes semantics edge cases.

usage: gen7.py OUTDIR --workloads N --seed S
Writes OUTDIR/tree (scan it from inside: `cd tree && fallout scan .`) and
OUTDIR/truth.json ({"consumers": {cid: [targets]}, "lookalikes": [...],
"link_routes": {cid: {target: [tags]}}, "resources": {...}}).

Truth decisions (Kubernetes semantics):
- a target is the Redis resource id `ns/<workload>` of the server; an
  external host is its host name; a Service without selector whose
  Endpoints hold an outside IP is named by `svc.ns` (an alias of it);
- a Redis-named setting with a one-label host that exists in NO Service of
  the consumer's namespace does not resolve to the same-named Service of
  another namespace; the app still tries to reach a Redis there, so it is a
  consumer of the unresolved external `host.ns` (scanners.md/decisions.md);
- envFrom: later source wins, env wins over envFrom, later env wins;
  `$(VAR)` sees only earlier vars; `$$(VAR)` is a literal (no consumer);
  optional key missing from an existing ConfigMap leaves the earlier value;
- `*_ENABLED=false` groups, comments, image names, log tags, Postgres DBs
  named redis-*, a Service named `redis` over memcached: not consumers.
"""
import argparse, base64, json, os, random

REDIS_IMAGES = ["redis:7.2", "valkey/valkey:8.0", "eqalpha/keydb:x86_64_v6.3.4",
                "docker.dragonflydb.io/dragonflydb/dragonfly:v1.21",
                "ghcr.io/microsoft/garnet:1.0", "apache/kvrocks:2.9",
                "redis/redis-stack-server:7.4.0-v0", "bitnami/redis:7.2",
                "bitnami/valkey:8.0"]
KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]
DOMAIN = "cluster.local"


def b64(s):
    return base64.b64encode(s.encode()).decode()


def y(v, ind=0):
    """Tiny YAML emitter (block style)."""
    p = "  " * ind
    if isinstance(v, dict):
        if not v:
            return p + "{}\n"
        out = ""
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out += f"{p}{k}:\n" + y(x, ind + 1)
            else:
                out += f"{p}{k}: {sc(x)}\n"
        return out
    if isinstance(v, list):
        out = ""
        for x in v:
            if isinstance(x, dict) and x:
                s = y(x, ind + 1)
                out += p + "- " + s[len(p) + 2:]
            elif isinstance(x, list) and x:
                s = y(x, ind + 1)
                out += p + "- " + s[len(p) + 2:]
            else:
                out += f"{p}- {sc(x)}\n"
        return out
    return p + sc(v) + "\n"


def sc(x):
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, dict):
        return "{}"
    if isinstance(x, list):
        return "[]"
    return json.dumps(str(x))


def docs(objs):
    return "".join("---\n" + y(o) for o in objs)


class Org:
    def __init__(self, n, seed, root):
        self.n, self.rng, self.root = n, random.Random(seed), root
        self.consumers, self.lookalikes, self.routes = {}, [], {}
        self.resources = {}
        self.ip = 0

    def write(self, rel, text):
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)

    def clusterip(self):
        self.ip += 1
        return f"10.96.{self.ip // 250 % 250}.{self.ip % 250 + 2}"

    # ---------------------------------------------------------------- servers
    def server(self, ns, name, svc, image, labels, port=6379, extra_ports=False, plain_cmd=False):
        cont = {"name": "server", "image": image,
                "ports": [{"name": "resp", "containerPort": port}]}
        if plain_cmd:
            cont["command"] = ["redis-server", "--port", str(port)]
        if extra_ports:
            cont["ports"].append({"name": "admin", "containerPort": 8001})
        sts = {"apiVersion": "apps/v1", "kind": "StatefulSet",
               "metadata": {"name": name, "namespace": ns},
               "spec": {"serviceName": name + "-hl", "replicas": 1,
                        "selector": {"matchLabels": labels},
                        "template": {"metadata": {"labels": dict(labels, tier="data")},
                                     "spec": {"containers": [cont]}}}}
        ports = [{"name": "resp", "port": 6379, "targetPort": "resp"}]
        if extra_ports:
            ports.insert(0, {"name": "http", "port": 80, "targetPort": "admin"})
        cip = self.clusterip()
        s = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": svc, "namespace": ns},
             "spec": {"selector": labels, "clusterIP": cip, "ports": ports}}
        hl = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name + "-hl", "namespace": ns},
              "spec": {"clusterIP": "None", "selector": labels, "ports": [{"name": "resp", "port": port}]}}
        self.resources[f"{ns}/{name}"] = {"image": image}
        return [sts, s, hl], cip

    def namespace(self, i):
        ns = f"team-{i:03d}"
        r = self.rng
        info = {"ns": ns, "i": i}
        objs = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}]
        a = f"kv-{i}-a"
        o, cip = self.server(ns, a, "sessions", REDIS_IMAGES[i % len(REDIS_IMAGES)],
                             {"app.kubernetes.io/name": a}, extra_ports=(i % 2 == 0))
        objs += o
        info["a"], info["a_cip"] = a, cip
        b = "cache-store"
        o, cip = self.server(ns, b, "cache", "registry.internal/platform/kv-base:1.4" if i % 3 == 0 else "redis:7.0",
                             {"app": "cache-store"}, port=6380 if i % 3 == 0 else 6379, plain_cmd=(i % 3 == 0))
        objs += o
        info["b"] = b
        # ExternalName: managed + chain
        if i % 4 == 0:
            host = f"t{i}-cache.abc{i}.ng.0001.use1.cache.amazonaws.com"
            objs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "managed-cache", "namespace": ns},
                         "spec": {"type": "ExternalName", "externalName": host}})
            info["managed"] = host
            self.resources[host] = {"external": True}
        objs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "sessions-alias", "namespace": ns},
                     "spec": {"type": "ExternalName", "externalName": f"sessions.{ns}.svc.{DOMAIN}"}})
        objs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "legacy-cache", "namespace": ns},
                     "spec": {"type": "ExternalName", "externalName": f"sessions-alias.{ns}.svc.{DOMAIN}"}})
        # selector-less Service with Endpoints (outside IP) or EndpointSlice
        if i % 3 == 1:
            ipx = f"10.50.{i % 250}.{i // 250 + 10}"
            objs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "vault-kv", "namespace": ns},
                         "spec": {"ports": [{"name": "resp", "port": 6379}]}})
            if i % 2:
                objs.append({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "vault-kv", "namespace": ns},
                             "subsets": [{"addresses": [{"ip": ipx}], "ports": [{"name": "resp", "port": 6379}]}]})
            else:
                objs.append({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                             "metadata": {"name": "vault-kv-abc12", "namespace": ns,
                                          "labels": {"kubernetes.io/service-name": "vault-kv"}},
                             "addressType": "IPv4", "ports": [{"name": "resp", "port": 6379}],
                             "endpoints": [{"addresses": [ipx]}]})
            info["vault"] = f"vault-kv.{ns}"
            self.resources[ipx] = {"external": True}
        # look-alike servers: Service `redis` over memcached, postgres reports DB
        objs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "memcached", "namespace": ns},
                     "spec": {"selector": {"matchLabels": {"app": "memcached"}},
                              "template": {"metadata": {"labels": {"app": "memcached"}},
                                           "spec": {"containers": [{"name": "mc", "image": "memcached:1.6",
                                                                    "ports": [{"containerPort": 11211}]}]}}}})
        objs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "redis", "namespace": ns},
                     "spec": {"selector": {"app": "memcached"}, "ports": [{"port": 11211}]}})
        objs.append({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "redis-reports-db", "namespace": ns},
                     "spec": {"serviceName": "redis-reports-db", "selector": {"matchLabels": {"app": "pg"}},
                              "template": {"metadata": {"labels": {"app": "pg"}},
                                           "spec": {"containers": [{"name": "pg", "image": "postgres:16",
                                                                    "env": [{"name": "POSTGRES_DB", "value": "redis-reports"}],
                                                                    "ports": [{"containerPort": 5432}]}]}}}})
        objs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "redis-reports-db", "namespace": ns},
                     "spec": {"selector": {"app": "pg"}, "ports": [{"port": 5432}]}})
        # unreferenced ConfigMap holding a Redis URL
        objs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "old-settings", "namespace": ns},
                     "data": {"REDIS_URL": f"redis://sessions.{ns}:6379/0"}})
        self.write(f"clusters/prod/{ns}/platform.yaml", docs(objs))
        return info

    # ------------------------------------------------------------- consumers
    def add(self, cid, targets, tag):
        self.consumers.setdefault(cid, [])
        for t in targets:
            if t not in self.consumers[cid]:
                self.consumers[cid].append(t)
            self.routes.setdefault(cid, {}).setdefault(t, []).append(tag)

    def wrap(self, kind, ns, name, podspec, labels):
        tmpl = {"metadata": {"labels": labels}, "spec": podspec}
        md = {"name": name, "namespace": ns}
        if kind == "Pod":
            return {"apiVersion": "v1", "kind": "Pod", "metadata": dict(md, labels=labels), "spec": podspec}
        if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
            spec = {"selector": {"matchLabels": labels}, "template": tmpl}
            if kind == "StatefulSet":
                spec["serviceName"] = name
            return {"apiVersion": "apps/v1", "kind": kind, "metadata": md, "spec": spec}
        podspec.setdefault("restartPolicy", "OnFailure")
        if kind == "Job":
            return {"apiVersion": "batch/v1", "kind": "Job", "metadata": md, "spec": {"template": tmpl}}
        return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": md,
                "spec": {"schedule": "*/15 * * * *", "jobTemplate": {"spec": {"template": tmpl}}}}

    def consumer(self, info, j, all_ns):
        r = self.rng
        ns, i = info["ns"], info["i"]
        kind = KINDS[j % len(KINDS)]
        name = f"svc{j}-" + r.choice(["api", "worker", "ingest", "billing", "search", "notify", "edge"])
        if kind == "Job":
            name = f"reindex-{j}" if j % 2 else name
        cid = f"{ns}/{kind}/{name}"
        A = f"{ns}/{info['a']}"
        B = f"{ns}/{info['b']}"
        env, envFrom, vols, mounts, args, extra, probe = [], [], [], [], None, [], None
        place = ["main", "main", "main", "init", "sidecar"][j % 5]
        route = r.randrange(40)
        links_off = False
        tgt, tag = [], None
        look = None
        if route == 0:
            env.append({"name": "REDIS_URL", "value": "redis://sessions:6379/0"}); tgt, tag = [A], "url-short"
        elif route == 1:
            env.append({"name": "CACHE_URL", "value": f"rediss://sessions.{ns}.svc.{DOMAIN}:6379"}); tgt, tag = [A], "tls-fqdn"
        elif route == 2:
            env += [{"name": "REDIS_HOST", "value": f"cache.{ns}.svc"}, {"name": "REDIS_PORT", "value": "6379"}]
            tgt, tag = [B], "split"
        elif route == 3:
            cm = f"{name}-cfg"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"cache.url": f"redis://cache:6379/3", "log.level": "info"}})
            env.append({"name": "SESSION_REDIS_URL", "valueFrom": {"configMapKeyRef": {"name": cm, "key": "cache.url"}}})
            tgt, tag = [B], "cm-keyref"
        elif route == 4:
            cm = f"{name}-env"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"HOST": "sessions", "PORT": "6379", "TIMEOUT": "5"}})
            envFrom.append({"prefix": "REDIS_", "configMapRef": {"name": cm}}); tgt, tag = [A], "envfrom-prefix"
        elif route == 5:
            sec = f"{name}-redis"
            extra.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": sec, "namespace": ns},
                          "type": "Opaque", "data": {"url": b64(f"redis://:s3cret@legacy-cache:6379/1")}})
            env.append({"name": "REDIS_URL", "valueFrom": {"secretKeyRef": {"name": sec, "key": "url"}}})
            tgt, tag = [A], "secret-keyref-extname-chain"
        elif route == 6:
            sec = f"{name}-creds"
            extra.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": sec, "namespace": ns},
                          "stringData": {"REDIS_ADDR": f"{info['a']}-0.{info['a']}-hl.{ns}.svc.{DOMAIN}:6379"}})
            envFrom.append({"secretRef": {"name": sec}}); tgt, tag = [A], "envfrom-secret-perpod"
        elif route == 7:
            cm = f"{name}-conf"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"application.yml": f"spring:\n  data:\n    redis:\n      host: cache.{ns}\n      port: 6379\n",
                                   "README.md": "Uses redis://sessions:6379 in staging\n"}})
            vols.append({"name": "conf", "configMap": {"name": cm, "items": [{"key": "application.yml", "path": "app/application.yml"}]}})
            mounts.append({"name": "conf", "mountPath": "/config"}); tgt, tag = [B], "mounted-items"
        elif route == 8:
            sec = f"{name}-conf"
            extra.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": sec, "namespace": ns},
                          "data": {"settings.json": b64(json.dumps({"redis": {"url": f"rediss://:pw@sessions.{ns}:6379/2"}}))}})
            vols.append({"name": "sec", "secret": {"secretName": sec}})
            mounts.append({"name": "sec", "mountPath": "/etc/app/settings.json", "subPath": "settings.json"})
            tgt, tag = [A], "secret-volume-subpath"
        elif route == 9:
            cm = f"{name}-proj"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"redis.properties": f"redis.host=cache\nredis.port=6379\n"}})
            vols.append({"name": "all", "projected": {"sources": [{"configMap": {"name": cm}},
                                                                  {"downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}}]}})
            mounts.append({"name": "all", "mountPath": "/etc/all"}); tgt, tag = [B], "projected"
        elif route == 10:
            args = [f"--redis-addr=sessions-alias:6379", "--workers=4"]; tgt, tag = [A], "args-extname"
        elif route == 11:
            env.append({"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}})
            env.append({"name": "REDIS_URL", "value": "redis://cache.$(POD_NAMESPACE).svc:6379"}); tgt, tag = [B], "downward-ns"
        elif route == 12:
            # $(VAR) sees only earlier variables: envFrom's SVC_HOST, not the later env one
            cm = f"{name}-hosts"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"SVC_HOST": "sessions"}})
            envFrom.append({"configMapRef": {"name": cm}})
            env.append({"name": "REDIS_URL", "value": "redis://$(SVC_HOST):6379"})
            env.append({"name": "SVC_HOST", "value": "api-gateway"})
            tgt, tag = [A], "var-order"
        elif route == 13:
            # envFrom precedence: later source wins, env wins over both
            c1, c2 = f"{name}-a", f"{name}-b"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": c1, "namespace": ns},
                          "data": {"REDIS_HOST": "cache", "REDIS_PORT": "6379"}})
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": c2, "namespace": ns},
                          "data": {"REDIS_HOST": "sessions"}})
            envFrom += [{"configMapRef": {"name": c1}}, {"configMapRef": {"name": c2}}]
            if j % 2:
                env.append({"name": "REDIS_HOST", "value": f"cache.{ns}"}); tgt = [B]
            else:
                tgt = [A]
            tag = "envfrom-precedence"
        elif route == 14:
            # optional key missing in an existing ConfigMap: earlier value stands
            cm = f"{name}-opt"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"REDIS_HOST": "sessions", "REDIS_PORT": "6379"}})
            envFrom.append({"configMapRef": {"name": cm}})
            env.append({"name": "REDIS_HOST", "valueFrom": {"configMapKeyRef": {"name": cm, "key": "redis-host-override", "optional": True}}})
            tgt, tag = [A], "optional-missing-key"
        elif route == 15:
            env.append({"name": "REDIS_ADDR", "value": f"{info['a_cip']}:6379"}); tgt, tag = [A], "clusterip-literal"
        elif route == 16:
            other = all_ns[(i + 1) % len(all_ns)]
            env.append({"name": "REDIS_URL", "value": f"redis://cache.{other['ns']}:6379"})
            tgt, tag = [f"{other['ns']}/cache-store"], "cross-ns-same-name"
        elif route == 17:
            if "managed" in info:
                env.append({"name": "CACHE_REDIS_URL", "value": "rediss://managed-cache:6379"}); tgt, tag = [info["managed"]], "extname-managed"
            else:
                env.append({"name": "CACHE_REDIS_URL", "value": "rediss://legacy-cache:6379"}); tgt, tag = [A], "extname-chain"
        elif route == 18:
            if "vault" in info:
                env.append({"name": "REDIS_HOST", "value": "vault-kv"}); tgt, tag = [info["vault"]], "selectorless-endpoints"
            else:
                env.append({"name": "REDIS_HOST", "value": "sessions"}); tgt, tag = [A], "split-host-only"
        elif route == 19:
            place = "main" if place == "init" else place
            probe = {"exec": {"command": ["redis-cli", "-h", "cache", "-p", "6379", "ping"]}}
            tgt, tag = [B], "exec-probe"
        elif route == 20:
            # short name that exists only in another namespace: unresolved here
            env.append({"name": "REDIS_HOST", "value": "shared-kv"}); tgt, tag = [f"shared-kv.{ns}"], "short-unresolved"
        elif route == 21:
            args = ["sh", "-c", f"wait-for-it.sh cache:6379 -- exec /app/run --cache-host sessions.{ns}"]
            tgt, tag = [A, B], "args-sh"
        elif route == 22:
            env.append({"name": "REDIS_REPLICA_URL", "value": f"redis://sessions.{ns}:6379"})
            env.append({"name": "REDIS_URL", "value": "redis://cache:6379"})
            tgt, tag = [A, B], "two-servers"
        elif route == 23:
            cm = f"{name}-ini"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"app.ini": f"[cache]\nADAPTER = redis\nHOST = redis://cache.{ns}.svc.{DOMAIN}:6379/0\n",
                                   "other.ini": "[x]\nmode = redis://ignored:6379\n"}})
            vols.append({"name": "ini", "configMap": {"name": cm, "items": [{"key": "app.ini", "path": "app.ini"}]}})
            mounts.append({"name": "ini", "mountPath": "/etc/gitea/app.ini", "subPath": "app.ini"}); tgt, tag = [B], "subpath-items-only"
        # ------------------------------------------------------------ look-alikes
        elif route == 24:
            env += [{"name": "REDIS_ENABLED", "value": "false"}, {"name": "REDIS_HOST", "value": "sessions"},
                    {"name": "REDIS_PORT", "value": "6379"}]; look = "lookalike-disabled"
        elif route == 25:
            env += [{"name": "SIDECAR_IMAGE", "value": "redis:7.2"}, {"name": "LOG_TAG", "value": "redis"},
                    {"name": "DATABASE_URL", "value": f"postgres://app@redis-reports-db.{ns}:5432/redis-reports"}]
            look = "lookalike-image-logtag-pg"
        elif route == 26:
            env += [{"name": "REDIS_HOST", "value": "redis"}, {"name": "REDIS_PORT", "value": "11211"},
                    {"name": "MEMCACHE_SERVERS", "value": "redis:11211"}]; look = "lookalike-redis-svc-memcached"
        elif route == 27:
            env += [{"name": "H", "value": "sessions"}, {"name": "NOTE", "value": "redis://$$(H):6379"}]
            look = "lookalike-dollar-escape"
        elif route == 28:
            # optional keyref whose only source is missing: no value at all
            cm = f"{name}-flags"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"FEATURE_X": "on"}})
            env.append({"name": "REDIS_URL", "valueFrom": {"configMapKeyRef": {"name": cm, "key": "REDIS_URL", "optional": True}}})
            look = "lookalike-optional-absent"
        elif route == 29:
            env += [{"name": "PG_HOST", "value": "redis-reports-db"}, {"name": "PG_PORT", "value": "5432"},
                    {"name": "QUEUE_BACKEND", "value": "redis"}]; look = "lookalike-pg-named-redis"
        elif route == 30:
            # kustomize-ish downward namespace in a file mounted but never mounted by this workload
            cm = f"{name}-unused"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"REDIS_URL": "redis://sessions:6379"}})
            env.append({"name": "APP_MODE", "value": "batch"}); look = "lookalike-unreferenced-cm"
        elif route == 31:
            # items maps only one key; the other key holding redis is not mounted
            cm = f"{name}-two"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"app.yaml": "server:\n  port: 8080\n", "redis.yaml": "redis:\n  url: redis://sessions:6379\n"}})
            vols.append({"name": "c", "configMap": {"name": cm, "items": [{"key": "app.yaml", "path": "app.yaml"}]}})
            mounts.append({"name": "c", "mountPath": "/etc/app"}); look = "lookalike-items-unmapped"
        elif route == 32:
            env += [{"name": "RATE_LIMIT_STORE", "value": "memory"},
                    {"name": "REDIS_CLI_VERSION", "value": "7.2.4"}]; look = "lookalike-names-only"
        elif route == 34:
            args = ["--redis-addr=$(CACHE_SERVICE_HOST):$(CACHE_SERVICE_PORT)"]
            if j % 3 == 0:
                links_off = True; look = "lookalike-servicelinks-off"
            else:
                tgt, tag = [B], "service-link-vars"
        elif route == 35:
            env.append({"name": "REDIS_URL", "value": f"redis://{info['a']}-0.{info['a']}-hl:6379"}); tgt, tag = [A], "perpod-short"
        elif route == 36:
            other = all_ns[(i + 2) % len(all_ns)]
            extra.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"{name}-remote", "namespace": ns},
                          "spec": {"type": "ExternalName", "externalName": f"cache.{other['ns']}.svc.{DOMAIN}"}})
            env.append({"name": "REDIS_URL", "value": f"redis://{name}-remote:6379"})
            tgt, tag = [f"{other['ns']}/cache-store"], "extname-cross-ns"
        elif route == 37:
            extra.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"{name}-canary", "namespace": ns},
                          "spec": {"selector": {"app.kubernetes.io/name": info["a"], "track": "canary"}, "ports": [{"port": 6379}]}})
            env.append({"name": "REDIS_URL", "value": f"redis://{name}-canary:6379"})
            tgt, tag = [f"{name}-canary.{ns}"], "selector-matches-nothing"
        elif route == 38:
            sec = f"{name}-h"
            extra.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": sec, "namespace": ns},
                          "stringData": {"host": "sessions"}})
            env += [{"name": "H", "valueFrom": {"secretKeyRef": {"name": sec, "key": "host"}}},
                    {"name": "CACHE_ADDR", "value": "$(H):6379"}]
            tgt, tag = [A], "var-from-secret"
        elif route == 39:
            env += [{"name": "REDIS_URL", "value": "redis://cache:6379"}, {"name": "REDIS_URL", "value": "redis://sessions:6379"}]
            tgt, tag = [A], "dup-env-later-wins"
        else:
            # subPath picks a key that has no redis; the redis key is not mounted
            cm = f"{name}-sp"
            extra.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
                          "data": {"main.conf": "workers = 4\n", "cache.conf": "redis_url = redis://cache:6379\n"}})
            vols.append({"name": "c", "configMap": {"name": cm}})
            mounts.append({"name": "c", "mountPath": "/etc/app/main.conf", "subPath": "main.conf"}); look = "lookalike-subpath-other-key"

        cont = {"name": "app", "image": f"registry.example.com/{ns}/{name}:1.{j % 9}"}
        if args:
            cont["args"] = args
        if envFrom:
            cont["envFrom"] = envFrom
        if env:
            cont["env"] = env
        if mounts:
            cont["volumeMounts"] = mounts
        if probe:
            cont["readinessProbe"] = probe
        plain = {"name": "app", "image": f"registry.example.com/{ns}/{name}:1.{j % 9}"}
        podspec = {}
        if place == "main" or look:
            podspec["containers"] = [cont]
        elif place == "init":
            cont["name"] = "migrate"
            podspec["initContainers"] = [cont]
            podspec["containers"] = [plain]
        else:
            cont["name"] = "cache-warmer"
            cont["restartPolicy"] = "Always"
            podspec["initContainers"] = [cont]
            podspec["containers"] = [plain]
        if vols:
            podspec["volumes"] = vols
        if links_off:
            podspec["enableServiceLinks"] = False
        labels = {"app": name}
        w = self.wrap(kind, ns, name, podspec, labels)
        text = docs(extra + [w])
        if j % 11 == 0:
            text = f"# REDIS_URL=redis://sessions.{ns}:6379 (old, see ticket OPS-1)\n" + text
        self.write(f"clusters/prod/{ns}/apps/{name}.yaml", text)
        if look:
            self.lookalikes.append(cid)
            self.routes.setdefault(cid, {})
        else:
            for t in tgt:
                self.add(cid, [t], tag + "@" + place)

    # ------------------------------------------------------------- kustomize
    def kustomize(self, info, k):
        ns = info["ns"]
        base = f"kustomize/app{k}/base"
        ov = f"kustomize/app{k}/overlays/prod"
        name = f"ledger{k}"
        dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
               "spec": {"selector": {"matchLabels": {"app": name}},
                        "template": {"metadata": {"labels": {"app": name}},
                                     "spec": {"containers": [{"name": "app", "image": "registry.example.com/ledger:2",
                                                              "envFrom": [{"configMapRef": {"name": "ledger-env"}}],
                                                              "env": [{"name": "REDIS_HOST", "value": "cache"}]}]}}}}
        self.write(base + "/deployment.yaml", docs([dep]))
        self.write(base + "/app.env", "REDIS_PORT=6379\nLOG_LEVEL=info\n")
        self.write(base + "/kustomization.yaml", y({"resources": ["deployment.yaml"],
                                                    "configMapGenerator": [{"name": "ledger-env", "envs": ["app.env"]}]}))
        patch = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
                 "spec": {"template": {"spec": {"containers": [{"name": "app", "env": [{"name": "REDIS_HOST", "value": "sessions"}]}]}}}}
        self.write(ov + "/patch-env.yaml", docs([patch]))
        self.write(ov + "/kustomization.yaml", y({"namespace": ns, "namePrefix": "prod-", "resources": ["../../base"],
                                                  "patchesStrategicMerge": ["patch-env.yaml"],
                                                  "secretGenerator": [{"name": "ledger-extra", "literals": ["QUEUE=none"]}],
                                                  "configMapGenerator": [{"name": "ledger-env", "behavior": "merge",
                                                                          "literals": ["JOBS_REDIS_URL=redis://cache:6379/4"]}]}))
        cid = f"{ns}/Deployment/prod-{name}"
        self.add(cid, [f"{ns}/{info['a']}"], "kustomize-patch-env")
        self.add(cid, [f"{ns}/{info['b']}"], "kustomize-cmgen-merge")

    def run(self):
        nns = max(3, self.n // 40)
        infos = [self.namespace(i) for i in range(nns)]
        # shared-kv exists only in the first namespace (real, in-cluster)
        o, _ = self.server(infos[0]["ns"], "shared-kv-0", "shared-kv", "redis:7.2", {"app": "shared-kv"})
        self.write(f"clusters/prod/{infos[0]['ns']}/shared.yaml", docs(o))
        nk = max(1, self.n // 200)
        for j in range(self.n - nk):
            info = infos[j % nns]
            if info["i"] == 0 and True:
                pass
            self.consumer(info, j, infos)
        for k in range(nk):
            self.kustomize(infos[(k * 7 + 1) % nns], k)
        # route 20 in namespace 0 actually resolves to the real shared-kv
        ns0 = infos[0]["ns"]
        for cid, ts in self.consumers.items():
            if f"shared-kv.{ns0}" in ts:
                ts[ts.index(f"shared-kv.{ns0}")] = f"{ns0}/shared-kv-0"
                self.routes[cid][f"{ns0}/shared-kv-0"] = self.routes[cid].pop(f"shared-kv.{ns0}")
        return {"consumers": self.consumers, "lookalikes": self.lookalikes,
                "link_routes": self.routes, "resources": self.resources}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--workloads", type=int, default=600)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    tree = os.path.join(a.out, "tree")
    org = Org(a.workloads, a.seed, tree)
    truth = org.run()
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
    print(f"{len(truth['consumers'])} consumers, {len(truth['lookalikes'])} lookalikes, {len(truth['resources'])} resources")


if __name__ == "__main__":
    main()
