#!/usr/bin/env python3
"""gen10: independent generator of Redis consumer trees with expected IMPACT verdicts.

usage: python3 gen10.py OUTDIR --workloads N --seed S
writes OUTDIR/tree (the tree to scan) and OUTDIR/truth.json.

Written only from the user documentation (README, docs/cli.md "Change settings",
docs/model.md, docs/scanners.md). Every consumer is built from "links"; each link
records what the docs make relevant to a verdict (direct or through a Service,
server port, TLS, credential, user, strength, where the port is written). The
expected verdict per (target, change) is computed from the documented rules.
"""
import argparse, json, os, random, string, shutil

TLS_NEW_PORT = 7443
PLAIN_NEW_PORT = 7000
SEV = {"ok": 0, "at-risk": 1, "breaks": 2}


def rnd_pw(rng):
    return "Zq" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(14))


class Files:
    def __init__(self):
        self.files = {}

    def add(self, path, lines):
        assert path not in self.files, path
        self.files[path] = lines

    def write(self, root):
        for p, lines in self.files.items():
            full = os.path.join(root, p)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write("\n".join(lines) + "\n")


class Doc:
    """YAML text builder that remembers line numbers of marked lines."""
    def __init__(self, path, base=0):
        self.path = path
        self.lines = []
        self.marks = {}

    def l(self, s, mark=None):
        self.lines.append(s)
        if mark:
            self.marks[mark] = len(self.lines)
        return len(self.lines)

    def at(self, mark):
        return "%s:%d" % (self.path, self.marks[mark])


# --------------------------------------------------------------------------
# Instances
# --------------------------------------------------------------------------

def k8s_instances(F, rng, passwords):
    """Returns dict name -> instance description."""
    inst = {}

    def sts(doc, name, ns, image, args=None, env=None, volumes=None, mounts=None, kind="StatefulSet",
            headless=None, command=None):
        doc.l("apiVersion: apps/v1")
        doc.l("kind: %s" % kind)
        doc.l("metadata:")
        doc.l("  name: %s" % name, mark="defined")
        doc.l("  namespace: %s" % ns)
        doc.l("  labels: {team: platform}")
        doc.l("spec:")
        if kind == "StatefulSet":
            doc.l("  serviceName: %s" % headless)
            doc.l("  replicas: 1")
        doc.l("  selector: {matchLabels: {app: %s}}" % name)
        doc.l("  template:")
        doc.l("    metadata: {labels: {app: %s}}" % name)
        doc.l("    spec:")
        if volumes:
            doc.l("      volumes:")
            for v in volumes:
                doc.l("        - " + v)
        doc.l("      containers:")
        doc.l("        - name: redis")
        doc.l("          image: %s" % image)
        if command:
            doc.l("          command: [%s]" % ", ".join('"%s"' % a for a in command))
        if args:
            doc.l("          args:")
            for a in args:
                doc.l('            - "%s"' % a, mark="arg:" + a)
        if env:
            doc.l("          env:")
            for (k, v) in env:
                doc.l("            - name: %s" % k)
                doc.l("              " + v, mark="env:" + k)
        if mounts:
            doc.l("          volumeMounts:")
            for m in mounts:
                doc.l("            - " + m)

    def service(doc, name, ns, sel, ports, cip=None, headless=False):
        doc.l("---")
        doc.l("apiVersion: v1")
        doc.l("kind: Service")
        doc.l("metadata: {name: %s, namespace: %s}" % (name, ns))
        doc.l("spec:")
        if headless:
            doc.l("  clusterIP: None")
        elif cip:
            doc.l("  clusterIP: %s" % cip)
        doc.l("  selector: {app: %s}" % sel)
        doc.l("  ports:")
        for i, (p, t) in enumerate(ports):
            doc.l("    - {name: p%d, port: %d, targetPort: %d}" % (i, p, t))

    def secret(doc, name, ns, key, value):
        doc.l("---")
        doc.l("apiVersion: v1")
        doc.l("kind: Secret")
        doc.l("metadata: {name: %s, namespace: %s}" % (name, ns))
        doc.l("type: Opaque")
        doc.l("stringData:")
        doc.l("  %s: %s" % (key, value))

    # 1. plain: no TLS, no auth, StatefulSet + 3 Services
    d = Doc("infra/redis-plain.yaml")
    sts(d, "redis-plain", "cache-plain", "redis:7.2", headless="redis-plain-headless")
    service(d, "redis-plain", "cache-plain", "redis-plain", [(6379, 6379)], cip="10.96.1.10")
    service(d, "redis-plain-alt", "cache-plain", "redis-plain", [(16379, 6379)], cip="10.96.1.11")
    service(d, "redis-plain-headless", "cache-plain", "redis-plain", [(6379, 6379)], headless=True)
    F.add(d.path, d.lines)
    inst["plain"] = dict(key="plain", target="cache-plain/redis-plain", ns="cache-plain", kind="k8s",
                         plain=6379, tls=None, requires_pw=False, sts=True, name="redis-plain",
                         services={"redis-plain": {6379: 6379}, "redis-plain-alt": {16379: 6379}},
                         main_svc="redis-plain", alt_svc="redis-plain-alt", cips={"10.96.1.10": "redis-plain", "10.96.1.11": "redis-plain-alt"},
                         headless="redis-plain-headless", defined=d.at("defined"), users=[], port_src=None)

    # 2. dual: plain 6379 + TLS 6380, requirepass from a Secret
    pw = rnd_pw(rng); passwords.append(pw)
    d = Doc("infra/redis-dual.yaml")
    sts(d, "redis-dual", "cache-dual", "redis:7.2",
        args=["--port", "6379", "--tls-port", "6380", "--tls-cert-file", "/tls/tls.crt", "--tls-key-file", "/tls/tls.key",
              "--tls-ca-cert-file", "/tls/ca.crt", "--requirepass", "$(REDIS_PASSWORD)"],
        env=[("REDIS_PASSWORD", "valueFrom: {secretKeyRef: {name: redis-dual-auth, key: redis-password}}")],
        headless="redis-dual-headless")
    service(d, "redis-dual", "cache-dual", "redis-dual", [(6379, 6379), (6380, 6380)], cip="10.96.2.10")
    service(d, "redis-dual-plain", "cache-dual", "redis-dual", [(6379, 6379)], cip="10.96.2.11")
    service(d, "redis-dual-headless", "cache-dual", "redis-dual", [(6379, 6379), (6380, 6380)], headless=True)
    secret(d, "redis-dual-auth", "cache-dual", "redis-password", pw)
    F.add(d.path, d.lines)
    inst["dual"] = dict(key="dual", target="cache-dual/redis-dual", ns="cache-dual", kind="k8s",
                        plain=6379, tls=6380, requires_pw=True, sts=True, name="redis-dual",
                        services={"redis-dual": {6379: 6379, 6380: 6380}, "redis-dual-plain": {6379: 6379}},
                        main_svc="redis-dual", alt_svc="redis-dual-plain", cips={"10.96.2.10": "redis-dual", "10.96.2.11": "redis-dual-plain"},
                        headless="redis-dual-headless", defined=d.at("defined"), users=[],
                        pw_secret=("cache-dual", "redis-dual-auth", "redis-password"), pw_line=d.at("arg:--requirepass"))

    # 3. TLS only: --tls-port 6380 --port 0; Service 6379 -> 6380
    d = Doc("infra/redis-tls.yaml")
    sts(d, "redis-tls", "cache-tls", "redis:7.2",
        args=["--tls-port", "6380", "--port", "0", "--tls-cert-file", "/tls/tls.crt", "--tls-key-file", "/tls/tls.key",
              "--tls-ca-cert-file", "/tls/ca.crt"],
        headless="redis-tls-headless")
    service(d, "redis-tls", "cache-tls", "redis-tls", [(6379, 6380)], cip="10.96.3.10")
    service(d, "redis-tls-alt", "cache-tls", "redis-tls", [(6380, 6380)], cip="10.96.3.11")
    service(d, "redis-tls-headless", "cache-tls", "redis-tls", [(6380, 6380)], headless=True)
    F.add(d.path, d.lines)
    inst["tlsonly"] = dict(key="tlsonly", target="cache-tls/redis-tls", ns="cache-tls", kind="k8s",
                           plain=None, tls=6380, requires_pw=False, sts=True, name="redis-tls",
                           services={"redis-tls": {6379: 6380}, "redis-tls-alt": {6380: 6380}},
                           main_svc="redis-tls", alt_svc="redis-tls-alt", cips={"10.96.3.10": "redis-tls", "10.96.3.11": "redis-tls-alt"},
                           headless="redis-tls-headless", defined=d.at("defined"), users=[])

    # 4. redis.conf from a ConfigMap with ACL users (passwords in the conf)
    pa, pb, pd = rnd_pw(rng), rnd_pw(rng), rnd_pw(rng)
    passwords.extend([pa, pb, pd])
    d = Doc("infra/redis-acl.yaml")
    sts(d, "redis-acl", "cache-acl", "redis:7.2", kind="Deployment",
        command=["redis-server", "/etc/redis/redis.conf"],
        volumes=["{name: conf, configMap: {name: redis-acl-conf}}"],
        mounts=["{name: conf, mountPath: /etc/redis}"])
    service(d, "redis-acl", "cache-acl", "redis-acl", [(6379, 6379), (6380, 6380)], cip="10.96.4.10")
    d.l("---")
    d.l("apiVersion: v1")
    d.l("kind: ConfigMap")
    d.l("metadata: {name: redis-acl-conf, namespace: cache-acl}")
    d.l("data:")
    d.l("  redis.conf: |")
    d.l("    port 6379", mark="conf-port")
    d.l("    tls-port 6380")
    d.l("    tls-cert-file /tls/tls.crt")
    d.l("    tls-key-file /tls/tls.key")
    d.l("    user default on >%s ~* +@all" % pd)
    d.l("    user alice on >%s ~* +@all" % pa)
    d.l("    user bob on >%s ~app:* +@read +@write" % pb)
    F.add(d.path, d.lines)
    inst["acl"] = dict(key="acl", target="cache-acl/redis-acl", ns="cache-acl", kind="k8s",
                       plain=6379, tls=6380, requires_pw=True, sts=False, name="redis-acl",
                       services={"redis-acl": {6379: 6379, 6380: 6380}}, main_svc="redis-acl", alt_svc=None,
                       cips={"10.96.4.10": "redis-acl"}, headless=None, defined=d.at("defined"),
                       users=["alice", "bob"], user_pw={"alice": pa, "bob": pb, "default": pd})

    # 5. Bitnami image, TLS on 6380 beside plain 6379, password from Secret
    pw = rnd_pw(rng); passwords.append(pw)
    d = Doc("infra/redis-bn.yaml")
    sts(d, "redis-bn", "cache-bn", "bitnami/redis:7.2", kind="Deployment",
        env=[("REDIS_TLS_ENABLED", 'value: "yes"'), ("REDIS_TLS_PORT_NUMBER", 'value: "6380"'),
             ("REDIS_PASSWORD", "valueFrom: {secretKeyRef: {name: redis-bn, key: redis-password}}")])
    service(d, "redis-bn", "cache-bn", "redis-bn", [(6379, 6379), (6380, 6380)], cip="10.96.5.10")
    secret(d, "redis-bn", "cache-bn", "redis-password", pw)
    F.add(d.path, d.lines)
    inst["bn"] = dict(key="bn", target="cache-bn/redis-bn", ns="cache-bn", kind="k8s",
                      plain=6379, tls=6380, requires_pw=True, sts=False, name="redis-bn",
                      services={"redis-bn": {6379: 6379, 6380: 6380}}, main_svc="redis-bn", alt_svc=None,
                      cips={"10.96.5.10": "redis-bn"}, headless=None, defined=d.at("defined"), users=[],
                      pw_secret=("cache-bn", "redis-bn", "redis-password"), pw_line=d.at("env:REDIS_PASSWORD"))
    # 6. a Redis watched by a Sentinel; clients go through the Sentinel
    d = Doc("infra/redis-sen.yaml")
    sts(d, "redis-sen", "cache-sen", "redis:7.2", headless="redis-sen-headless")
    service(d, "redis-sen", "cache-sen", "redis-sen", [(6379, 6379)], cip="10.96.6.10")
    d.l("---")
    d.l("apiVersion: apps/v1")
    d.l("kind: Deployment")
    d.l("metadata: {name: sentinel, namespace: cache-sen}")
    d.l("spec:")
    d.l("  selector: {matchLabels: {app: sentinel}}")
    d.l("  template:")
    d.l("    metadata: {labels: {app: sentinel}}")
    d.l("    spec:")
    d.l("      volumes: [{name: conf, configMap: {name: sentinel-conf}}]")
    d.l("      containers:")
    d.l("        - name: sentinel")
    d.l("          image: redis:7.2")
    d.l('          command: ["redis-sentinel", "/etc/sentinel/sentinel.conf"]')
    d.l("          volumeMounts: [{name: conf, mountPath: /etc/sentinel}]")
    service(d, "sentinel", "cache-sen", "sentinel", [(26379, 26379)], cip="10.96.6.20")
    d.l("---")
    d.l("apiVersion: v1")
    d.l("kind: ConfigMap")
    d.l("metadata: {name: sentinel-conf, namespace: cache-sen}")
    d.l("data:")
    d.l("  sentinel.conf: |")
    d.l("    port 26379")
    d.l("    sentinel monitor mymaster redis-sen.cache-sen.svc.cluster.local 6379 2", mark="monitor")
    d.l("    sentinel down-after-milliseconds mymaster 5000")
    F.add(d.path, d.lines)
    inst["sen"] = dict(key="sen", target="cache-sen/redis-sen", ns="cache-sen", kind="sentinel", plain=6379, tls=None,
                       requires_pw=False, sts=False, name="redis-sen", services={"redis-sen": {6379: 6379}},
                       main_svc="redis-sen", alt_svc=None, cips={"10.96.6.10": "redis-sen"}, headless=None,
                       defined=d.at("defined"), users=[], monitor=d.at("monitor"))
    return inst


# --------------------------------------------------------------------------
# Links: how a consumer reaches an instance
# --------------------------------------------------------------------------

def choose_addr(rng, inst, cns, want):
    """Pick a host name and port for a k8s instance.
    want: 'plain' | 'tls' | 'default' | 'wrong'
    returns dict(host, port (int or None if not written), server_port, via_service, svc, alias_kind)"""
    kinds = ["svc_ns", "svc_ns_svc", "svc_fqdn", "clusterip", "extname"]
    if inst.get("alt_svc"):
        kinds.append("alt")
    if inst.get("sts"):
        kinds += ["pod", "pod"]
    if cns == inst["ns"]:
        kinds.append("svc_short")
    for _ in range(50):
        ak = rng.choice(kinds)
        svc = inst["main_svc"]
        if ak == "alt":
            svc = inst["alt_svc"]
        if ak == "pod":
            # direct to the container port
            ports = {}
            if inst["plain"]:
                ports[inst["plain"]] = inst["plain"]
            if inst["tls"]:
                ports[inst["tls"]] = inst["tls"]
            host = "%s-0.%s.%s" % (inst["name"], inst["headless"], inst["ns"])
            via = False
        else:
            ports = inst["services"][svc]
            via = True
            host = {
                "svc_short": svc, "svc_ns": "%s.%s" % (svc, inst["ns"]),
                "svc_ns_svc": "%s.%s.svc" % (svc, inst["ns"]),
                "svc_fqdn": "%s.%s.svc.cluster.local" % (svc, inst["ns"]),
                "extname": None, "alt": "%s.%s" % (svc, inst["ns"]),
            }.get(ak)
            if ak == "clusterip":
                cands = [ip for ip, s in inst["cips"].items()]
                ip = rng.choice(cands)
                svc = inst["cips"][ip]
                ports = inst["services"][svc]
                host = ip
        # pick the port
        if want == "default":
            if 6379 not in ports:
                continue
            return dict(host=host, port=None, server_port=ports[6379], via_service=via, svc=svc, alias_kind=ak)
        if want == "wrong":
            if ak != "pod":
                continue
            return dict(host=host, port=6390, server_port=None, via_service=False, svc=None, alias_kind=ak)
        targ = inst["plain"] if want == "plain" else inst["tls"]
        if targ is None:
            return None
        cands = [p for p, t in ports.items() if t == targ]
        if not cands:
            continue
        p = rng.choice(cands)
        return dict(host=host, port=p, server_port=targ, via_service=via, svc=svc, alias_kind=ak)
    return None


# --------------------------------------------------------------------------
# Expected verdicts per link, then per consumer
# --------------------------------------------------------------------------

def link_verdict(link, inst, change, val):
    """returns (verdict, ambiguous: bool, note)"""
    k = link["kind"]  # tcp | socket | inferred | sentinel
    if change == "decommission":
        return ("at-risk" if k == "inferred" else "breaks"), False, "decom"
    if k == "inferred":
        amb = change in ("auth", "password", "acl-user-removed", "host")
        if change == "port" and inst["plain"] is None:
            amb = True
        if change == "tls-port" and inst["tls"] is None:
            amb = True
        return "at-risk", amb, "inferred"
    if change == "tls":
        if k == "socket":
            return "ok", False, "socket"
        sp = link["server_port"]
        if sp is None:
            return "at-risk", True, "unserved port"
        on_tls_port = (sp == inst["tls"])
        says = link["tls"]  # yes/no (effective)
        if val == "required":
            if on_tls_port:
                return ("ok", False, "tls") if says == "yes" else ("at-risk", False, "plaintext to tls-only port")
            # plaintext port
            if says == "yes":
                return "at-risk", False, "tls to plaintext port"
            return "breaks", False, "plaintext"
        if val == "disabled":
            if on_tls_port:
                if says == "yes":
                    return "breaks", False, "tls link"
                return "at-risk", True, "plaintext to tls-only port (disabled)"
            if says == "yes":
                return "at-risk", True, "tls to plaintext port (disabled)"
            return "ok", False, "plaintext"
    if change in ("port", "tls-port"):
        moving = inst["plain"] if change == "port" else inst["tls"]
        if moving is None:
            return "ok", False, "opens a port"
        if k in ("socket", "sentinel"):
            return "ok", False, k
        sp = link["server_port"]
        if sp is None:
            return "at-risk", False, "unserved port"
        if sp != moving:
            return "ok", False, "other port"
        if link["via_service"]:
            return "ok", False, "through a Service"
        return "breaks", False, "direct to moving port"
    if change == "host":
        if val in inst["all_names"]:
            return "ok", False, "already a name"
        if k == "sentinel":
            return "breaks", True, "sentinel"
        if link.get("alias_kind") == "extname":
            return "ok", False, "ExternalName"
        return "breaks", link.get("alias_kind") == "clusterip", "alias stops resolving"
    if change == "auth":
        if link["pw"]:
            return "ok", False, "has password"
        if link["suspected"]:
            return "at-risk", False, "suspected"
        if inst["requires_pw"]:
            return "at-risk", False, "server already requires a password"
        return "breaks", False, "no password"
    if change == "password":
        if link["pw"]:
            return "breaks", False, "holds the password"
        if link["suspected"]:
            return "at-risk", False, "suspected"
        return "ok", True, "no password (docs silent)"
    if change == "acl-user-removed":
        if link["user"] == val:
            return "breaks", False, "user"
        if val == "default" and link["user"] is None:
            if link["suspected"]:
                return "at-risk", False, "suspected"
            return "breaks", False, "no user = default"
        if link["suspected"] and link["user"] is None:
            return "at-risk", False, "suspected"
        return "ok", False, "other user"
    raise ValueError(change)


def consumer_verdict(links, inst, change, val):
    if any(l.get("suspected") for l in links):
        links = [dict(l, suspected=(not l["pw"]) and l["kind"] != "inferred") for l in links]
    vs = [link_verdict(l, inst, change, val) for l in links]
    strong = [v for v, l in zip(vs, links) if l["kind"] != "inferred"]
    if links and all(l["kind"] == "inferred" for l in links):
        v = max(vs, key=lambda x: SEV[x[0]])
        return v[0], v[1], v[2]
    vs_eff = strong  # a consumer with a strong link is judged on its strong links
    if change == "auth":
        tcp = [l for l in links if l["kind"] != "inferred"]
        has = [l for l in tcp if l["pw"]]
        no = [l for l in tcp if not l["pw"] and not l["suspected"]]
        if has and no:
            return "at-risk", False, "mixed password / none"
    if change == "tls" and val == "disabled":
        pass
    worst = max(vs_eff, key=lambda x: SEV[x[0]])
    amb = any(a for (v, a, n) in vs_eff if SEV[v] >= SEV[worst[0]])
    return worst[0], amb, "; ".join(sorted(set(n for (_, _, n) in vs_eff)))


# --------------------------------------------------------------------------
# Consumers
# --------------------------------------------------------------------------

class Gen:
    def __init__(self, rng, F, inst, passwords):
        self.rng = rng
        self.F = F
        self.inst = inst
        self.passwords = passwords
        self.consumers = []  # dict(id, links: {instkey: [link]}, style)
        self.extnames = {}  # (cns, instkey) -> name
        self.ns_docs = {}

    def extname(self, cns, inst):
        key = (cns, inst["key"])
        if key not in self.extnames:
            name = "%s-cache" % inst["key"]
            self.extnames[key] = name
            d = Doc("apps/%s/_externalname-%s.yaml" % (cns, inst["key"]))
            d.l("apiVersion: v1")
            d.l("kind: Service")
            d.l("metadata: {name: %s, namespace: %s}" % (name, cns))
            d.l("spec:")
            d.l("  type: ExternalName")
            d.l("  externalName: %s.%s.svc.cluster.local" % (inst["main_svc"], inst["ns"]))
            self.F.add(d.path, d.lines)
            inst["all_names"].add("%s.%s" % (name, cns))
        return self.extnames[key]

    def make_k8s_consumer(self, idx):
        rng = self.rng
        cns = rng.choice(["shop", "payments", "search", "growth", "ops"]) if rng.random() > 0.15 else None
        ikey = rng.choice([k for k, v in self.inst.items() if v["kind"] == "k8s"])
        inst = self.inst[ikey]
        if cns is None:
            cns = inst["ns"]
        name = "svc%05d" % idx
        path = "apps/%s/%s.yaml" % (cns, name)
        d = Doc(path)
        cid = "%s/Deployment/%s" % (cns, name)
        extra_docs = []  # list of Doc-like (lines appended after ---)
        env = []  # (name, value-line, mark)
        links = []
        envfrom = []
        mounts = []
        volumes = []
        args = []
        nlinks = 2 if rng.random() < 0.12 else 1
        styles = []
        for li in range(nlinks):
            if nlinks == 1:
                style = rng.choice(["url_env", "url_env", "url_cm", "url_secret", "split_env", "split_env",
                                    "split_envfrom", "spring_file", "args_flag", "suspected", "inferred_cm"])
            else:
                style = rng.choice(["url_env", "url_cm", "url_secret", "split_env"])
            if style in styles:
                continue
            styles.append(style)
            prefix = ["REDIS", "CACHE_REDIS", "QUEUE_REDIS"][li]
            want = rng.choice(["plain", "plain", "tls", "tls", "default", "wrong"] if inst["sts"] else
                              ["plain", "plain", "tls", "tls", "default"])
            if style == "inferred_cm":
                if cns != inst["ns"] or li > 0:
                    styles.pop(); continue
                # Redis-named variable from a ConfigMap outside the scan -> inferred at the ns's Redis
                env.append(("REDIS_URL", "valueFrom: {configMapKeyRef: {name: missing-redis-cm-%s, key: url}}" % name, "k:" + style))
                links.append(dict(kind="inferred", inst=ikey, style=style, pw=False, suspected=False, user=None,
                                  server_port=None, via_service=False, tls="unknown"))
                continue
            a = choose_addr(rng, inst, cns, want)
            if a is None:
                a = choose_addr(rng, inst, cns, "default") or choose_addr(rng, inst, cns, "tls")
                want = "default" if a and a["port"] is None else "tls"
            if a["alias_kind"] == "extname":
                a["host"] = self.extname(cns, inst)
                if rng.random() < 0.5:
                    a["host"] += "." + cns
            on_tls = a["server_port"] is not None and a["server_port"] == inst["tls"]
            # TLS as the client says it
            says_tls = on_tls if rng.random() < 0.88 else (not on_tls)
            if a["server_port"] is None:
                says_tls = rng.random() < 0.3
            user = None
            pwmode = rng.choice(["none", "none", "pw"])
            if inst["users"] and rng.random() < 0.5:
                user = rng.choice(inst["users"] + ["default"])
                pwmode = "pw"
            if ikey == "acl" and rng.random() < 0.3:
                user = "default" if rng.random() < 0.3 else user
            pw = rnd_pw(rng) if pwmode == "pw" else None
            if pw:
                self.passwords.append(pw)
            hostport = a["host"] + (":%d" % a["port"] if a["port"] else "")
            link = dict(kind="tcp", inst=ikey, style=style, host=a["host"], port=a["port"], server_port=a["server_port"],
                        via_service=a["via_service"], alias_kind=a["alias_kind"], pw=bool(pw), suspected=False, user=user,
                        tls="yes" if says_tls else "no", port_line=None, url_line=None, scheme=None,
                        svc=a.get("svc"), svc_has_tls=bool(a.get("svc")) and inst["tls"] in inst["services"].get(a.get("svc") or "", {}).values())
            if style in ("url_env", "url_cm", "url_secret", "args_flag"):
                if style == "args_flag":
                    if pw or user:
                        pw = None; user = None; link["pw"] = False; link["user"] = None
                    if says_tls != on_tls and a["server_port"] is not None:
                        says_tls = on_tls; link["tls"] = "yes" if on_tls else "no"
                    if a["server_port"] is None:
                        link["tls"] = "unknown"
                    args.append(("--redis-addr=%s" % (a["host"] + ":%d" % (a["port"] or 6379)), "k:%s" % style))
                    if a["port"] is None:
                        link["port"] = 6379
                    link["url_line"] = ("ARGS", "k:%s" % style)
                    link["port_line"] = link["url_line"]
                    links.append(link)
                    continue
                scheme = "rediss" if says_tls else "redis"
                cred = ""
                if user and pw:
                    cred = "%s:%s@" % (user, pw)
                elif pw:
                    cred = ":%s@" % pw
                url = "%s://%s%s/%d" % (scheme, cred, hostport, rng.randint(0, 5))
                link["scheme"] = scheme
                key = "%s_URL" % prefix
                if style == "url_env":
                    env.append((key, "value: %s" % url, "k:%s:%d" % (style, li)))
                    link["url_line"] = (path, "k:%s:%d" % (style, li))
                elif style == "url_cm":
                    cm = Doc(path)
                    extra_docs.append(("cm", "%s-%s-cfg" % (name, li), key, url, "k:%s:%d" % (style, li)))
                    env.append((key, "valueFrom: {configMapKeyRef: {name: %s-%s-cfg, key: %s}}" % (name, li, key), None))
                    link["url_line"] = (path, "k:%s:%d" % (style, li))
                else:
                    extra_docs.append(("secret", "%s-%s-sec" % (name, li), key, url, "k:%s:%d" % (style, li)))
                    env.append((key, "valueFrom: {secretKeyRef: {name: %s-%s-sec, key: %s}}" % (name, li, key), None))
                    link["url_line"] = (path, "k:%s:%d" % (style, li))
                link["port_line"] = link["url_line"] if a["port"] else None
                links.append(link)
            elif style in ("split_env", "split_envfrom", "suspected"):
                kv = [("%s_HOST" % prefix, a["host"], "host")]
                if a["port"]:
                    kv.append(("%s_PORT" % prefix, str(a["port"]), "port"))
                flag = None
                if says_tls != on_tls or rng.random() < 0.5:
                    flag = "true" if says_tls else "false"
                    kv.append(("%s_TLS" % prefix, flag, "tls"))
                if flag is None:
                    # TLS from the port (server's TLS port or plaintext-only port)
                    link["tls"] = "yes" if on_tls else ("no" if a["server_port"] is not None else "unknown")
                if user:
                    kv.append(("%s_USERNAME" % prefix, user, "user"))
                if style == "split_envfrom":
                    cmname = "%s-%d-env" % (name, li)
                    extra_docs.append(("cm-multi", cmname, kv, li))
                    envfrom.append("configMapRef: {name: %s}" % cmname)
                    if pw:
                        extra_docs.append(("secret", "%s-%d-pw" % (name, li), "%s_PASSWORD" % prefix, pw, "k:pw:%d" % li))
                        env.append(("%s_PASSWORD" % prefix, "valueFrom: {secretKeyRef: {name: %s-%d-pw, key: %s_PASSWORD}}" % (name, li, prefix), None))
                    link["port_line"] = (path, "cm:%s:port" % cmname) if a["port"] else None
                else:
                    for (k, v, tag) in kv:
                        env.append((k, 'value: "%s"' % v, "k:%d:%s" % (li, tag)))
                    if pw:
                        if rng.random() < 0.5:
                            extra_docs.append(("secret", "%s-%d-pw" % (name, li), "%s_PASSWORD" % prefix, pw, "k:pw:%d" % li))
                            env.append(("%s_PASSWORD" % prefix, "valueFrom: {secretKeyRef: {name: %s-%d-pw, key: %s_PASSWORD}}" % (name, li, prefix), None))
                        else:
                            env.append(("%s_PASSWORD" % prefix, 'value: "%s"' % pw, None))
                    link["port_line"] = (path, "k:%d:port" % li) if a["port"] else None
                    if style == "suspected" and li == 0:
                        envfrom.append("secretRef: {name: %s-outside-secret}" % name)
                        if not pw:
                            link["suspected"] = True
                links.append(link)
            elif style == "spring_file":
                if li > 0:
                    styles.pop(); continue
                cmname = "%s-spring" % name
                props = [("spring.data.redis.host", a["host"], "host")]
                if a["port"]:
                    props.append(("spring.data.redis.port", str(a["port"]), "port"))
                props.append(("spring.data.redis.ssl.enabled", "true" if says_tls else "false", "tls"))
                if user:
                    props.append(("spring.data.redis.username", user, "user"))
                if pw:
                    props.append(("spring.data.redis.password", pw, "pw"))
                extra_docs.append(("cm-file", cmname, props))
                volumes.append("{name: spring, configMap: {name: %s}}" % cmname)
                mounts.append("{name: spring, mountPath: /workspace/config}")
                link["port_line"] = (path, "cmf:%s:port" % cmname) if a["port"] else None
                links.append(link)
        if not links:
            return None
        # ---- write the file
        d.l("apiVersion: apps/v1")
        d.l("kind: Deployment")
        d.l("metadata:")
        d.l("  name: %s" % name)
        d.l("  namespace: %s" % cns)
        d.l("  labels: {team: team-%s}" % cns)
        d.l("spec:")
        d.l("  selector: {matchLabels: {app: %s}}" % name)
        d.l("  template:")
        d.l("    metadata: {labels: {app: %s}}" % name)
        d.l("    spec:")
        if volumes:
            d.l("      volumes:")
            for v in volumes:
                d.l("        - " + v)
        d.l("      containers:")
        d.l("        - name: app")
        d.l("          image: registry.example.com/%s:1.%d" % (name, idx % 7))
        if args:
            d.l("          args:")
            d.l('            - "serve"')
            for (a_, mark) in args:
                d.l('            - "%s"' % a_, mark=mark)
        if envfrom:
            d.l("          envFrom:")
            for e in envfrom:
                d.l("            - " + e)
        if env:
            d.l("          env:")
            for (k, v, mark) in env:
                d.l("            - name: %s" % k)
                d.l("              " + v, mark=mark)
        if mounts:
            d.l("          volumeMounts:")
            for m in mounts:
                d.l("            - " + m)
        for ed in extra_docs:
            d.l("---")
            d.l("apiVersion: v1")
            if ed[0] in ("cm", "secret"):
                _, nm, key, val, mark = ed
                d.l("kind: %s" % ("ConfigMap" if ed[0] == "cm" else "Secret"))
                d.l("metadata: {name: %s, namespace: %s}" % (nm, cns))
                d.l("data:" if ed[0] == "cm" else "stringData:")
                d.l('  %s: "%s"' % (key, val), mark=mark)
            elif ed[0] == "cm-multi":
                _, nm, kv, li = ed
                d.l("kind: ConfigMap")
                d.l("metadata: {name: %s, namespace: %s}" % (nm, cns))
                d.l("data:")
                for (k, v, tag) in kv:
                    d.l('  %s: "%s"' % (k, v), mark="cm:%s:%s" % (nm, tag))
            elif ed[0] == "cm-file":
                _, nm, props = ed
                d.l("kind: ConfigMap")
                d.l("metadata: {name: %s, namespace: %s}" % (nm, cns))
                d.l("data:")
                d.l("  application.properties: |")
                for (k, v, tag) in props:
                    d.l("    %s=%s" % (k, v), mark="cmf:%s:%s" % (nm, tag))
        self.F.add(path, d.lines)
        for l in links:
            for fld in ("port_line", "url_line"):
                if l.get(fld):
                    p, mark = l[fld]
                    l[fld] = d.at(mark) if p != "ARGS" else d.at(mark)
        self.consumers.append(dict(id=cid, links=links, styles=styles))
        return cid

    # ---- application config files (app:dir), addressing a k8s instance by its full name
    def make_app(self, idx):
        rng = self.rng
        ikey = rng.choice([k for k, v in self.inst.items() if v["kind"] == "k8s"])
        inst = self.inst[ikey]
        want = rng.choice(["plain", "tls", "default"])
        a = None
        for _ in range(20):
            a = choose_addr(rng, inst, "nowhere", want)
            if a and a["alias_kind"] in ("svc_fqdn", "clusterip"):
                break
            a = None
        if a is None:
            return
        on_tls = a["server_port"] == inst["tls"]
        folder = "services/app%03d" % idx
        self.F.add(folder + "/Dockerfile", ["FROM eclipse-temurin:21", "COPY . /app"])
        pw = rnd_pw(rng) if rng.random() < 0.5 else None
        if pw:
            self.passwords.append(pw)
        form = rng.choice(["props", "dotenv"])
        if form == "props":
            d = Doc(folder + "/src/main/resources/application.properties")
            d.l("server.port=8080")
            d.l("spring.data.redis.host=%s" % a["host"])
            if a["port"]:
                d.l("spring.data.redis.port=%d" % a["port"], mark="port")
            d.l("spring.data.redis.ssl.enabled=%s" % ("true" if on_tls else "false"))
            if pw:
                d.l("spring.data.redis.password=%s" % pw)
            url_line = None
        else:
            d = Doc(folder + "/.env")
            d.l("APP_ENV=production")
            cred = (":%s@" % pw) if pw else ""
            d.l("REDIS_URL=%s://%s%s%s/0" % ("rediss" if on_tls else "redis", cred, a["host"],
                                            (":%d" % a["port"]) if a["port"] else ""), mark="port")
            url_line = d.at("port")
        self.F.add(d.path, d.lines)
        link = dict(kind="tcp", inst=ikey, style="app-" + form, host=a["host"], port=a["port"], server_port=a["server_port"],
                    via_service=True, alias_kind=a["alias_kind"], pw=bool(pw), suspected=False, user=None,
                    tls="yes" if on_tls else "no", port_line=d.at("port") if a["port"] else None, url_line=url_line,
                    scheme=("rediss" if on_tls else "redis") if form == "dotenv" else None, svc=a["svc"],
                    svc_has_tls=inst["tls"] in inst["services"][a["svc"]].values())
        self.consumers.append(dict(id="app:" + folder, links=[link], styles=["app-" + form]))

    # ---- less common client spellings (StackExchange, go-redis options, flags, Dapr, KEDA)
    def make_exotic(self, idx):
        rng = self.rng
        cns = rng.choice(["shop", "payments", "search"])
        ikey = rng.choice([k for k, v in self.inst.items() if v["kind"] == "k8s"])
        inst = self.inst[ikey]
        want = rng.choice(["plain", "tls"])
        a = None
        for _ in range(20):
            a = choose_addr(rng, inst, cns, want)
            if a and a["alias_kind"] in ("svc_ns", "svc_fqdn", "svc_ns_svc", "pod", "alt") and a["port"]:
                break
            a = None
        if a is None:
            return
        on_tls = a["server_port"] == inst["tls"]
        style = rng.choice(["stackexchange", "goredis", "flagpass", "dapr", "keda"])
        pw = rnd_pw(rng) if (rng.random() < 0.6 and style != "keda") else None
        if pw:
            self.passwords.append(pw)
        user = None
        if inst["users"] and pw and style in ("stackexchange",) and rng.random() < 0.6:
            user = rng.choice(inst["users"])
        name = "x%s%04d" % (style[:3], idx)
        path = "apps/%s/%s.yaml" % (cns, name)
        d = Doc(path)
        hp = "%s:%d" % (a["host"], a["port"])
        cid = "%s/Deployment/%s" % (cns, name)
        d.l("apiVersion: apps/v1")
        d.l("kind: Deployment")
        d.l("metadata: {name: %s, namespace: %s, labels: {team: team-x}}" % (name, cns))
        d.l("spec:")
        d.l("  selector: {matchLabels: {app: %s}}" % name)
        d.l("  template:")
        d.l("    metadata:")
        d.l("      labels: {app: %s}" % name)
        if style == "dapr":
            d.l('      annotations: {dapr.io/enabled: "true", dapr.io/app-id: %s}' % name)
        d.l("    spec:")
        d.l("      containers:")
        d.l("        - name: app")
        d.l("          image: registry.example.com/%s:1" % name)
        line = None
        if style == "stackexchange":
            opts = [hp]
            if user:
                opts.append("user=%s" % user)
            if pw:
                opts.append("password=%s" % pw)
            opts.append("ssl=%s" % ("True" if on_tls else "False"))
            opts.append("abortConnect=False")
            d.l("          env:")
            d.l("            - name: ConnectionStrings__Cache")
            d.l('              value: "%s"' % ",".join(opts), mark="l")
        elif style == "goredis":
            opts = ["network=tcp", "addr=" + hp, "db=1"]
            if pw:
                opts.append("password=" + pw)
            if on_tls:
                opts.append("ssl=true")
            d.l("          env:")
            d.l("            - name: REDIS_CONFIG")
            d.l('              value: "%s"' % ",".join(opts), mark="l")
        elif style == "flagpass":
            d.l("          args:")
            d.l('            - "--redis-host"')
            d.l('            - "%s"' % a["host"])
            d.l('            - "--redis-port"')
            d.l('            - "%d"' % a["port"], mark="l")
            if on_tls:
                d.l('            - "--redis-tls"')
            if pw:
                d.l('            - "--redis-pass"')
                d.l('            - "%s"' % pw)
        elif style == "keda":
            d.l("---")
            d.l("apiVersion: keda.sh/v1alpha1")
            d.l("kind: ScaledObject")
            d.l("metadata: {name: %s-scaler, namespace: %s}" % (name, cns))
            d.l("spec:")
            d.l("  scaleTargetRef: {name: %s}" % name)
            d.l("  triggers:")
            d.l("    - type: redis")
            d.l("      metadata:")
            d.l('        address: "%s"' % hp, mark="l")
            d.l("        listName: jobs")
            d.l('        listLength: "5"')
            d.l('        enableTLS: "%s"' % ("true" if on_tls else "false"))
            cid = "%s/ScaledObject/%s-scaler" % (cns, name)
        if style == "dapr":
            d.l("---")
            d.l("apiVersion: dapr.io/v1alpha1")
            d.l("kind: Component")
            d.l("metadata: {name: %s-state, namespace: %s}" % (name, cns))
            d.l("spec:")
            d.l("  type: state.redis")
            d.l("  version: v1")
            d.l("  metadata:")
            d.l("    - name: redisHost")
            d.l('      value: "%s"' % hp, mark="l")
            if pw:
                d.l("    - name: redisPassword")
                d.l('      value: "%s"' % pw)
            d.l("    - name: enableTLS")
            d.l('      value: "%s"' % ("true" if on_tls else "false"))
            d.l("scopes: [%s]" % name)
        self.F.add(path, d.lines)
        link = dict(kind="tcp", inst=ikey, style=style, host=a["host"], port=a["port"], server_port=a["server_port"],
                    via_service=a["via_service"], alias_kind=a["alias_kind"], pw=bool(pw), suspected=False, user=user,
                    tls="yes" if on_tls else "no", port_line=d.at("l"), url_line=None, scheme=None, svc=a["svc"],
                    svc_has_tls=bool(a["svc"]) and inst["tls"] in inst["services"].get(a["svc"] or "", {}).values())
        self.consumers.append(dict(id=cid, links=[link], styles=[style]))

    # ---- clients of the Sentinel
    def make_sentinel_client(self, idx):
        rng = self.rng
        cns = rng.choice(["shop", "ops"])
        name = "sen%04d" % idx
        path = "apps/%s/%s.yaml" % (cns, name)
        d = Doc(path)
        d.l("apiVersion: apps/v1")
        d.l("kind: Deployment")
        d.l("metadata: {name: %s, namespace: %s}" % (name, cns))
        d.l("spec:")
        d.l("  selector: {matchLabels: {app: %s}}" % name)
        d.l("  template:")
        d.l("    metadata: {labels: {app: %s}}" % name)
        d.l("    spec:")
        d.l("      containers:")
        d.l("        - name: app")
        d.l("          image: registry.example.com/%s:3" % name)
        d.l("          env:")
        if rng.random() < 0.5:
            d.l("            - name: REDIS_URL")
            d.l("              value: redis+sentinel://sentinel.cache-sen.svc.cluster.local:26379/mymaster/0", mark="l")
        else:
            d.l("            - name: REDIS_SENTINELS")
            d.l('              value: "sentinel.cache-sen:26379"', mark="l")
            d.l("            - name: REDIS_SENTINEL_MASTER")
            d.l("              value: mymaster")
        self.F.add(path, d.lines)
        link = dict(kind="sentinel", inst="sen", style="sentinel", host="sentinel", port=26379, server_port=6379,
                    via_service=True, alias_kind="sentinel", pw=False, suspected=False, user=None, tls="no",
                    port_line=None, url_line=d.at("l"))
        self.consumers.append(dict(id="%s/Deployment/%s" % (cns, name), links=[link], styles=["sentinel-client"]))

    # ---- sidecar pods (TCP localhost and socket)
    def make_sidecar(self, idx, with_socket):
        rng = self.rng
        cns = "edge"
        name = "side%03d" % idx
        path = "apps/%s/%s.yaml" % (cns, name)
        d = Doc(path)
        d.l("apiVersion: apps/v1")
        d.l("kind: Deployment")
        d.l("metadata:")
        d.l("  name: %s" % name, mark="defined")
        d.l("  namespace: %s" % cns)
        d.l("spec:")
        d.l("  selector: {matchLabels: {app: %s}}" % name)
        d.l("  template:")
        d.l("    metadata: {labels: {app: %s}}" % name)
        d.l("    spec:")
        d.l("      volumes: [{name: sock, emptyDir: {}}]")
        d.l("      containers:")
        d.l("        - name: redis")
        d.l("          image: valkey/valkey:8")
        if with_socket:
            d.l('          args: ["--unixsocket", "/run/valkey/valkey.sock", "--unixsocketperm", "777"]')
            d.l("          volumeMounts: [{name: sock, mountPath: /run/valkey}]")
        d.l("        - name: app")
        d.l("          image: registry.example.com/%s:2" % name)
        d.l("          env:")
        links = []
        tcp_form = rng.choice(["url", "split", "split_noport"])
        if tcp_form == "url":
            d.l("            - name: REDIS_URL")
            d.l("              value: redis://localhost:6379/0", mark="url")
            links.append(dict(kind="tcp", server_port=6379, via_service=False, alias_kind="localhost", pw=False,
                              suspected=False, user=None, tls="no", port_line=d.at("url"), url_line=d.at("url")))
        else:
            d.l("            - name: REDIS_HOST")
            d.l("              value: 127.0.0.1", mark="host")
            if tcp_form == "split":
                d.l("            - name: REDIS_PORT")
                d.l('              value: "6379"', mark="port")
            links.append(dict(kind="tcp", server_port=6379, via_service=False, alias_kind="localhost", pw=False,
                              suspected=False, user=None, tls="no",
                              port_line=d.at("port") if tcp_form == "split" else None, url_line=None))
        if with_socket:
            d.l("            - name: CACHE_REDIS_SOCKET")
            d.l("              value: /run/valkey/valkey.sock")
            d.l("          volumeMounts: [{name: sock, mountPath: /run/valkey}]")
            links.append(dict(kind="socket", server_port=None, via_service=False, alias_kind="socket", pw=False,
                              suspected=False, user=None, tls="no", port_line=None, url_line=None))
        self.F.add(path, d.lines)
        key = "side:%s" % name
        self.inst[key] = dict(key=key, target="%s/%s" % (cns, name), ns=cns, kind="sidecar", plain=6379, tls=None,
                              requires_pw=False, sts=False, name=name, services={}, defined=d.at("defined"),
                              users=[], all_names=set(), sidecar=True)
        for l in links:
            l["inst"] = key
        self.consumers.append(dict(id="%s/Deployment/%s" % (cns, name), links=links, styles=["sidecar"]))

    # ---- compose project
    def make_compose(self, ncons):
        rng = self.rng
        proj = "compose/shop"
        pw = rnd_pw(rng); self.passwords.append(pw)
        d = Doc(proj + "/compose.yaml")
        d.l("services:")
        d.l("  redis:", mark="defined")
        d.l("    image: redis:7-alpine")
        d.l("    command: redis-server --requirepass ${REDIS_PASSWORD} --port 6379", mark="cmd")
        d.l("  cache:")
        d.l("    image: valkey/valkey:8")
        d.l('    command: ["valkey-server", "--port", "6390"]')
        cid_base = proj + "/compose.yaml#"
        key = "compose:redis"
        self.inst[key] = dict(key=key, target=cid_base + "redis", ns=None, kind="compose", plain=6379, tls=None,
                              requires_pw=True, sts=False, name="redis", services={}, defined=d.at("defined"), pw_line=d.at("cmd"),
                              users=[], all_names={"redis"})
        key2 = "compose:cache"
        self.inst[key2] = dict(key=key2, target=cid_base + "cache", ns=None, kind="compose", plain=6390, tls=None,
                               requires_pw=False, sts=False, name="cache", services={}, defined=d.at("defined"),
                               users=[], all_names={"cache"})
        envlines = ["REDIS_PASSWORD=%s" % pw]
        for i in range(ncons):
            svc = "job%03d" % i
            form = rng.choice(["url_pw", "url", "split", "split_noport", "depends", "cache_url", "cache_split", "wrong"])
            d.l("  %s:" % svc)
            d.l("    image: registry.example.com/%s:1" % svc)
            links = []
            target = key
            if form == "depends":
                d.l("    depends_on: [redis]")
                links.append(dict(kind="inferred", pw=False, suspected=False, user=None, server_port=None,
                                  via_service=False, tls="unknown"))
            else:
                d.l("    environment:")
                if form == "url_pw":
                    d.l("      REDIS_URL: redis://:${REDIS_PASSWORD}@redis:6379/0", mark=svc)
                    links.append(dict(kind="tcp", server_port=6379, via_service=False, alias_kind="compose", pw=True,
                                      suspected=False, user=None, tls="no", port_line=d.at(svc), url_line=d.at(svc)))
                elif form == "url":
                    d.l("      REDIS_URL: redis://redis:6379/1", mark=svc)
                    links.append(dict(kind="tcp", server_port=6379, via_service=False, alias_kind="compose", pw=False,
                                      suspected=False, user=None, tls="no", port_line=d.at(svc), url_line=d.at(svc)))
                elif form == "wrong":
                    d.l("      REDIS_URL: redis://:${REDIS_PASSWORD}@redis:6385/1", mark=svc)
                    links.append(dict(kind="tcp", server_port=None, via_service=False, alias_kind="compose", pw=True,
                                      suspected=False, user=None, tls="no", port_line=d.at(svc), url_line=d.at(svc)))
                elif form in ("split", "split_noport"):
                    d.l("      REDIS_HOST: redis")
                    if form == "split":
                        d.l('      REDIS_PORT: "6379"', mark=svc)
                    d.l("      REDIS_PASSWORD: ${REDIS_PASSWORD}")
                    links.append(dict(kind="tcp", server_port=6379, via_service=False, alias_kind="compose", pw=True,
                                      suspected=False, user=None, tls="no",
                                      port_line=d.at(svc) if form == "split" else None, url_line=None))
                elif form == "cache_url":
                    target = key2
                    d.l("      CACHE_URL: redis://cache:6390/0", mark=svc)
                    links.append(dict(kind="tcp", server_port=6390, via_service=False, alias_kind="compose", pw=False,
                                      suspected=False, user=None, tls="no", port_line=d.at(svc), url_line=d.at(svc)))
                elif form == "cache_split":
                    target = key2
                    d.l("      CACHE_REDIS_HOST: cache")
                    d.l('      CACHE_REDIS_PORT: "6390"', mark=svc)
                    links.append(dict(kind="tcp", server_port=6390, via_service=False, alias_kind="compose", pw=False,
                                      suspected=False, user=None, tls="no", port_line=d.at(svc), url_line=None))
            for l in links:
                l["inst"] = target
            self.consumers.append(dict(id=cid_base + svc, links=links, styles=["compose-" + form]))
        self.F.add(d.path, d.lines)
        self.F.add(proj + "/.env", envlines)


def build(outdir, n, seed):
    rng = random.Random(seed)
    F = Files()
    passwords = []
    inst = k8s_instances(F, rng, passwords)
    for i in inst.values():
        names = set()
        for s in i["services"]:
            names |= {"%s.%s" % (s, i["ns"]), "%s.%s.svc" % (s, i["ns"]), "%s.%s.svc.cluster.local" % (s, i["ns"])}
        names |= set(i["cips"])
        i["all_names"] = names
    g = Gen(rng, F, inst, passwords)
    n_side = max(2, n // 200)
    n_comp = max(6, n // 25)
    n_k8s = n - n_side - n_comp
    for j in range(n_side):
        g.make_sidecar(j, with_socket=(j % 2 == 1))
    g.make_compose(n_comp)
    for i in range(n // 30):
        g.make_app(i)
    for i in range(n // 8):
        g.make_exotic(i)
    for i in range(max(3, n // 60)):
        g.make_sentinel_client(i)
    g.consumers.append(dict(id="cache-sen/Deployment/sentinel", styles=["the-sentinel"], links=[dict(
        kind="tcp", inst="sen", style="sentinel-monitor", host="redis-sen.cache-sen.svc.cluster.local", port=6379,
        server_port=6379, via_service=True, alias_kind="svc_fqdn", pw=False, suspected=False, user=None, tls="no",
        port_line=inst["sen"]["monitor"], url_line=None, svc="redis-sen", svc_has_tls=False)]))
    for i in range(n_k8s - n // 30 - n // 8 - max(3, n // 60)):
        g.make_k8s_consumer(i)
    # -------- tests
    tests = []

    def changes_for(ik, i):
        ch = [("tls", "required"), ("tls", "disabled"), ("port", str(PLAIN_NEW_PORT)), ("tls-port", str(TLS_NEW_PORT)),
              ("host", "redis-moved.example.internal"), ("auth", "required"), ("password", "rotate"),
              ("acl-user-removed", "default"), ("decommission", "true")]
        if i["users"]:
            ch.append(("acl-user-removed", "alice"))
        if i["all_names"]:
            ch.append(("host", sorted(i["all_names"])[0]))
            ext = sorted(x for x in i["all_names"] if "-cache." in x)
            if ext:
                ch.append(("host", ext[0]))
        return ch

    side_keys = [k for k in inst if k.startswith("side:")][:2]
    for ik, i in inst.items():
        if ik.startswith("side:") and ik not in side_keys:
            continue
        for (k, v) in changes_for(ik, i):
            exp = {}
            for c in g.consumers:
                ls = [l for l in c["links"] if l["inst"] == ik]
                if not ls:
                    continue
                verdict, amb, note = consumer_verdict(ls, i, k, v)
                exp[c["id"]] = dict(verdict=verdict, ambiguous=amb, note=note, styles=c["styles"],
                                    links=[{x: y for x, y in l.items() if x != "inst"} for l in ls])
            tests.append(dict(target=i["target"], key=k, value=v, instance=ik,
                              inst_info=dict(plain=i["plain"], tls=i["tls"], requires_pw=i["requires_pw"],
                                             defined=i["defined"], pw_line=i.get("pw_line")),
                              expected=exp))
    tree = os.path.join(outdir, "tree")
    if os.path.exists(tree):
        shutil.rmtree(tree)
    F.write(tree)
    with open(os.path.join(outdir, "truth.json"), "w") as f:
        json.dump(dict(seed=seed, workloads=n, passwords=passwords, tests=tests,
                       n_consumers=len(g.consumers), n_files=len(F.files)), f, indent=1)
    print("wrote %d files, %d consumers, %d tests, %d passwords" % (len(F.files), len(g.consumers), len(tests), len(passwords)))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--workloads", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    build(a.outdir, a.workloads, a.seed)
