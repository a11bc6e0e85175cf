#!/usr/bin/env python3
"""gen6: synthetic GitOps org modelled on how real charts/apps wire Redis.

usage: gen6.py OUTDIR N_WORKLOADS SEED

Writes OUTDIR/tree (scan it from inside: `cd tree && fallout scan .`) and
OUTDIR/truth.json ({consumers, routes, link_routes, lookalikes, resources}).

Truth decisions (documented):
 * Resource ids: k8s `ns/<workload>` (the StatefulSet / Deployment running
   Redis); ExternalName -> the external host; compose `file#service`.
 * Clients of a proxy (redis-ha's haproxy) are consumers of the Redis behind
   it (`ns/<rel>-server`); the haproxy Deployment is one too.
 * A Bitnami replica (REDIS_MASTER_HOST) is a consumer of its master.
 * Argo CD server/repo-server/controller with no `redis.server` are consumers
   of argocd-redis (compiled-in default) -- only inferable via shared Secret.
 * Metrics exporter sidecars / sentinel containers are part of their Redis.
 * A standalone exporter Deployment reaching Redis over the network is a
   consumer.
 * Not consumers: Prometheus scraping `*-metrics:9121`, postgres sharing the
   app's envFrom ConfigMap, `*_REDIS_ENABLED=false` groups, README/comments,
   `.env.example`-only repos, NetworkPolicy/PDB/ServiceMonitor objects,
   Argo CD dex/notifications/applicationset.
 * Semantic look-alikes the tool does not claim (tagged `semantic`):
   n8n with EXECUTIONS_MODE=regular, Prometheus redis_exporter multi-target
   scrape of `redis://` targets.
"""
import base64
import json
import os
import random
import sys

# ---------------------------------------------------------------- YAML

def scalar(v, ind):
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    if '\n' in s:
        pad = '  ' * ind
        body = '\n'.join((pad + l) if l else '' for l in s.rstrip('\n').split('\n'))
        return '|\n' + body
    return json.dumps(s)


def emit(o, ind=0):
    sp = '  ' * ind
    out = []
    if isinstance(o, dict):
        for k, v in o.items():
            if isinstance(v, dict) and v:
                out.append(f'{sp}{k}:')
                out += emit(v, ind + 1)
            elif isinstance(v, list) and v:
                out.append(f'{sp}{k}:')
                out += emit(v, ind + 1)
            elif isinstance(v, dict):
                out.append(f'{sp}{k}: {{}}')
            elif isinstance(v, list):
                out.append(f'{sp}{k}: []')
            else:
                out.append(f'{sp}{k}: {scalar(v, ind + 1)}')
    elif isinstance(o, list):
        for it in o:
            if isinstance(it, (dict, list)) and it:
                sub = emit(it, ind + 1)
                out.append(f'{sp}- {sub[0].lstrip()}')
                out += sub[1:]
            else:
                out.append(f'{sp}- {scalar(it, ind + 1)}')
    return out


def ydoc(docs, header=None):
    parts = []
    for d in docs:
        src = f'# Source: {d.pop("_src")}\n' if '_src' in d else ''
        parts.append('---\n' + src + '\n'.join(emit(d)) + '\n')
    return (header or '') + ''.join(parts)


def b64(s):
    return base64.b64encode(s.encode()).decode()

# ---------------------------------------------------------------- k8s helpers

def meta(ns, name, labels=None, **kw):
    m = {'name': name, 'namespace': ns}
    if labels:
        m['labels'] = labels
    m.update(kw)
    return m


def ev(k, v):
    return {'name': k, 'value': str(v)}


def cmk(k, cm, key, optional=False):
    r = {'configMapKeyRef': {'name': cm, 'key': key}}
    if optional:
        r['configMapKeyRef']['optional'] = True
    return {'name': k, 'valueFrom': r}


def sk(k, sec, key, optional=False):
    r = {'secretKeyRef': {'name': sec, 'key': key}}
    if optional:
        r['secretKeyRef']['optional'] = True
    return {'name': k, 'valueFrom': r}


def ctr(name, image, env=None, envFrom=None, args=None, command=None, mounts=None, ports=None, probes=None):
    c = {'name': name, 'image': image, 'imagePullPolicy': 'IfNotPresent'}
    if command:
        c['command'] = command
    if args:
        c['args'] = args
    if ports:
        c['ports'] = [{'name': n, 'containerPort': p, 'protocol': 'TCP'} for n, p in ports]
    if envFrom:
        c['envFrom'] = envFrom
    if env:
        c['env'] = env
    if probes:
        c.update(probes)
    if mounts:
        c['volumeMounts'] = mounts
    c['resources'] = {'limits': {'memory': '512Mi'}, 'requests': {'cpu': '100m', 'memory': '128Mi'}}
    return c


def workload(kind, ns, name, labels, containers, volumes=None, init=None, replicas=1, service_name=None, annotations=None, schedule=None):
    pod = {'containers': containers}
    if init:
        pod['initContainers'] = init
    if volumes:
        pod['volumes'] = volumes
    tmpl = {'metadata': {'labels': dict(labels)}, 'spec': pod}
    if annotations:
        tmpl['metadata']['annotations'] = annotations
    if kind == 'CronJob':
        pod['restartPolicy'] = 'OnFailure'
        spec = {'schedule': schedule or '0 3 * * *', 'jobTemplate': {'spec': {'template': tmpl}}}
    else:
        spec = {'replicas': replicas, 'selector': {'matchLabels': dict(labels)}, 'template': tmpl}
        if kind == 'StatefulSet':
            spec['serviceName'] = service_name or name
    return {'apiVersion': 'batch/v1' if kind == 'CronJob' else 'apps/v1', 'kind': kind,
            'metadata': meta(ns, name, labels), 'spec': spec}


def service(ns, name, selector, ports, headless=False, labels=None):
    s = {'type': 'ClusterIP', 'ports': [{'name': n, 'port': p, 'targetPort': t, 'protocol': 'TCP'} for n, p, t in ports],
         'selector': selector}
    if headless:
        s['clusterIP'] = 'None'
    return {'apiVersion': 'v1', 'kind': 'Service', 'metadata': meta(ns, name, labels), 'spec': s}


def configmap(ns, name, data, labels=None):
    return {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': meta(ns, name, labels), 'data': data}


def secret(ns, name, data, string=False):
    d = {'apiVersion': 'v1', 'kind': 'Secret', 'metadata': meta(ns, name), 'type': 'Opaque'}
    if string:
        d['stringData'] = data
    else:
        d['data'] = {k: b64(v) for k, v in data.items()}
    return d


def cmvol(vname, cm, items=None, secret_=False):
    if secret_:
        v = {'name': vname, 'secret': {'secretName': cm}}
        if items:
            v['secret']['items'] = [{'key': k, 'path': p} for k, p in items]
    else:
        v = {'name': vname, 'configMap': {'name': cm}}
        if items:
            v['configMap']['items'] = [{'key': k, 'path': p} for k, p in items]
    return v


def helm_labels(chart, rel, comp=None):
    l = {'app.kubernetes.io/name': chart, 'app.kubernetes.io/instance': rel}
    if comp:
        l['app.kubernetes.io/component'] = comp
    return l


WORDS = ['amber', 'birch', 'cedar', 'delta', 'ember', 'fjord', 'garnet', 'harbor', 'indigo', 'juniper', 'kestrel',
         'lumen', 'maple', 'nimbus', 'onyx', 'pine', 'quartz', 'raven', 'sable', 'tundra', 'umber', 'vale', 'willow',
         'xenon', 'yarrow', 'zephyr', 'atlas', 'bolt', 'comet', 'dune']
REDIS_RELS = ['redis', 'cache', 'sessions', 'kv', 'queue', 'broker', 'ratelimit', 'pubsub', 'jobs', 'memo',
              'hotpath', 'state', 'fastlane', 'ledger-cache', 'valkey', 'tokens', 'feeds']


class Org:
    def __init__(self, out, n, seed):
        self.root = os.path.join(out, 'tree')
        self.out = out
        self.n = n
        self.rng = random.Random(seed)
        self.nwl = 0
        self.consumers = {}
        self.routes = {}
        self.link_routes = {}
        self.lookalikes = []
        self.resources = {}
        self.files = 0

    def write(self, rel, text):
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(text)
        self.files += 1

    def wl(self, k=1):
        self.nwl += k

    def consumer(self, cid, target, tags):
        self.consumers.setdefault(cid, set()).add(target)
        self.routes.setdefault(cid, set()).update(tags)
        self.link_routes.setdefault(cid, {}).setdefault(target, set()).update(tags)
        if cid in self.lookalikes:
            self.lookalikes.remove(cid)

    def lookalike(self, cid, tags):
        if cid not in self.consumers:
            self.lookalikes.append(cid)
            self.routes.setdefault(cid, set()).update(tags)

    def resource(self, rid):
        self.resources[rid] = 1

    def dump(self):
        truth = {
            'consumers': {k: sorted(v) for k, v in self.consumers.items()},
            'routes': {k: sorted(v) for k, v in self.routes.items()},
            'link_routes': {k: {t: sorted(tg) for t, tg in v.items()} for k, v in self.link_routes.items()},
            'lookalikes': sorted(set(self.lookalikes)),
            'resources': {k: 1 for k in self.resources if '/' in k or '#' in k or k in {t for v in self.consumers.values() for t in v}},
        }
        with open(os.path.join(self.out, 'truth.json'), 'w') as f:
            json.dump(truth, f, indent=1)


# ---------------------------------------------------------------- Redis servers
# An instance: dict(rid, ns, svc, port, tls, secret=(name,key), kind, master)

def bitnami_redis(org, ns, rel, mode='standalone', tls=False, valkey=False):
    r = org.rng
    prod = 'valkey' if valkey else 'redis'
    P = prod.upper()
    chart = prod
    docs = []
    pw = 'pw' + str(r.randint(1000, 9999))
    docs.append(dict(secret(ns, rel, {f'{prod}-password': pw}), _src=f'{chart}/templates/secret.yaml'))
    docs.append(dict(configmap(ns, f'{rel}-configuration', {
        f'{prod}.conf': '# User-supplied common configuration:\n# Enable AOF https://redis.io/topics/persistence#append-only-file\nappendonly yes\n# Disable RDB persistence, AOF persistence already enabled.\nsave ""\n# End of common configuration\n',
        'master.conf': 'dir /data\n# User-supplied master configuration:\nrename-command FLUSHDB ""\nrename-command FLUSHALL ""\n',
        'replica.conf': 'dir /data\n# User-supplied replica configuration:\nrename-command FLUSHDB ""\nrename-command FLUSHALL ""\n',
    }, helm_labels(chart, rel)), _src=f'{chart}/templates/configmap.yaml'))
    docs.append(dict(configmap(ns, f'{rel}-health', {
        'ping_readiness_local.sh': f'#!/bin/bash\n[[ -f ${P}_PASSWORD_FILE ]] && export REDISCLI_AUTH="$(< "${{{P}_PASSWORD_FILE}}")"\nresponse=$(\n  timeout -s 15 $1 \\\n  redis-cli \\\n    -h localhost \\\n    -p ${P}_PORT \\\n    ping\n)\nif [ "$response" != "PONG" ]; then\n  echo "$response"\n  exit 1\nfi\n',
        'ping_readiness_master.sh': f'#!/bin/bash\nresponse=$(\n  timeout -s 15 $1 \\\n  redis-cli \\\n    -h ${P}_MASTER_HOST \\\n    -p ${P}_MASTER_PORT_NUMBER \\\n    ping\n)\n',
    }, helm_labels(chart, rel)), _src=f'{chart}/templates/health-configmap.yaml'))
    lbl_base = helm_labels(chart, rel)
    main_comp = 'primary' if valkey else ('node' if mode == 'sentinel' else 'master')
    svc_main = f'{rel}-primary' if valkey else (rel if mode == 'sentinel' else f'{rel}-master')
    sts_main = f'{rel}-{main_comp}'
    docs.append(dict(service(ns, f'{rel}-headless', lbl_base, [(f'tcp-{prod}', 6379, prod)] + ([('tcp-sentinel', 26379, 'redis-sentinel')] if mode == 'sentinel' else []), headless=True), _src=f'{chart}/templates/headless-svc.yaml'))
    if mode == 'sentinel':
        docs.append(dict(service(ns, rel, dict(lbl_base, **{'app.kubernetes.io/component': 'node'}), [('tcp-redis', 6379, 6379), ('tcp-sentinel', 26379, 26379)]), _src=f'{chart}/templates/sentinel/service.yaml'))
    else:
        docs.append(dict(service(ns, svc_main, dict(lbl_base, **{'app.kubernetes.io/component': main_comp}), [(f'tcp-{prod}', 6379, prod)]), _src=f'{chart}/templates/master/service.yaml'))
    docs.append(dict(service(ns, f'{rel}-metrics', lbl_base, [('http-metrics', 9121, 'http-metrics')], labels=dict(lbl_base, **{'app.kubernetes.io/component': 'metrics'})), _src=f'{chart}/templates/metrics-svc.yaml'))

    def server_env(role):
        e = [ev('BITNAMI_DEBUG', 'false'), ev(f'{P}_REPLICATION_MODE', role if mode != 'sentinel' else 'master'),
             ev('ALLOW_EMPTY_PASSWORD', 'no'), sk(f'{P}_PASSWORD', rel, f'{prod}-password')]
        if role == 'replica':
            e += [ev(f'{P}_MASTER_HOST', f'{rel}-{main_comp}-0.{rel}-headless.{ns}.svc.cluster.local'),
                  ev(f'{P}_MASTER_PORT_NUMBER', '6379'), sk(f'{P}_MASTER_PASSWORD', rel, f'{prod}-password')]
        e += [ev(f'{P}_TLS_ENABLED', 'yes' if tls else 'no'), ev(f'{P}_PORT', '6379')]
        if tls:
            e += [ev(f'{P}_TLS_PORT', '6379'), ev(f'{P}_TLS_AUTH_CLIENTS', 'yes'),
                  ev(f'{P}_TLS_CERT_FILE', '/opt/bitnami/redis/certs/tls.crt'),
                  ev(f'{P}_TLS_KEY_FILE', '/opt/bitnami/redis/certs/tls.key'),
                  ev(f'{P}_TLS_CA_FILE', '/opt/bitnami/redis/certs/ca.crt')]
        return e

    def sts(name, comp, role):
        lbl = dict(lbl_base, **{'app.kubernetes.io/component': comp})
        probes = {'livenessProbe': {'exec': {'command': ['sh', '-c', '/health/ping_liveness_local.sh 5']}, 'periodSeconds': 5},
                  'readinessProbe': {'exec': {'command': ['sh', '-c', '/health/ping_readiness_local.sh 1']}, 'periodSeconds': 5}}
        cs = [ctr(prod, f'registry-1.docker.io/bitnami/{prod}:7.2.5-debian-12-r0', env=server_env(role),
                  command=['/bin/bash'], args=['-c', f'/opt/bitnami/scripts/start-scripts/start-{role}.sh'],
                  ports=[(prod, 6379)], probes=probes,
                  mounts=[{'name': 'health', 'mountPath': '/health'}, {'name': 'config', 'mountPath': f'/opt/bitnami/{prod}/mounted-etc'}])]
        if mode == 'sentinel':
            cs.append(ctr('sentinel', 'registry-1.docker.io/bitnami/redis-sentinel:7.2.5-debian-12-r0',
                          command=['/bin/bash'], args=['-c', '/opt/bitnami/scripts/start-scripts/start-sentinel.sh'],
                          env=[ev('REDIS_SENTINEL_TLS_ENABLED', 'no'), ev('REDIS_SENTINEL_PORT', '26379'),
                               sk('REDIS_PASSWORD', rel, 'redis-password')],
                          ports=[('redis-sentinel', 26379)]))
        addr = f'{"rediss" if tls else "redis"}://localhost:6379'
        cs.append(ctr('metrics', f'registry-1.docker.io/bitnami/{prod}-exporter:1.62.0-debian-12-r2',
                      command=['/bin/bash', '-c', f'if [[ -f \'/secrets/{prod}-password\' ]]; then\nexport REDIS_PASSWORD=$(cat /secrets/{prod}-password)\nfi\nredis_exporter'],
                      env=[ev('REDIS_ALIAS', rel), ev('REDIS_EXPORTER_WEB_LISTEN_ADDRESS', ':9121'), ev('REDIS_ADDR', addr),
                           ev('REDIS_USER', 'default'), sk('REDIS_PASSWORD', rel, f'{prod}-password')],
                      ports=[('http-metrics', 9121)]))
        vols = [{'name': 'health', 'configMap': {'name': f'{rel}-health', 'defaultMode': 493}},
                {'name': 'config', 'configMap': {'name': f'{rel}-configuration'}}]
        d = workload('StatefulSet', ns, name, lbl, cs, volumes=vols, service_name=f'{rel}-headless',
                     replicas=3 if role == 'replica' or mode == 'sentinel' else 1)
        d['_src'] = f'{chart}/templates/{comp}/application.yaml'
        return d

    docs.append(sts(sts_main, main_comp, 'master'))
    org.wl()
    org.resource(f'{ns}/{sts_main}')
    inst = {'rid': f'{ns}/{sts_main}', 'ns': ns, 'svc': svc_main, 'port': 6379, 'tls': tls,
            'secret': (rel, f'{prod}-password'), 'kind': f'bitnami-{prod}-{mode}', 'pw': pw}
    if mode == 'sentinel':
        inst['sentinel'] = (rel, 26379, 'mymaster')
    extra = []
    if mode == 'replication':
        rname = f'{rel}-replicas'
        docs.append(dict(service(ns, rname, dict(lbl_base, **{'app.kubernetes.io/component': 'replica'}), [(f'tcp-{prod}', 6379, prod)]), _src=f'{chart}/templates/replicas/service.yaml'))
        docs.append(sts(rname, 'replica', 'replica'))
        org.wl()
        org.resource(f'{ns}/{rname}')
        org.consumer(f'{ns}/StatefulSet/{rname}', f'{ns}/{sts_main}', ['bitnami-replica-of-master', 'headless-pod-name'])
        extra.append(dict(inst, rid=f'{ns}/{rname}', svc=rname, kind='bitnami-replicas'))
    # look-alike objects a chart renders
    docs.append({'_src': f'{chart}/templates/networkpolicy.yaml', 'apiVersion': 'networking.k8s.io/v1', 'kind': 'NetworkPolicy',
                 'metadata': meta(ns, rel), 'spec': {'podSelector': {'matchLabels': lbl_base}, 'policyTypes': ['Ingress', 'Egress'],
                  'egress': [{}], 'ingress': [{'ports': [{'port': 6379}] + ([{'port': 26379}] if mode == 'sentinel' else [])}, {'ports': [{'port': 9121}]}]}})
    docs.append({'_src': f'{chart}/templates/master/pdb.yaml', 'apiVersion': 'policy/v1', 'kind': 'PodDisruptionBudget',
                 'metadata': meta(ns, f'{rel}-{main_comp}'), 'spec': {'maxUnavailable': 1, 'selector': {'matchLabels': lbl_base}}})
    docs.append({'_src': f'{chart}/templates/servicemonitor.yaml', 'apiVersion': 'monitoring.coreos.com/v1', 'kind': 'ServiceMonitor',
                 'metadata': meta(ns, rel), 'spec': {'endpoints': [{'port': 'http-metrics', 'interval': '30s'}],
                  'namespaceSelector': {'matchNames': [ns]}, 'selector': {'matchLabels': dict(lbl_base, **{'app.kubernetes.io/component': 'metrics'})}}})
    org.write(f'clusters/prod/{ns}/{rel}/rendered.yaml', ydoc(docs))
    return [inst] + extra


def redis_ha(org, ns, rel, secret_=None):
    docs = []
    lbl = {'app': 'redis-ha', 'release': rel}
    conf = {
        'redis.conf': 'dir "/data"\nport 6379\nrename-command FLUSHDB ""\nrename-command FLUSHALL ""\nbind 0.0.0.0\nmaxmemory 0\nmaxmemory-policy volatile-lru\nmin-replicas-max-lag 5\nmin-replicas-to-write 1\nrdbchecksum yes\nrdbcompression yes\nrepl-diskless-sync yes\nsave 900 1\n',
        'sentinel.conf': 'dir "/data"\nport 26379\n    sentinel down-after-milliseconds mymaster 10000\n    sentinel failover-timeout mymaster 180000\n    maxclients 10000\n    sentinel parallel-syncs mymaster 5\n',
        'init.sh': f'echo "$(date) Start..."\nHOSTNAME="$(hostname)"\nINDEX="${{HOSTNAME##*-}}"\nSENTINEL_PORT=26379\nMASTER=\'\'\nMASTER_GROUP="mymaster"\nQUORUM="2"\nREDIS_CONF=/data/conf/redis.conf\nREDIS_PORT=6379\nSERVICE={rel}\nset -eu\nsentinel_get_master() {{\nset +e\n    if [ "$SENTINEL_PORT" -eq 0 ]; then\n        redis-cli -h "${{SERVICE}}" -p "${{SENTINEL_TLS_PORT}}"   sentinel get-master-addr-by-name "${{MASTER_GROUP}}" |\\\n        grep -E \'((^\\s*((([0-9]|[1-9][0-9]|1[0-9]{{2}}|2[0-4][0-9]|25[0-5])\\.){{3}}([0-9]|[1-9][0-9]|1[0-9]{{2}}|2[0-4][0-9]|25[0-5]))\\s*$))\'\n    fi\nset -e\n}}\n',
        'haproxy.cfg': f'defaults REDIS\n  mode tcp\n  timeout connect 4s\n  timeout server 330s\n  timeout client 330s\n  timeout check 2s\n\nlisten health_check_http_url\n  bind :8888\n  mode http\n  monitor-uri /healthz\n  option      dontlognull\n# Check Sentinel and whether they are nominated master\nbackend check_if_redis_is_master_0\n  mode tcp\n  option tcp-check\n  tcp-check connect\n  tcp-check send PING\\r\\n\n  tcp-check expect string +PONG\n  tcp-check send SENTINEL\\ get-master-addr-by-name\\ mymaster\\r\\n\n  tcp-check expect string REPLACE_ANNOUNCE0\n  tcp-check send QUIT\\r\\n\n  server R0 {rel}-announce-0:26379 check inter 3s\n  server R1 {rel}-announce-1:26379 check inter 3s\n  server R2 {rel}-announce-2:26379 check inter 3s\n\n# decide redis backend to use\n#master\nfrontend ft_redis_master\n  bind :6379\n  use_backend bk_redis_master\n# Check all redis servers to see if they think they are master\nbackend bk_redis_master\n  mode tcp\n  option tcp-check\n  tcp-check connect\n  tcp-check send PING\\r\\n\n  tcp-check expect string +PONG\n  tcp-check send info\\ replication\\r\\n\n  tcp-check expect  string role:master\n  tcp-check send QUIT\\r\\n\n  tcp-check expect string +OK\n  use-server R0 if {{ srv_is_up(R0) }} {{ nbsrv(check_if_redis_is_master_0) ge 2 }}\n  server R0 {rel}-announce-0:6379 check inter 3s fall 1 rise 1\n  use-server R1 if {{ srv_is_up(R1) }} {{ nbsrv(check_if_redis_is_master_1) ge 2 }}\n  server R1 {rel}-announce-1:6379 check inter 3s fall 1 rise 1\n  use-server R2 if {{ srv_is_up(R2) }} {{ nbsrv(check_if_redis_is_master_2) ge 2 }}\n  server R2 {rel}-announce-2:6379 check inter 3s fall 1 rise 1\n',
        'haproxy_init.sh': 'HAPROXY_CONF=/data/haproxy.cfg\ncp /readonly/haproxy.cfg "$HAPROXY_CONF"\n',
    }
    docs.append(dict(configmap(ns, f'{rel}-configmap', conf, lbl), _src='redis-ha/templates/redis-ha-configmap.yaml'))
    docs.append(dict(service(ns, rel, lbl, [('tcp-server', 6379, 'redis'), ('tcp-sentinel', 26379, 'sentinel')], headless=True), _src='redis-ha/templates/redis-ha-service.yaml'))
    for i in range(3):
        s = service(ns, f'{rel}-announce-{i}', {'app': 'redis-ha', 'release': rel, 'statefulset.kubernetes.io/pod-name': f'{rel}-server-{i}'},
                    [('tcp-server', 6379, 'redis'), ('tcp-sentinel', 26379, 'sentinel')])
        s['spec']['publishNotReadyAddresses'] = True
        s['_src'] = 'redis-ha/templates/redis-ha-announce-service.yaml'
        docs.append(s)
    auth_env = [sk('AUTH', secret_[0], secret_[1])] if secret_ else []
    cs = [ctr('redis', 'public.ecr.aws/docker/library/redis:7.2.4-alpine', command=['redis-server'], args=['/data/conf/redis.conf'],
              env=auth_env, ports=[('redis', 6379)], mounts=[{'name': 'data', 'mountPath': '/data'}],
              probes={'livenessProbe': {'exec': {'command': ['sh', '-c', '/health/redis_liveness.sh']}}}),
          ctr('sentinel', 'public.ecr.aws/docker/library/redis:7.2.4-alpine', command=['redis-sentinel'], args=['/data/conf/sentinel.conf'],
              env=auth_env, ports=[('sentinel', 26379)], mounts=[{'name': 'data', 'mountPath': '/data'}]),
          ctr('split-brain-fix', 'public.ecr.aws/docker/library/redis:7.2.4-alpine', command=['sh'], args=['/readonly-config/fix-split-brain.sh'],
              env=auth_env, mounts=[{'name': 'config', 'mountPath': '/readonly-config', 'readOnly': True}])]
    init = [ctr('config-init', 'public.ecr.aws/docker/library/redis:7.2.4-alpine', command=['sh'], args=['/readonly-config/init.sh'],
                env=[ev('SENTINEL_ID_0', 'a' * 40)] + auth_env, mounts=[{'name': 'config', 'mountPath': '/readonly-config', 'readOnly': True}])]
    d = workload('StatefulSet', ns, f'{rel}-server', lbl, cs, init=init, replicas=3, service_name=rel,
                 volumes=[cmvol('config', f'{rel}-configmap'), {'name': 'data', 'emptyDir': {}}])
    d['_src'] = 'redis-ha/templates/redis-ha-statefulset.yaml'
    docs.append(d)
    org.wl()
    rid = f'{ns}/{rel}-server'
    org.resource(rid)
    hlbl = {'app': 'redis-ha-haproxy', 'release': rel}
    docs.append(dict(service(ns, f'{rel}-haproxy', hlbl, [('tcp-haproxy', 6379, 'redis')]), _src='redis-ha/templates/redis-haproxy-service.yaml'))
    hd = workload('Deployment', ns, f'{rel}-haproxy', hlbl,
                  [ctr('haproxy', 'public.ecr.aws/docker/library/haproxy:2.9.4-alpine', ports=[('redis', 6379)],
                       mounts=[{'name': 'data', 'mountPath': '/usr/local/etc/haproxy'}])],
                  init=[ctr('config-init', 'public.ecr.aws/docker/library/haproxy:2.9.4-alpine', command=['sh'], args=['/readonly/haproxy_init.sh'],
                            mounts=[{'name': 'config-volume', 'mountPath': '/readonly', 'readOnly': True}, {'name': 'data', 'mountPath': '/data'}])],
                  volumes=[cmvol('config-volume', f'{rel}-configmap'), {'name': 'data', 'emptyDir': {}}], replicas=3)
    hd['_src'] = 'redis-ha/templates/redis-haproxy-deployment.yaml'
    docs.append(hd)
    org.wl()
    org.consumer(f'{ns}/Deployment/{rel}-haproxy', rid, ['haproxy-cfg-announce-svc'])
    org.write(f'clusters/prod/{ns}/{rel}/rendered.yaml', ydoc(docs))
    return {'rid': rid, 'ns': ns, 'svc': f'{rel}-haproxy', 'port': 6379, 'tls': False, 'secret': secret_,
            'kind': 'redis-ha-haproxy', 'pw': None, 'direct_svc': rel}


def plain_redis(org, ns, name, svcname, image_kind):
    r = org.rng
    lbl = {'app': name, 'tier': 'datastore'}
    port = 6379
    if image_kind == 'dragonfly':
        c = ctr('dragonfly', 'docker.dragonflydb.io/dragonflydb/dragonfly:v1.21.2', args=['--alsologtostderr', '--cache_mode=true'], ports=[('redis', 6379)])
    elif image_kind == 'valkey':
        port = r.choice([6379, 6380])
        c = ctr('valkey', 'valkey/valkey:8.0-alpine', command=['valkey-server'], args=['--port', str(port), '--appendonly', 'yes'], ports=[('valkey', port)])
    else:
        c = ctr('redis', 'redis:7.2-alpine', command=['redis-server', '--save', '60', '1', '--loglevel', 'warning'], ports=[('redis', 6379)],
                probes={'readinessProbe': {'exec': {'command': ['redis-cli', 'ping']}}})
    docs = [workload('StatefulSet', ns, name, lbl, [c], service_name=svcname),
            service(ns, svcname, lbl, [('redis', port, port)])]
    org.wl()
    org.resource(f'{ns}/{name}')
    org.write(f'clusters/prod/{ns}/datastores/{name}.yaml', ydoc(docs))
    return {'rid': f'{ns}/{name}', 'ns': ns, 'svc': svcname, 'port': port, 'tls': False, 'secret': None, 'kind': f'plain-{image_kind}', 'pw': None}


def external_redis(org, ns, svcname, host, tls):
    d = {'apiVersion': 'v1', 'kind': 'Service', 'metadata': meta(ns, svcname, {'managed-by': 'terraform'}),
         'spec': {'type': 'ExternalName', 'externalName': host}}
    org.write(f'clusters/prod/{ns}/external/{svcname}.yaml', ydoc([d]))
    org.resource(host)
    return {'rid': host, 'ns': ns, 'svc': svcname, 'port': 6379, 'tls': tls, 'secret': None, 'kind': 'externalname', 'pw': None}


def cloud_host(r):
    kind = r.choice(['ec', 'memstore', 'azure', 'upstash'])
    w = r.choice(WORDS) + str(r.randint(1, 999))
    if kind == 'ec':
        return f'master.{w}-redis.{r.choice("abcdef")}{r.randint(100,999)}x.use1.cache.amazonaws.com', True
    if kind == 'memstore':
        return f'{w}.redis.europe-west1.internal', False
    if kind == 'azure':
        return f'{w}.redis.cache.windows.net', True
    return f'{w}.cache-{r.randint(10,99)}.internal.example.net', False

# ---------------------------------------------------------------- address helpers

def host_for(org, inst, ns, want_direct=False):
    r = org.rng
    if inst.get('svc') is None:
        return inst['rid']
    svc = inst['direct_svc'] if want_direct and inst.get('direct_svc') else inst['svc']
    forms = [svc, f'{svc}.{inst["ns"]}', f'{svc}.{inst["ns"]}.svc', f'{svc}.{inst["ns"]}.svc.cluster.local']
    if inst['ns'] != ns:
        return r.choice(forms[1:])
    return r.choices(forms, [5, 2, 1, 2])[0]


def url(inst, host, db=0, pw=None, scheme=None):
    sch = scheme or ('rediss' if inst['tls'] else 'redis')
    auth = f':{pw}@' if pw else ''
    return f'{sch}://{auth}{host}:{inst["port"]}/{db}'


CUR_NS = [None]


def pw_env(inst, name='REDIS_PASSWORD'):
    if inst.get('secret') and CUR_NS[0] not in (None, inst['ns']):
        # a client in another namespace keeps its own copy of the password
        return [sk(name, f'{inst["secret"][0]}-{inst["ns"]}-copy', 'password')]
    if inst.get('secret'):
        return [sk(name, inst['secret'][0], inst['secret'][1])]
    return []


def hosttag(h):
    if h.endswith('.cluster.local'):
        return 'host-fqdn'
    if '.svc' in h:
        return 'host-ns-svc'
    if '.' in h:
        return 'host-dotted'
    return 'host-short'

# ---------------------------------------------------------------- apps (k8s)

class Ctx:
    def __init__(self, org, ns, inst, name):
        self.org, self.ns, self.inst, self.name = org, ns, inst, name
        self.docs = []
        self.r = org.rng

    def dep(self, kind, name, containers, **kw):
        lbl = kw.pop('labels', None) or {'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': self.name}
        self.docs.append(workload(kind, self.ns, name, lbl, containers, **kw))
        self.org.wl()
        return f'{self.ns}/{kind}/{name}'

    def c(self, cid, tags, inst=None):
        inst = inst or self.inst
        self.org.consumer(cid, inst['rid'], tags + [inst['kind']])

    def la(self, cid, tags):
        self.org.lookalike(cid, tags)

    def flush(self, sub='apps'):
        self.org.write(f'clusters/prod/{self.ns}/{sub}/{self.name}.yaml', ydoc(self.docs))


def app_mastodon(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    data = {'LOCAL_DOMAIN': f'{n}.social.example', 'DB_HOST': f'{n}-postgresql', 'DB_PORT': '5432', 'DB_NAME': 'mastodon_production',
            'REDIS_HOST': h, 'REDIS_PORT': str(i['port']), 'RAILS_ENV': 'production', 'NODE_ENV': 'production',
            'S3_ENABLED': 'false', 'STREAMING_CLUSTER_NUM': '1', 'PREPARED_STATEMENTS': 'true'}
    if i.get('sentinel') and x.r.random() < 0.6:
        s_ = i['sentinel']
        del data['REDIS_HOST'], data['REDIS_PORT']
        sh = host_for(x.org, {**i, 'svc': s_[0]}, ns)
        data['REDIS_SENTINELS'] = ','.join(f'{sh}:{s_[1]}' for _ in range(1))
        data['REDIS_SENTINEL_MASTER'] = s_[2]
        h = sh
    cache = None
    if x.r.random() < 0.3 and x.others:
        cache = x.r.choice(x.others)
        data['CACHE_REDIS_HOST'] = host_for(x.org, cache, ns)
        data['CACHE_REDIS_PORT'] = str(cache['port'])
    x.docs.append(configmap(ns, f'{n}-env', data))
    env = pw_env(i) + ([sk('CACHE_REDIS_PASSWORD', cache['secret'][0], cache['secret'][1])] if cache and cache.get('secret') else [])
    for comp, cmd in [('web', ['bundle', 'exec', 'puma', '-C', 'config/puma.rb']), ('sidekiq-all-queues', ['bundle', 'exec', 'sidekiq', '-c', '25']),
                      ('streaming', ['node', './streaming'])]:
        cid = x.dep('Deployment', f'{n}-{comp}', [ctr(comp, 'ghcr.io/mastodon/mastodon:v4.2.12' if comp != 'streaming' else 'ghcr.io/mastodon/mastodon-streaming:v4.3.0',
                                                      command=cmd, envFrom=[{'configMapRef': {'name': f'{n}-env'}}, {'secretRef': {'name': f'{n}'}}], env=env)])
        x.c(cid, ['mastodon-envFrom-split', hosttag(h)])
        if cache:
            x.c(cid, ['mastodon-cache-redis-split'], cache)
    x.docs.append(secret(ns, n, {'SECRET_KEY_BASE': 'x' * 32, 'OTP_SECRET': 'y' * 32}))
    # the chart's postgres shares nothing; add a job for db migrate that gets the env too
    cid = x.dep('Job' if False else 'CronJob', f'{n}-media-remove', [ctr('media-remove', 'ghcr.io/mastodon/mastodon:v4.2.12',
                command=['bash', '-c', 'bin/tootctl media remove --days 7'], envFrom=[{'configMapRef': {'name': f'{n}-env'}}], env=env)])
    x.c(cid, ['mastodon-envFrom-split', 'cronjob'])
    if cache:
        x.c(cid, ['mastodon-cache-redis-split', 'cronjob'], cache)


def app_nextcloud(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    env = [ev('NEXTCLOUD_TRUSTED_DOMAINS', f'{n}.example.com'), ev('MYSQL_HOST', f'{n}-mariadb'),
           ev('REDIS_HOST', h), ev('REDIS_HOST_PORT', str(i['port']))] + pw_env(i, 'REDIS_HOST_PASSWORD')
    cid = x.dep('Deployment', n, [ctr('nextcloud', 'nextcloud:29.0.4-apache', env=env, ports=[('http', 80)]),
                                  ctr('nextcloud-cron', 'nextcloud:29.0.4-apache', command=['/cron.sh'], env=env)])
    x.c(cid, ['nextcloud-REDIS_HOST_PORT', hosttag(h)])
    # the chart's mariadb gets no redis settings -> not a consumer
    cid = x.dep('StatefulSet', f'{n}-mariadb', [ctr('mariadb', 'docker.io/bitnami/mariadb:11.3.2', env=[ev('MARIADB_DATABASE', 'nextcloud')])])
    x.la(cid, ['lookalike-plain-db'])


def app_airflow(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    pw = i['pw'] or 'airflowredis'
    broker = url(i, h, 0, pw)
    sent = i.get('sentinel') and x.r.random() < 0.6
    if sent:
        sh = host_for(x.org, {**i, 'svc': i['sentinel'][0]}, ns)
        broker = f'sentinel://:{pw}@{sh}:{i["sentinel"][1]}/0'
        h = sh
    style = x.r.choice(['secret', 'cfg', 'secret'])
    x.docs.append(secret(ns, f'{n}-broker-url', {'connection': broker}))
    x.docs.append(secret(ns, f'{n}-metadata', {'connection': f'postgresql://postgres:postgres@{n}-postgresql.{ns}:5432/postgres?sslmode=disable'}))
    cfg = ('[core]\ndags_folder = /opt/airflow/dags\nexecutor = CeleryExecutor\nload_examples = False\n\n[celery]\nflower_url_prefix = \nworker_concurrency = 16\n'
           + (f'broker_url = {broker}\n' if style == 'cfg' else '') +
           '\n[logging]\nremote_logging = False\ncolored_console_log = False\n\n[metrics]\nstatsd_on = True\nstatsd_port = 9125\n\n[webserver]\nenable_proxy_fix = True\n')
    x.docs.append(configmap(ns, f'{n}-config', {'airflow.cfg': cfg, 'airflow_local_settings.py': '\n'}))
    env = ([ev('AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__MASTER_NAME', i['sentinel'][2])] if sent else []) + [ev('AIRFLOW__CORE__FERNET_KEY', 'k'), sk('AIRFLOW__DATABASE__SQL_ALCHEMY_CONN', f'{n}-metadata', 'connection')]
    if style == 'secret':
        env.append(sk('AIRFLOW__CELERY__BROKER_URL', f'{n}-broker-url', 'connection'))
    mounts = [{'name': 'config', 'mountPath': '/opt/airflow/airflow.cfg', 'subPath': 'airflow.cfg', 'readOnly': True}]
    vols = [cmvol('config', f'{n}-config')]
    for kind, comp, args in [('Deployment', 'scheduler', ['bash', '-c', 'exec airflow scheduler']), ('StatefulSet', 'worker', ['bash', '-c', 'exec airflow celery worker']),
                             ('Deployment', 'webserver', ['bash', '-c', 'exec airflow webserver']), ('Deployment', 'flower', ['bash', '-c', 'exec airflow celery flower'])]:
        cid = x.dep(kind, f'{n}-{comp}', [ctr(comp, 'apache/airflow:2.9.3', args=args, env=env, mounts=mounts)], volumes=vols)
        x.c(cid, [f'airflow-broker-{style}', hosttag(h)] + (['airflow-sentinel-broker'] if sent else []))
    # statsd has no redis
    cid = x.dep('Deployment', f'{n}-statsd', [ctr('statsd', 'quay.io/prometheus/statsd-exporter:v0.26.1', args=['--statsd.mapping-config=/etc/statsd-exporter/mappings.yml'])])
    x.la(cid, ['lookalike-plain'])


def app_superset(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    x.docs.append(secret(ns, f'{n}-env', {'REDIS_HOST': h, 'REDIS_PORT': str(i['port']), 'REDIS_PROTO': 'rediss' if i['tls'] else 'redis',
                                           'REDIS_DB': '1', 'REDIS_CELERY_DB': '0', 'DB_HOST': f'{n}-postgresql', 'DB_PORT': '5432', 'DB_USER': 'superset', 'DB_NAME': 'superset'}))
    cfg = ('import os\nfrom flask_caching.backends.rediscache import RedisCache\n\ndef env(key, default=None):\n    return os.getenv(key, default)\n\n'
           'MAPBOX_API_KEY = env(\'MAPBOX_API_KEY\', \'\')\nCACHE_CONFIG = {\n      \'CACHE_TYPE\': \'RedisCache\',\n      \'CACHE_DEFAULT_TIMEOUT\': 300,\n'
           '      \'CACHE_KEY_PREFIX\': \'superset_\',\n      \'CACHE_REDIS_HOST\': env(\'REDIS_HOST\'),\n      \'CACHE_REDIS_PORT\': env(\'REDIS_PORT\'),\n'
           '      \'CACHE_REDIS_PASSWORD\': env(\'REDIS_PASSWORD\', \'\'),\n      \'CACHE_REDIS_DB\': env(\'REDIS_DB\', 1),\n}\nDATA_CACHE_CONFIG = CACHE_CONFIG\n\n'
           'SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg2://{env(\'DB_USER\')}:{env(\'DB_PASS\')}@{env(\'DB_HOST\')}:{env(\'DB_PORT\')}/{env(\'DB_NAME\')}"\n'
           'class CeleryConfig:\n  imports  = ("superset.sql_lab", )\n  broker_url = f"{env(\'REDIS_PROTO\')}://{env(\'REDIS_HOST\')}:{env(\'REDIS_PORT\')}/{env(\'REDIS_CELERY_DB\', 0)}"\n'
           '  result_backend = f"{env(\'REDIS_PROTO\')}://{env(\'REDIS_HOST\')}:{env(\'REDIS_PORT\')}/{env(\'REDIS_CELERY_DB\', 0)}"\n\nCELERY_CONFIG = CeleryConfig\nRESULTS_BACKEND = RedisCache(\n      host=env(\'REDIS_HOST\'),\n      port=env(\'REDIS_PORT\'),\n      key_prefix=\'superset_results\',\n)\n')
    x.docs.append(secret(ns, f'{n}-config', {'superset_config.py': cfg, 'superset_init.sh': '#!/bin/sh\nsuperset db upgrade\n'}))
    mounts = [{'name': 'superset-config', 'mountPath': '/app/pythonpath', 'readOnly': True}]
    vols = [cmvol('superset-config', f'{n}-config', secret_=True)]
    ef = [{'secretRef': {'name': f'{n}-env'}}]
    for comp, cmd in [('', ['/bin/sh', '-c', '. /app/pythonpath/superset_bootstrap.sh; /usr/bin/run-server.sh']),
                      ('-worker', ['/bin/sh', '-c', '. /app/pythonpath/superset_bootstrap.sh; celery --app=superset.tasks.celery_app:app worker'])]:
        cid = x.dep('Deployment', f'{n}{comp}', [ctr('superset', 'apachesuperset.docker.scarf.sh/apache/superset:4.0.2', command=cmd,
                                                     envFrom=ef, env=pw_env(i), mounts=mounts)], volumes=vols)
        x.c(cid, ['superset-secret-envFrom-split', hosttag(h)])
    # bitnami postgresql sharing the env secret -> not a consumer
    cid = x.dep('StatefulSet', f'{n}-postgresql', [ctr('postgresql', 'docker.io/bitnami/postgresql:14.5.0-debian-11-r35', envFrom=ef,
                                                       env=[ev('POSTGRESQL_PORT_NUMBER', '5432')])])
    x.la(cid, ['lookalike-postgres-shares-envFrom'])


def app_outline(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    style = x.r.choice(['ioredis', 'url'])
    if style == 'ioredis':
        opts = {'host': h, 'port': i['port'], 'db': 0}
        if i['pw']:
            opts['password'] = i['pw']
        if i['tls']:
            opts['tls'] = {}
        v = 'ioredis://' + base64.b64encode(json.dumps(opts).encode()).decode()
    else:
        v = url(i, h, 0, i['pw'])
    x.docs.append(secret(ns, f'{n}-secrets', {'SECRET_KEY': 'a' * 64, 'UTILS_SECRET': 'b' * 64, 'REDIS_URL': v,
                                               'DATABASE_URL': f'postgres://outline:pw@{n}-postgres:5432/outline'}))
    cid = x.dep('Deployment', n, [ctr('outline', 'docker.getoutline.com/outlinewiki/outline:0.79.1', envFrom=[{'secretRef': {'name': f'{n}-secrets'}}],
                                      env=[ev('URL', f'https://{n}.example.com'), ev('PORT', '3000'), ev('FILE_STORAGE', 'local')])])
    x.c(cid, [f'outline-{style}', hosttag(h)])


def app_discourse(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    env = [ev('DISCOURSE_HOST', f'{n}.example.com'), ev('DISCOURSE_PORT_NUMBER', '8080'), ev('DISCOURSE_DATABASE_HOST', f'{n}-postgresql'),
           ev('DISCOURSE_DATABASE_PORT_NUMBER', '5432'), ev('DISCOURSE_REDIS_HOST', h), ev('DISCOURSE_REDIS_PORT_NUMBER', str(i['port']))] + pw_env(i, 'DISCOURSE_REDIS_PASSWORD')
    cs = [ctr('discourse', 'docker.io/bitnami/discourse:3.2.1-debian-12-r0', env=env, ports=[('http', 8080)]),
          ctr('sidekiq', 'docker.io/bitnami/discourse:3.2.1-debian-12-r0', command=['/opt/bitnami/scripts/discourse/entrypoint.sh'],
              args=['/opt/bitnami/scripts/discourse-sidekiq/run.sh'], env=env)]
    cid = x.dep('Deployment', n, cs)
    x.c(cid, ['discourse-PORT_NUMBER', hosttag(h)])


def app_zulip(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    env = [ev('DB_HOST', f'{n}-postgresql'), ev('SETTING_MEMCACHED_LOCATION', f'{n}-memcached:11211'), ev('SETTING_RABBITMQ_HOST', f'{n}-rabbitmq'),
           ev('SETTING_REDIS_HOST', h), ev('SETTING_REDIS_PORT', str(i['port'])), ev('SETTING_EXTERNAL_HOST', f'{n}.example.com'),
           ev('SSL_CERTIFICATE_GENERATION', 'self-signed')] + pw_env(i, 'SECRETS_redis_password')
    cid = x.dep('StatefulSet', n, [ctr('zulip', 'ghcr.io/zulip/docker-zulip:9.1-0', env=env, ports=[('http', 80)])])
    x.c(cid, ['zulip-SETTING_', hosttag(h)])
    # rabbitmq: another datastore, no redis settings
    cid = x.dep('StatefulSet', f'{n}-rabbitmq', [ctr('rabbitmq', 'docker.io/bitnami/rabbitmq:3.13.3', env=[ev('RABBITMQ_USERNAME', 'zulip')])])
    x.la(cid, ['lookalike-plain-db'])


def app_posthog(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    env = [ev('SITE_URL', f'https://{n}.example.com'), ev('REDIS_URL', url(i, h, 0)), ev('KAFKA_HOSTS', f'{n}-kafka:9092'),
           ev('CLICKHOUSE_HOST', f'{n}-clickhouse'), ev('DATABASE_URL', f'postgres://posthog:posthog@{n}-postgresql:5432/posthog'),
           ev('CAPTURE_INTERNAL_METRICS', 'true')]
    for comp in ['web', 'worker', 'plugins']:
        cid = x.dep('Deployment', f'{n}-{comp}', [ctr(f'{n}-{comp}', 'posthog/posthog:release-1.43.0', command=['./bin/docker-server' if comp == 'web' else f'./bin/{comp}'], env=env)])
        x.c(cid, ['posthog-REDIS_URL', hosttag(h)])


def app_langfuse(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    style = x.r.choice(['split', 'connstr'])
    if style == 'split':
        env = [ev('REDIS_HOST', h), ev('REDIS_PORT', str(i['port']))] + pw_env(i, 'REDIS_AUTH') + ([ev('REDIS_TLS_ENABLED', 'true')] if i['tls'] else [])
    else:
        env = [ev('REDIS_CONNECTION_STRING', url(i, h, 0, None).replace('://', '://default:$(REDIS_PASSWORD)@') if i['secret'] else url(i, h, 0))]
        env = pw_env(i) + env
    env += [ev('CLICKHOUSE_URL', f'http://{n}-clickhouse:8123'), ev('LANGFUSE_S3_EVENT_UPLOAD_BUCKET', 'langfuse')]
    for comp, img in [('web', 'langfuse/langfuse:3.20.0'), ('worker', 'langfuse/langfuse-worker:3.20.0')]:
        cid = x.dep('Deployment', f'{n}-{comp}', [ctr(f'langfuse-{comp}', img, env=env)])
        x.c(cid, [f'langfuse-{style}', hosttag(h)])


def app_n8n(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    queue = x.r.random() < 0.8
    env = [ev('DB_TYPE', 'postgresdb'), ev('DB_POSTGRESDB_HOST', f'{n}-postgresql'), ev('EXECUTIONS_MODE', 'queue' if queue else 'regular'),
           ev('QUEUE_BULL_REDIS_HOST', h), ev('QUEUE_BULL_REDIS_PORT', str(i['port']))] + pw_env(i, 'QUEUE_BULL_REDIS_PASSWORD')
    if i['tls']:
        env.append(ev('QUEUE_BULL_REDIS_TLS', 'true'))
    comps = ['main', 'worker'] if queue else ['main']
    for comp in comps:
        cid = x.dep('Deployment', f'{n}-{comp}', [ctr('n8n', 'n8nio/n8n:1.64.0', env=env, args=['worker'] if comp == 'worker' else None)])
        if queue:
            x.c(cid, ['n8n-QUEUE_BULL', hosttag(h)])
        else:
            x.la(cid, ['lookalike-semantic-n8n-regular-mode'])


def app_immich(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    x.docs.append(configmap(ns, f'{n}-env', {'DB_HOSTNAME': f'{n}-postgresql', 'DB_USERNAME': 'immich', 'DB_DATABASE_NAME': 'immich',
                                             'REDIS_HOSTNAME': h, 'REDIS_PORT': str(i['port']), 'REDIS_DBINDEX': '0', 'IMMICH_MACHINE_LEARNING_URL': f'http://{n}-machine-learning:3003'}))
    for comp in ['server', 'microservices']:
        cid = x.dep('Deployment', f'{n}-{comp}', [ctr(comp, 'ghcr.io/immich-app/immich-server:v1.106.4', envFrom=[{'configMapRef': {'name': f'{n}-env'}}], env=pw_env(i))])
        x.c(cid, ['immich-REDIS_HOSTNAME', hosttag(h)])
    cid = x.dep('Deployment', f'{n}-machine-learning', [ctr('machine-learning', 'ghcr.io/immich-app/immich-machine-learning:v1.106.4',
                                                            env=[ev('TRANSFORMERS_CACHE', '/cache'), ev('MACHINE_LEARNING_CACHE_FOLDER', '/cache')])])
    x.la(cid, ['lookalike-cache-word'])


def app_paperless(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    env = [ev('PAPERLESS_REDIS', url(i, h, 0)), ev('PAPERLESS_DBHOST', f'{n}-postgresql'), ev('PAPERLESS_URL', f'https://{n}.example.com'),
           ev('PAPERLESS_TIKA_ENABLED', '1'), ev('PAPERLESS_TIKA_ENDPOINT', f'http://{n}-tika:9998')]
    cid = x.dep('Deployment', n, [ctr('paperless', 'ghcr.io/paperless-ngx/paperless-ngx:2.11.6', env=env)])
    x.c(cid, ['paperless-PAPERLESS_REDIS', hosttag(h)])


def app_authentik(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    env = [ev('AUTHENTIK_POSTGRESQL__HOST', f'{n}-postgresql'), ev('AUTHENTIK_POSTGRESQL__NAME', 'authentik'), ev('AUTHENTIK_REDIS__HOST', h),
           ev('AUTHENTIK_REDIS__PORT', str(i['port']))] + pw_env(i, 'AUTHENTIK_REDIS__PASSWORD')
    if i['tls']:
        env.append(ev('AUTHENTIK_REDIS__TLS', 'true'))
    for comp, args in [('server', ['server']), ('worker', ['worker'])]:
        cid = x.dep('Deployment', f'{n}-{comp}', [ctr(comp, 'ghcr.io/goauthentik/server:2024.6.1', args=args, env=env)])
        x.c(cid, ['authentik-double-underscore', hosttag(h)])


def app_harbor(x):
    i, ns, n = x.inst, x.ns, x.name
    own = x.r.random() < 0.5
    docs = x.docs
    if own:
        # harbor's internal redis
        lbl = {'app': 'harbor', 'release': n, 'component': 'redis'}
        docs.append(workload('StatefulSet', ns, f'{n}-redis', lbl, [ctr('redis', 'goharbor/redis-photon:v2.11.0', ports=[('redis', 6379)])], service_name=f'{n}-redis'))
        docs.append(service(ns, f'{n}-redis', lbl, [('redis', 6379, 6379)]))
        x.org.wl()
        x.org.resource(f'{ns}/{n}-redis')
        i = {'rid': f'{ns}/{n}-redis', 'ns': ns, 'svc': f'{n}-redis', 'port': 6379, 'tls': False, 'secret': None, 'kind': 'harbor-internal', 'pw': None}
    h = host_for(x.org, i, ns)
    pwpart = f':{i["pw"]}@' if i['pw'] else ''
    sch = 'rediss' if i['tls'] else 'redis'
    base = f'{sch}://{pwpart}{h}:{i["port"]}'
    core_base = base
    if i.get('sentinel') and x.r.random() < 0.7:
        sh = host_for(x.org, {**i, 'svc': i['sentinel'][0]}, ns)
        core_base = f'redis+sentinel://{pwpart}{sh}:{i["sentinel"][1]}/{i["sentinel"][2]}'
        x.org.routes.setdefault(f'{ns}/Deployment/{n}-core', set()).add('harbor-redis+sentinel')
    docs.append(configmap(ns, f'{n}-core', {'DATABASE_TYPE': 'postgresql', 'POSTGRESQL_HOST': f'{n}-database', 'POSTGRESQL_PORT': '5432',
                                            '_REDIS_URL_CORE': f'{core_base}/0?idle_timeout_seconds=30', '_REDIS_URL_REG': f'{core_base}/2?idle_timeout_seconds=30',
                                            'PORTAL_URL': f'http://{n}-portal', 'REGISTRY_URL': f'http://{n}-registry:5000', 'CACHE_ENABLED': 'false'}))
    cid = x.dep('Deployment', f'{n}-core', [ctr('core', 'goharbor/harbor-core:v2.11.0', envFrom=[{'configMapRef': {'name': f'{n}-core'}}, {'secretRef': {'name': f'{n}-core'}}])])
    x.c(cid, ['harbor-_REDIS_URL_CORE', hosttag(h)] + (['harbor-redis+sentinel'] if core_base != base else []), i)
    jcfg = (f'protocol: "http"\nport: 8080\nworker_pool:\n  workers: 10\n  backend: "redis"\n  redis_pool:\n    redis_url: "{base}/1"\n    namespace: "harbor_job_service_namespace"\n'
            '    idle_timeout_second: 3600\njob_loggers:\n  - name: "FILE"\n    level: INFO\n    settings:\n      base_dir: "/var/log/jobs"\n    sweeper:\n      duration: 14\n      settings:\n        work_dir: "/var/log/jobs"\nmetric:\n  enabled: false\n')
    docs.append(configmap(ns, f'{n}-jobservice', {'config.yml': jcfg}))
    cid = x.dep('Deployment', f'{n}-jobservice', [ctr('jobservice', 'goharbor/harbor-jobservice:v2.11.0',
                                                       mounts=[{'name': 'jobservice-config', 'mountPath': '/etc/jobservice/config.yml', 'subPath': 'config.yml'}])],
                volumes=[cmvol('jobservice-config', f'{n}-jobservice')])
    x.c(cid, ['harbor-jobservice-config.yml'], i)
    pw_line = f'  password: {i["pw"]}\n' if i['pw'] else ''
    rcfg = (f'version: 0.1\nlog:\n  level: info\n  fields:\n    service: registry\nstorage:\n  filesystem:\n    rootdirectory: /storage\n  cache:\n    layerinfo: redis\n'
            f'  maintenance:\n    uploadpurging:\n      enabled: true\nhttp:\n  addr: :5000\n  relativeurls: false\nredis:\n  addr: {h}:{i["port"]}\n{pw_line}  db: 2\n  readtimeout: 10s\n  writetimeout: 10s\n  dialtimeout: 10s\n'
            '  pool:\n    maxidle: 100\n    maxactive: 500\n    idletimeout: 60s\nhealth:\n  storagedriver:\n    enabled: true\n')
    docs.append(configmap(ns, f'{n}-registry', {'config.yml': rcfg, 'ctl-config.yml': '---\nprotocol: "http"\nport: 8080\n'}))
    cid = x.dep('Deployment', f'{n}-registry', [ctr('registry', 'goharbor/registry-photon:v2.11.0',
                                                     mounts=[{'name': 'registry-config', 'mountPath': '/etc/registry/config.yml', 'subPath': 'config.yml'}]),
                                                 ctr('registryctl', 'goharbor/harbor-registryctl:v2.11.0', envFrom=[{'configMapRef': {'name': f'{n}-registryctl'}}])],
                volumes=[cmvol('registry-config', f'{n}-registry')])
    docs.append(configmap(ns, f'{n}-registryctl', {'REGISTRY_HTTP_ADDR': ':5000'}))
    x.c(cid, ['harbor-registry-config.yml-redis.addr'], i)
    cid = x.dep('Deployment', f'{n}-portal', [ctr('portal', 'goharbor/harbor-portal:v2.11.0')])
    x.la(cid, ['lookalike-plain'])
    x.flush()
    x.docs = []


def app_gitlab(x):
    i, ns, n = x.inst, x.ns, x.name
    sentinel = i.get('sentinel')
    h = host_for(x.org, i, ns)
    sch = 'rediss' if i['tls'] else 'redis'
    pwd = '<%= ERB::Util::url_encode(File.read("/etc/gitlab/redis/redis-password").strip.dump[1..-2]) %>'
    if sentinel and x.r.random() < 0.7:
        sh = host_for(x.org, {**i, 'svc': sentinel[0]}, ns)
        resque = f'production:\n  url: {sch}://:{pwd}@{sentinel[2]}\n  id:\n  sentinels:\n    -\n      host: {sh}\n      port: {sentinel[1]}\n'
        tag = 'gitlab-resque-sentinels'
    else:
        resque = f'production:\n  url: {sch}://:{pwd}@{h}:{i["port"]}\n  id:\n'
        tag = 'gitlab-resque-url'
    erb = x.r.random() < 0.5
    key = 'resque.yml.erb' if erb else 'resque.yml'
    data = {key: resque, 'cable.yml.erb' if erb else 'cable.yml': 'production:\n  adapter: redis\n' + resque.split('\n', 1)[1] + '  channel_prefix: gitlab_production\n',
            'gitlab.yml.erb': 'production: &base\n  gitlab:\n    host: gitlab.example.com\n    https: true\n  ## Sidekiq\n  sidekiq:\n    log_format: json\n  gitaly:\n    client_path: /home/git/gitaly/bin\n',
            'configure': 'set -e\nconfig_dir="/init-config"\nsecret_dir="/init-secrets"\nfor secret in shell gitaly registry rails-secrets gitlab-workhorse redis ; do\n  mkdir -p "${secret_dir}/${secret}"\n  cp -v -r -L "${config_dir}/${secret}/." "${secret_dir}/${secret}/"\ndone\n'}
    x.docs.append(configmap(ns, f'{n}-webservice', data))
    mnt = [{'name': 'webservice-config', 'mountPath': '/var/opt/gitlab/templates' if erb else '/srv/gitlab/config/resque.yml', **({} if erb else {'subPath': 'resque.yml'})}]
    vols = [cmvol('webservice-config', f'{n}-webservice')]
    for comp in ['webservice-default', 'sidekiq-all-in-1-v2']:
        cid = x.dep('Deployment', f'{n}-{comp}', [ctr(comp.split('-')[0], f'registry.gitlab.com/gitlab-org/build/cng/gitlab-{comp.split("-")[0]}-ee:v17.1.1',
                                                     env=[ev('GITLAB_HOST', 'gitlab.example.com'), ev('CONFIG_TEMPLATE_DIRECTORY', '/var/opt/gitlab/templates'),
                                                          ev('CONFIG_DIRECTORY', '/srv/gitlab/config')], mounts=mnt)], volumes=vols)
        x.c(cid, [tag, 'gitlab-erb-template' if erb else 'gitlab-mounted-resque.yml', hosttag(h)])


def app_sentry(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    style = x.r.choice(['env', 'configyml', 'sentry.conf.py'])
    if style == 'sentry.conf.py':
        py = ('from sentry.conf.server import *  # NOQA\nimport os\n\nDATABASES = {"default": {"ENGINE": "sentry.db.postgres", "NAME": "postgres", "HOST": "postgres", "PORT": ""}}\n\n'
              '#########\n# Redis #\n#########\n\nSENTRY_OPTIONS["redis.clusters"] = {\n    "default": {\n'
              f'        "hosts": {{0: {{"host": "{h}", "password": "", "port": "{i["port"]}", "db": "0"}}}}\n    }}\n}}\n\n'
              'SENTRY_CACHE = "sentry.cache.redis.RedisCache"\nDEFAULT_KAFKA_OPTIONS = {"bootstrap.servers": "kafka:9092"}\n')
        x.docs.append(configmap(ns, f'{n}-sentry', {'sentry.conf.py': py, 'config.yml': 'system.url-prefix: https://sentry.example.com\nmail.backend: dummy\n'}))
        env = [ev('SNUBA', f'http://{n}-snuba:1218')]
        mounts = [{'name': 'config', 'mountPath': '/etc/sentry', 'readOnly': True}]
        vols = [cmvol('config', f'{n}-sentry')]
    elif style == 'env':
        env = [ev('SENTRY_REDIS_HOST', h), ev('SENTRY_REDIS_PORT', str(i['port'])), ev('SENTRY_POSTGRES_HOST', f'{n}-postgresql'), ev('SNUBA', f'http://{n}-snuba:1218')] + pw_env(i, 'SENTRY_REDIS_PASSWORD')
        mounts, vols = None, None
    else:
        cfg = (f'# No YAML Extension Config Given\nsystem.secret-key: "xxx"\n\n##########\n# Redis #\n##########\nredis.clusters:\n  default:\n    hosts:\n      0:\n'
               f'        host: "{h}"\n        port: {i["port"]}\n        password: "{i["pw"] or ""}"\n\nfilestore.backend: "filesystem"\n')
        x.docs.append(configmap(ns, f'{n}-sentry', {'config.yml': cfg, 'sentry.conf.py': 'from sentry.conf.server import *\nimport os\nSENTRY_CACHE = "sentry.cache.redis.RedisCache"\nDEBUG = False\n'}))
        env = [ev('SNUBA', f'http://{n}-snuba:1218'), ev('C_FORCE_ROOT', 'true')]
        mounts = [{'name': 'config', 'mountPath': '/etc/sentry', 'readOnly': True}]
        vols = [cmvol('config', f'{n}-sentry')]
    for comp, args in [('web', ['run', 'web']), ('worker', ['run', 'worker']), ('cron', ['run', 'cron'])]:
        cid = x.dep('Deployment', f'{n}-{comp}', [ctr(f'sentry-{comp}', 'getsentry/sentry:24.5.1', command=['sentry'], args=args, env=env, mounts=mounts)], volumes=vols)
        x.c(cid, [f'sentry-{style}', hosttag(h)])


def app_rails(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    u = url(i, h, 1)
    style = x.r.choice(['env-cable-fallback', 'cable-literal', 'sidekiq-url'])
    if style == 'env-cable-fallback':
        cable = 'development:\n  adapter: async\n\ntest:\n  adapter: test\n\nproduction:\n  adapter: redis\n  url: <%= ENV.fetch("REDIS_URL") { "redis://localhost:6379/1" } %>\n  channel_prefix: app_production\n'
        env = [ev('RAILS_ENV', 'production'), ev('REDIS_URL', u)]
    elif style == 'cable-literal':
        cable = f'development:\n  adapter: async\n\ntest:\n  adapter: test\n\nproduction:\n  adapter: redis\n  url: {u}\n  channel_prefix: app_production\n'
        env = [ev('RAILS_ENV', 'production')]
    else:
        cable = 'production:\n  adapter: postgresql\n'
        env = [ev('RAILS_ENV', 'production')]
    data = {'cable.yml': cable}
    if style == 'sidekiq-url':
        data['sidekiq.yml'] = f':concurrency: 10\n:queues:\n  - default\n  - mailers\n:redis:\n  url: {u}\n'
    x.docs.append(configmap(ns, f'{n}-config', data))
    mounts = [{'name': 'cfg', 'mountPath': '/rails/config/cable.yml', 'subPath': 'cable.yml'}]
    if style == 'sidekiq-url':
        mounts.append({'name': 'cfg', 'mountPath': '/rails/config/sidekiq.yml', 'subPath': 'sidekiq.yml'})
    cid = x.dep('Deployment', n, [ctr('web', f'registry.example.com/{n}:1.4.2', env=env, mounts=mounts, command=['./bin/rails', 'server'])],
                volumes=[cmvol('cfg', f'{n}-config')])
    x.c(cid, [f'rails-{style}', hosttag(h)])


def app_django(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    sch = 'rediss' if i['tls'] else 'redis'
    settings = ('import os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\nDEBUG = False\nALLOWED_HOSTS = ["*"]\n\n'
                'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "HOST": os.environ.get("DB_HOST", "postgres"),\n        "PORT": 5432,\n    }\n}\n\n'
                'CACHES = {\n    "default": {\n        "BACKEND": "django_redis.cache.RedisCache",\n'
                f'        "LOCATION": "{sch}://{h}:{i["port"]}/1",\n        "OPTIONS": {{\n            "CLIENT_CLASS": "django_redis.client.DefaultClient",\n        }},\n    }}\n}}\n'
                'SESSION_ENGINE = "django.contrib.sessions.backends.cache"\n# CELERY_BROKER_URL = "redis://old-redis:6379/0"\n')
    x.docs.append(configmap(ns, f'{n}-settings', {'settings.py': settings}))
    cid = x.dep('Deployment', n, [ctr('django', f'registry.example.com/{n}:2.0.1', command=['gunicorn', 'mysite.wsgi', '-b', '0.0.0.0:8000'],
                                      env=[ev('DJANGO_SETTINGS_MODULE', 'mysite.settings')],
                                      mounts=[{'name': 'settings', 'mountPath': '/app/mysite/settings.py', 'subPath': 'settings.py'}])],
                volumes=[cmvol('settings', f'{n}-settings')])
    x.c(cid, ['django-CACHES-LOCATION', hosttag(h)])


def app_spring(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    style = x.r.choice(['application.yml', 'env', 'properties'])
    if i.get('sentinel') and x.r.random() < 0.6:
        style = 'sentinel-yml'
        s_ = i['sentinel']
        sh = host_for(x.org, {**i, 'svc': s_[0]}, ns)
        yml = (f'spring:\n  application:\n    name: {n}\n  data:\n    redis:\n      sentinel:\n        master: {s_[2]}\n        nodes:\n          - {sh}:{s_[1]}\n'
               '      password: ${REDIS_PASSWORD}\n')
        x.docs.append(configmap(ns, f'{n}-config', {'application.yml': yml}))
        c = ctr('app', f'registry.example.com/{n}:3.1.0', env=pw_env(i), mounts=[{'name': 'config', 'mountPath': '/workspace/config'}])
        vols = [cmvol('config', f'{n}-config')]
        h = sh
    elif style == 'application.yml':
        yml = (f'server:\n  port: 8080\nspring:\n  application:\n    name: {n}\n  data:\n    redis:\n      host: {h}\n      port: {i["port"]}\n'
               + ('      ssl:\n        enabled: true\n' if i['tls'] else '') + '      password: ${REDIS_PASSWORD:}\n      timeout: 2s\n'
               'management:\n  endpoints:\n    web:\n      exposure:\n        include: health,prometheus\n')
        x.docs.append(configmap(ns, f'{n}-config', {'application.yml': yml}))
        c = ctr('app', f'registry.example.com/{n}:3.1.0', env=pw_env(i), mounts=[{'name': 'config', 'mountPath': '/workspace/config'}])
        vols = [cmvol('config', f'{n}-config')]
    elif style == 'properties':
        props = f'spring.application.name={n}\nspring.redis.host={h}\nspring.redis.port={i["port"]}\n' + ('spring.redis.ssl=true\n' if i['tls'] else '') + 'spring.cache.type=redis\n'
        x.docs.append(configmap(ns, f'{n}-config', {'application.properties': props}))
        c = ctr('app', f'registry.example.com/{n}:2.7.18', mounts=[{'name': 'config', 'mountPath': '/config'}],
                env=[ev('SPRING_CONFIG_ADDITIONAL_LOCATION', 'file:/config/')])
        vols = [cmvol('config', f'{n}-config')]
    else:
        c = ctr('app', f'registry.example.com/{n}:3.2.0', env=[ev('SPRING_PROFILES_ACTIVE', 'prod'), ev('SPRING_DATA_REDIS_HOST', h),
                                                               ev('SPRING_DATA_REDIS_PORT', str(i['port']))] + ([ev('SPRING_DATA_REDIS_SSL_ENABLED', 'true')] if i['tls'] else []) + pw_env(i, 'SPRING_DATA_REDIS_PASSWORD'))
        vols = None
    cid = x.dep('Deployment', n, [c], volumes=vols)
    x.c(cid, [f'spring-{style}', hosttag(h)])


def app_node(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    opts = {'host': h, 'port': i['port'], 'db': 0, 'keyPrefix': f'{n}:', 'maxRetriesPerRequest': 3}
    if i['tls']:
        opts['tls'] = {}
    cfg = json.dumps({'server': {'port': 3000}, 'redis': opts, 'logLevel': 'info'}, indent=2)
    x.docs.append(configmap(ns, f'{n}-config', {'production.json': cfg}))
    cid = x.dep('Deployment', n, [ctr('node', f'registry.example.com/{n}:5.0.0', env=[ev('NODE_ENV', 'production'), ev('NODE_CONFIG_DIR', '/app/config')],
                                      mounts=[{'name': 'config', 'mountPath': '/app/config/production.json', 'subPath': 'production.json'}])],
                volumes=[cmvol('config', f'{n}-config')])
    x.c(cid, ['node-config-ioredis-json', hosttag(h)])


def app_go(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    style = x.r.choice(['env', 'flag'])
    if style == 'env':
        c = ctr('svc', f'registry.example.com/{n}:0.9.3', env=[ev('REDIS_ADDR', f'{h}:{i["port"]}'), ev('HTTP_ADDR', ':8080')] + pw_env(i))
    else:
        c = ctr('svc', f'registry.example.com/{n}:0.9.3', args=['serve', f'--redis-addr={h}:{i["port"]}', '--listen=:8080'])
    cid = x.dep('Deployment', n, [c])
    x.c(cid, [f'go-{style}', hosttag(h)])


def app_dotnet(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    cs = f'{h}:{i["port"]},ssl={"True" if i["tls"] else "False"},abortConnect=False' + (f',password={i["pw"]}' if i['pw'] else '')
    x.docs.append(secret(ns, f'{n}-conn', {'ConnectionStrings__Redis': cs, 'ConnectionStrings__Default': f'Server={n}-sql;Database=app;User Id=sa;'}))
    cid = x.dep('Deployment', n, [ctr('api', f'registry.example.com/{n}:8.0.1', envFrom=[{'secretRef': {'name': f'{n}-conn'}}],
                                      env=[ev('ASPNETCORE_ENVIRONMENT', 'Production'), ev('ASPNETCORE_URLS', 'http://+:8080')])])
    x.c(cid, ['dotnet-stackexchange', hosttag(h)])


def app_laravel(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    dotenv = (f'APP_NAME={n}\nAPP_ENV=production\nAPP_DEBUG=false\nLOG_CHANNEL=stack\n\nDB_CONNECTION=mysql\nDB_HOST={n}-mysql\nDB_PORT=3306\n\n'
              'BROADCAST_DRIVER=log\nCACHE_DRIVER=redis\nQUEUE_CONNECTION=redis\nSESSION_DRIVER=redis\n\nREDIS_CLIENT=phpredis\n'
              f'REDIS_HOST={h}\nREDIS_PASSWORD=null\nREDIS_PORT={i["port"]}\n' + ('REDIS_SCHEME=tls\n' if i['tls'] else ''))
    x.docs.append(secret(ns, f'{n}-dotenv', {'.env': dotenv}))
    mounts = [{'name': 'dotenv', 'mountPath': '/var/www/html/.env', 'subPath': '.env'}]
    vols = [cmvol('dotenv', f'{n}-dotenv', secret_=True)]
    for comp, cmd in [('web', None), ('queue', ['php', 'artisan', 'queue:work', 'redis', '--sleep=3']), ('scheduler', ['php', 'artisan', 'schedule:work'])]:
        cid = x.dep('Deployment', f'{n}-{comp}', [ctr(comp, f'registry.example.com/{n}:11.2.0', command=cmd, mounts=mounts)], volumes=vols)
        x.c(cid, ['laravel-mounted-dotenv', hosttag(h)])


def app_sentinel_client(x):
    i, ns, n = x.inst, x.ns, x.name
    s = i['sentinel']
    sh = host_for(x.org, {**i, 'svc': s[0]}, ns)
    env = [ev('REDIS_SENTINEL_HOSTS', f'{sh}:{s[1]}'), ev('REDIS_SENTINEL_MASTER', s[2])] + pw_env(i)
    cid = x.dep('Deployment', n, [ctr('worker', f'registry.example.com/{n}:1.0.0', env=env)])
    x.c(cid, ['sentinel-client', hosttag(sh)])


def app_backup_cron(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    tls = ' --tls --cacert /certs/ca.crt' if i['tls'] else ''
    img = x.r.choice(['redis:7.2-alpine', 'docker.io/bitnami/redis:7.2'])
    cid = x.dep('CronJob', f'{n}-rdb-backup', [ctr('backup', img, command=['sh', '-c', f'redis-cli -h {h} -p {i["port"]}{tls} --rdb /backup/dump-$(date +%s).rdb && echo done'],
                                               env=pw_env(i, 'REDISCLI_AUTH'))])
    x.c(cid, ['redis-cli-cronjob', hosttag(h)])


def app_exporter(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    cid = x.dep('Deployment', f'{n}-redis-exporter', [ctr('exporter', 'oliver006/redis_exporter:v1.62.0', env=[ev('REDIS_ADDR', url(i, h, 0).rsplit('/', 1)[0])] + pw_env(i),
                                                          ports=[('metrics', 9121)])])
    x.c(cid, ['standalone-exporter-network'])


def app_commander(x):
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    cid = x.dep('Deployment', f'{n}-commander', [ctr('redis-commander', 'ghcr.io/joeferner/redis-commander:0.8.1', env=[ev('REDIS_HOST', h), ev('REDIS_PORT', str(i['port']))] + pw_env(i),
                                                     ports=[('http', 8081)])])
    x.c(cid, ['redis-commander-REDIS_HOST'])


def app_args_wait(x):
    # init container wait-for + app args with short name
    i, ns, n = x.inst, x.ns, x.name
    h = host_for(x.org, i, ns)
    cid = x.dep('Deployment', n, [ctr('app', f'registry.example.com/{n}:2.2.0', args=['--cache-host', h, '--cache-port', str(i['port']), '--http-port', '8080'])],
                init=[ctr('wait-for-cache', 'busybox:1.36', command=['sh', '-c', f'until nc -z {h} {i["port"]}; do echo waiting; sleep 2; done'])])
    x.c(cid, ['args-cache-host-and-nc-probe', hosttag(h)])


# ------------------------------------------------ look-alikes (k8s)

def la_prometheus(org, ns, insts, n):
    x = Ctx(org, ns, None, n)
    targets = [f'{inst["svc"].rsplit("-", 1)[0]}-metrics.{ns}.svc:9121' for inst in insts if inst['kind'].startswith('bitnami') and inst['kind'] != 'bitnami-replicas']
    semantic = org.rng.random() < 0.3
    cfg = ('global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: redis-exporter\n    static_configs:\n      - targets:\n'
           + ''.join(f'          - {t}\n' for t in targets or ['localhost:9090']) +
           '  - job_name: kubernetes-pods\n    kubernetes_sd_configs:\n      - role: pod\n    relabel_configs:\n      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]\n        action: keep\n        regex: true\n')
    if semantic:
        real = [inst for inst in insts if inst.get('svc')]
        if real:
            cfg += ('  - job_name: redis_exporter_targets\n    static_configs:\n      - targets:\n'
                    + ''.join(f'        - redis://{inst["svc"]}.{inst["ns"]}:{inst["port"]}\n' for inst in real) +
                    '    metrics_path: /scrape\n    relabel_configs:\n      - source_labels: [__address__]\n        target_label: __param_target\n'
                    '      - source_labels: [__param_target]\n        target_label: instance\n      - target_label: __address__\n'
                    f'        replacement: {n}-redis-exporter:9121\n')
    x.docs.append(configmap(ns, f'{n}-server', {'prometheus.yml': cfg, 'alerting_rules.yml': 'groups:\n  - name: redis\n    rules:\n      - alert: RedisDown\n        expr: redis_up == 0\n'}))
    cid = x.dep('Deployment', f'{n}-server', [ctr('prometheus-server', 'quay.io/prometheus/prometheus:v2.53.1', args=['--config.file=/etc/config/prometheus.yml', '--storage.tsdb.path=/data'],
                                                 mounts=[{'name': 'config-volume', 'mountPath': '/etc/config'}])],
                volumes=[cmvol('config-volume', f'{n}-server')])
    x.la(cid, ['lookalike-semantic-prom-multitarget' if semantic else 'lookalike-prometheus-scrape-metrics'])
    x.flush('monitoring')


def la_misc(org, ns, insts, n):
    x = Ctx(org, ns, None, n)
    r = org.rng
    inst = r.choice([i for i in insts if i.get('svc')] or insts)
    h = host_for(org, inst, ns)
    kind = r.choice(['disabled', 'readme', 'otherdb', 'postgres-envfrom', 'words'])
    if kind == 'disabled':
        env = [ev('CACHE_REDIS_ENABLED', 'false'), ev('CACHE_REDIS_HOST', h), ev('CACHE_REDIS_PORT', str(inst['port'])), ev('CACHE_BACKEND', 'memory')]
        cid = x.dep('Deployment', n, [ctr('app', f'registry.example.com/{n}:1.0', env=env)])
        x.la(cid, ['lookalike-ENABLED-false'])
    elif kind == 'readme':
        x.docs.append(configmap(ns, f'{n}-docs', {'README.md': f'# {n}\n\nThis service used to talk to `redis://{h}:{inst["port"]}/0` but no longer does.\n',
                                                  'app.yaml': f'server:\n  port: 8080\n# cache:\n#   redis_url: redis://{h}:{inst["port"]}/0\ncache:\n  backend: inmemory\n'}))
        cid = x.dep('Deployment', n, [ctr('app', f'registry.example.com/{n}:1.0', mounts=[{'name': 'docs', 'mountPath': '/etc/app'}])],
                    volumes=[cmvol('docs', f'{n}-docs')])
        x.la(cid, ['lookalike-readme-and-comment'])
    elif kind == 'otherdb':
        env = [ev('DATABASE_HOST', f'redis-audit-{n}'), ev('DATABASE_PORT', '5432'), ev('SESSION_STORE', 'cookie'),
               ev('CELERY_RESULT_BACKEND', f'db+postgresql://celery:pw@{n}-pg:5432/results'), ev('RATE_LIMIT_BACKEND', 'memory')]
        cid = x.dep('Deployment', n, [ctr('app', f'registry.example.com/{n}:1.0', env=env)])
        x.la(cid, ['lookalike-other-datastore-names'])
    elif kind == 'postgres-envfrom':
        x.docs.append(configmap(ns, f'{n}-shared', {'REDIS_HOST': h, 'REDIS_PORT': str(inst['port']), 'POSTGRES_DB': 'app'}))
        cid = x.dep('StatefulSet', f'{n}-db', [ctr('postgres', 'postgres:16.3', envFrom=[{'configMapRef': {'name': f'{n}-shared'}}])])
        x.la(cid, ['lookalike-postgres-shares-envFrom'])
        cid = x.dep('Deployment', f'{n}-api', [ctr('api', f'registry.example.com/{n}:1.0', envFrom=[{'configMapRef': {'name': f'{n}-shared'}}])])
        org.consumer(cid, inst['rid'], ['generic-envFrom-split', hosttag(h), inst['kind']])
    else:
        env = [ev('REDIS_EXPORTER_LOG_FORMAT', 'json'), ev('FEATURE_REDIS_MIGRATION_DONE', 'true'), ev('REDIS_CLIENT', 'phpredis'),
               ev('CACHE_PREFIX', 'redis_'), ev('QUEUE_DRIVER', 'sync')]
        cid = x.dep('Deployment', n, [ctr('app', f'registry.example.com/{n}-redis-tools:1.0', env=env)])
        x.la(cid, ['lookalike-redis-words'])
    x.flush()


# ------------------------------------------------ Argo CD per namespace

def argocd(org, ns, insts):
    r = org.rng
    docs = []
    mode = r.choice(['default', 'ha', 'external'])
    docs.append(secret(ns, 'argocd-redis', {'auth': 'argopw' + str(r.randint(100, 999))}))
    params = {'server.insecure': 'true', 'reposerver.parallelism.limit': '0'}
    if mode == 'default':
        lbl = {'app.kubernetes.io/name': 'argocd-redis'}
        docs.append(workload('Deployment', ns, 'argocd-redis', lbl,
                             [ctr('redis', 'public.ecr.aws/docker/library/redis:7.0.15-alpine', args=['--save', '', '--appendonly', 'no', '--requirepass $(REDIS_PASSWORD)'],
                                  env=[sk('REDIS_PASSWORD', 'argocd-redis', 'auth')], ports=[('redis', 6379)])]))
        docs.append(service(ns, 'argocd-redis', lbl, [('tcp-redis', 6379, 6379)]))
        org.wl()
        org.resource(f'{ns}/argocd-redis')
        target = f'{ns}/argocd-redis'
        tags = ['argocd-default-compiled-in', 'shared-secret-only']
    elif mode == 'ha':
        inst = redis_ha(org, ns, 'argocd-redis-ha', secret_=('argocd-redis', 'auth'))
        params['redis.server'] = 'argocd-redis-ha-haproxy:6379'
        target = inst['rid']
        tags = ['argocd-cmd-params-redis.server', 'via-haproxy']
    else:
        inst = r.choice(insts)
        h = host_for(org, inst, ns)
        params['redis.server'] = f'{h}:{inst["port"]}'
        target = inst['rid']
        tags = ['argocd-cmd-params-redis.server', hosttag(h), inst['kind']]
    renv = [cmk('REDIS_SERVER', 'argocd-cmd-params-cm', 'redis.server', True), cmk('REDIS_COMPRESSION', 'argocd-cmd-params-cm', 'redis.compression', True),
            cmk('REDISDB', 'argocd-cmd-params-cm', 'redis.db', True), sk('REDIS_USERNAME', 'argocd-redis', 'redis-username', True),
            sk('REDIS_PASSWORD', 'argocd-redis', 'auth')]
    if mode != 'default' and r.random() < 0.4:
        # redis address given as the --redis flag instead of the ConfigMap
        flag = ['--redis', params.pop('redis.server')]
        tags = tags + ['argocd---redis-flag']
    else:
        flag = []
    for kind, name, cmd in [('Deployment', 'argocd-server', ['argocd-server']), ('Deployment', 'argocd-repo-server', ['sh', '-c', 'entrypoint.sh argocd-repo-server']),
                            ('StatefulSet', 'argocd-application-controller', ['argocd-application-controller'])]:
        docs.append(workload(kind, ns, name, {'app.kubernetes.io/name': name}, [ctr(name.replace('argocd-', ''), 'quay.io/argoproj/argocd:v2.11.3', args=cmd + flag, env=renv)]))
        org.wl()
        org.consumer(f'{ns}/{kind}/{name}', target, tags)
    docs.append(configmap(ns, 'argocd-cmd-params-cm', params))
    for name in ['argocd-dex-server', 'argocd-notifications-controller', 'argocd-applicationset-controller']:
        docs.append(workload('Deployment', ns, name, {'app.kubernetes.io/name': name}, [ctr(name.replace('argocd-', ''), 'quay.io/argoproj/argocd:v2.11.3', args=[name])]))
        org.wl()
        org.lookalike(f'{ns}/Deployment/{name}', ['lookalike-argocd-no-redis'])
    org.write(f'clusters/prod/{ns}/argocd/install.yaml', ydoc(docs))


# ------------------------------------------------ compose projects

def compose_project(org, idx):
    r = org.rng
    proj = f'compose/{r.choice(WORDS)}-{idx}'
    kind = r.choice(['paperless', 'generic', 'sentry-like', 'immich', 'omnibus'])
    f = f'{proj}/docker-compose.yml'
    if kind == 'immich':
        yml = ('name: immich\n\nservices:\n  immich-server:\n    container_name: immich_server\n    image: ghcr.io/immich-app/immich-server:${IMMICH_VERSION:-release}\n'
               '    volumes:\n      - ${UPLOAD_LOCATION}:/usr/src/app/upload\n    env_file:\n      - .env\n    ports:\n      - "2283:2283"\n    depends_on:\n      - redis\n      - database\n\n'
               '  immich-machine-learning:\n    container_name: immich_machine_learning\n    image: ghcr.io/immich-app/immich-machine-learning:${IMMICH_VERSION:-release}\n    env_file:\n      - .env\n\n'
               '  redis:\n    container_name: immich_redis\n    image: docker.io/valkey/valkey:8-bookworm@sha256:42cba146593a5ea9a622002c1b7cba5da7be248650cbb64ecb9c6c33d29794b1\n'
               '    healthcheck:\n      test: redis-cli ping || exit 1\n\n'
               '  database:\n    container_name: immich_postgres\n    image: ghcr.io/immich-app/postgres:14-vectorchord0.3.0-pgvectors0.2.0\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n')
        org.write(f, yml)
        org.write(f'{proj}/.env', 'UPLOAD_LOCATION=./library\nIMMICH_VERSION=release\nDB_PASSWORD=postgres\nDB_USERNAME=postgres\nDB_DATABASE_NAME=immich\n')
        org.resource(f'{f}#redis')
        # immich-server connects to REDIS_HOSTNAME's compiled-in default `redis`
        org.consumer(f'{f}#immich-server', f'{f}#redis', ['compose-immich-default-host', 'depends_on-only'])
        org.lookalike(f'{f}#immich-machine-learning', ['lookalike-plain'])
        org.lookalike(f'{f}#database', ['lookalike-compose-db'])
        org.wl(4)
    elif kind == 'omnibus':
        yml = ('services:\n  gitlab:\n    image: gitlab/gitlab-ee:17.1.1-ee.0\n    hostname: gitlab.example.com\n    environment:\n      GITLAB_OMNIBUS_CONFIG: |\n'
               "        external_url 'https://gitlab.example.com'\n        redis['enable'] = false\n        gitlab_rails['redis_host'] = 'gitlab-redis'\n        gitlab_rails['redis_port'] = 6379\n"
               "        postgresql['enable'] = true\n    depends_on: [gitlab-redis]\n\n  gitlab-redis:\n    image: redis:7.2.5-alpine@sha256:0389bb8416d7c6ed065c25745179bf5d358e5d9472dd30a687ab36ffbb650262\n"
               '    command: ["redis-server", "--appendonly", "yes"]\n\n  runner:\n    image: gitlab/gitlab-runner:alpine\n    volumes:\n      - ./runner:/etc/gitlab-runner\n')
        org.write(f, yml)
        org.resource(f'{f}#gitlab-redis')
        org.consumer(f'{f}#gitlab', f'{f}#gitlab-redis', ['compose-gitlab-omnibus'])
        org.lookalike(f'{f}#runner', ['lookalike-plain'])
        org.wl(3)
    elif kind == 'paperless':
        yml = ('services:\n  broker:\n    image: docker.io/library/redis:7\n    restart: unless-stopped\n    volumes:\n      - redisdata:/data\n\n'
               '  db:\n    image: docker.io/library/postgres:16\n    env_file: docker-compose.env\n\n'
               '  webserver:\n    image: ghcr.io/paperless-ngx/paperless-ngx:latest\n    depends_on:\n      - db\n      - broker\n    env_file: docker-compose.env\n'
               '    environment:\n      PAPERLESS_REDIS: redis://broker:6379\n      PAPERLESS_DBHOST: db\n\nvolumes:\n  redisdata:\n')
        org.write(f, yml)
        org.write(f'{proj}/docker-compose.env', 'USERMAP_UID=1000\nPAPERLESS_TIME_ZONE=Europe/Berlin\nPAPERLESS_OCR_LANGUAGE=deu\n')
        org.resource(f'{f}#broker')
        org.consumer(f'{f}#webserver', f'{f}#broker', ['compose-literal'])
        org.lookalike(f'{f}#db', ['lookalike-compose-db'])
        org.wl(3)
    elif kind == 'generic':
        cname = r.choice(['cache', 'kv', 'valkey', 'queue-store'])
        port = r.choice([6379, 6380])
        img = r.choice(['valkey/valkey:8-alpine', 'redis:7.2-alpine', 'bitnami/redis:7.2'])
        if img.startswith('bitnami'):
            srv = f'    image: {img}\n    environment:\n      ALLOW_EMPTY_PASSWORD: "yes"\n      REDIS_PORT_NUMBER: "{port}"\n'
        else:
            srv = f'    image: {img}\n    command: ["{"valkey" if "valkey" in img else "redis"}-server", "--port", "{port}"]\n'
        yml = (f'name: {proj.split("/")[1]}\nservices:\n  {cname}:\n{srv}    healthcheck:\n      test: ["CMD", "redis-cli", "-p", "{port}", "ping"]\n\n'
               '  web:\n    build: .\n    env_file:\n      - ./app.env\n    environment:\n      CACHE_URL: "redis://${CACHE_HOST:-' + cname + '}:${CACHE_PORT:-' + str(port) + '}/0"\n'
               f'    depends_on: [{cname}]\n\n'
               '  worker:\n    build: .\n    command: ["celery", "-A", "app", "worker"]\n    env_file: ./app.env\n\n'
               '  db:\n    image: postgres:16-alpine\n    env_file: ./app.env\n\n'
               '  mailhog:\n    image: mailhog/mailhog:v1.0.1\n')
        org.write(f, yml)
        org.write(f'{proj}/.env', f'CACHE_PORT={port}\nCOMPOSE_PROJECT_NAME={proj.split("/")[1]}\n')
        org.write(f'{proj}/app.env', f'# shared by web, worker and db\nPOSTGRES_PASSWORD=postgres\nCELERY_BROKER_URL=redis://{cname}:{port}/1\nREDIS_HOST={cname}\nREDIS_PORT={port}\n')
        org.write(f'{proj}/Dockerfile', 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . /app\n')
        org.write(f'{proj}/requirements.txt', 'celery[redis]==5.4.0\nredis==5.0.7\n')
        org.resource(f'{f}#{cname}')
        for s in ['web', 'worker']:
            org.consumer(f'{f}#{s}', f'{f}#{cname}', ['compose-interp-env_file'])
        org.lookalike(f'{f}#db', ['lookalike-compose-db-shares-env_file'])
        org.lookalike(f'{f}#mailhog', ['lookalike-plain'])
        org.wl(5)
    else:
        yml = ('x-sentry-defaults: &sentry_defaults\n  image: getsentry/sentry:24.5.1\n  environment:\n    SENTRY_REDIS_HOST: ${SENTRY_REDIS_HOST:-redis}\n'
               '    SENTRY_REDIS_PORT: ${SENTRY_REDIS_PORT:-6379}\n    SENTRY_POSTGRES_HOST: postgres\n  depends_on:\n    - redis\n    - postgres\n\n'
               'services:\n  redis:\n    image: redis:6.2.14-alpine\n    volumes:\n      - sentry-redis:/data\n'
               '  postgres:\n    image: postgres:14.11-alpine\n'
               '  web:\n    <<: *sentry_defaults\n    command: run web\n'
               '  worker:\n    <<: *sentry_defaults\n    command: run worker\n'
               '  cron:\n    <<: *sentry_defaults\n    command: run cron\nvolumes:\n  sentry-redis:\n')
        org.write(f, yml)
        org.resource(f'{f}#redis')
        for s in ['web', 'worker', 'cron']:
            org.consumer(f'{f}#{s}', f'{f}#redis', ['compose-yaml-anchor-merge-default'])
        org.lookalike(f'{f}#postgres', ['lookalike-compose-db'])
        org.wl(5)


# ------------------------------------------------ app repos (config files only)

def app_repo(org, idx, pool):
    r = org.rng
    inst = r.choice(pool)
    name = f'{r.choice(WORDS)}-{r.choice(["svc", "api", "worker", "web"])}-{idx}'
    d = f'repos/{name}'
    if inst.get('svc'):
        h = f'{inst["svc"]}.{inst["ns"]}.svc.cluster.local'
    else:
        h = inst['rid']
    sch = 'rediss' if inst['tls'] else 'redis'
    kind = r.choice(['rails', 'spring', 'node', 'django', 'laravel', 'go', 'dotnet', 'example-only'])
    aid = f'app:{d}'
    tags = [f'repo-{kind}', inst['kind']]
    if kind == 'rails':
        org.write(f'{d}/Gemfile', "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'redis', '~> 5.0'\n")
        org.write(f'{d}/config/cable.yml', f'development:\n  adapter: async\n\ntest:\n  adapter: test\n\nproduction:\n  adapter: redis\n  url: <%= ENV.fetch("REDIS_URL") {{ "{sch}://{h}:{inst["port"]}/1" }} %>\n  channel_prefix: {name}_production\n')
        tags.append('erb-fallback-inferred')
    elif kind == 'spring':
        org.write(f'{d}/pom.xml', '<project><artifactId>x</artifactId><dependencies><dependency><artifactId>spring-boot-starter-data-redis</artifactId></dependency></dependencies></project>\n')
        org.write(f'{d}/src/main/resources/application.yml', f'spring:\n  data:\n    redis:\n      host: {h}\n      port: {inst["port"]}\n' + ('      ssl:\n        enabled: true\n' if inst['tls'] else ''))
    elif kind == 'node':
        org.write(f'{d}/package.json', json.dumps({'name': name, 'dependencies': {'ioredis': '^5.4.1', 'config': '^3.3.12'}}, indent=2))
        org.write(f'{d}/config/default.json', json.dumps({'redis': {'host': h, 'port': inst['port'], **({'tls': {}} if inst['tls'] else {})}}, indent=2))
    elif kind == 'django':
        org.write(f'{d}/requirements.txt', 'Django==5.0.7\ndjango-redis==5.4.0\n')
        org.write(f'{d}/mysite/settings.py', f'CACHES = {{\n    "default": {{\n        "BACKEND": "django_redis.cache.RedisCache",\n        "LOCATION": "{sch}://{h}:{inst["port"]}/1",\n    }}\n}}\n')
    elif kind == 'laravel':
        org.write(f'{d}/composer.json', json.dumps({'require': {'laravel/framework': '^11.0', 'predis/predis': '^2.0'}}))
        org.write(f'{d}/.env', f'APP_ENV=production\nCACHE_STORE=redis\nREDIS_CLIENT=phpredis\nREDIS_HOST={h}\nREDIS_PASSWORD=null\nREDIS_PORT={inst["port"]}\n' + ('REDIS_SCHEME=tls\n' if inst['tls'] else ''))
        org.write(f'{d}/.env.example', 'REDIS_HOST=127.0.0.1\nREDIS_PASSWORD=null\nREDIS_PORT=6379\n')
    elif kind == 'go':
        org.write(f'{d}/go.mod', f'module example.com/{name}\n\ngo 1.22\n\nrequire github.com/redis/go-redis/v9 v9.5.3\n')
        org.write(f'{d}/config.yaml', f'http:\n  listen: ":8080"\nredis:\n  addr: {h}:{inst["port"]}\n  db: 0\n')
    elif kind == 'dotnet':
        org.write(f'{d}/Api.csproj', '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>\n')
        org.write(f'{d}/Dockerfile', 'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY . /app\n')
        org.write(f'{d}/appsettings.json', json.dumps({'ConnectionStrings': {'Redis': f'{h}:{inst["port"]},ssl={"true" if inst["tls"] else "false"},abortConnect=false'},
                                                         'Logging': {'LogLevel': {'Default': 'Information'}}}, indent=2))
    else:
        org.write(f'{d}/package.json', json.dumps({'name': name, 'dependencies': {'redis': '^4.6.0'}}))
        org.write(f'{d}/.env.example', f'REDIS_URL={sch}://{h}:{inst["port"]}/0\n')
        org.write(f'{d}/README.md', f'Set REDIS_URL, e.g. `redis://{h}:{inst["port"]}/0`.\n')
        org.lookalike(aid, ['lookalike-example-only-repo'])
        org.wl()
        return
    org.consumer(aid, inst['rid'], tags)
    org.wl()


# ---------------------------------------------------------------- driver

K8S_APPS = [(app_mastodon, 3), (app_nextcloud, 3), (app_airflow, 2), (app_superset, 2), (app_outline, 3), (app_discourse, 3), (app_zulip, 2),
            (app_posthog, 2), (app_langfuse, 3), (app_n8n, 3), (app_immich, 3), (app_paperless, 3), (app_authentik, 3), (app_harbor, 2),
            (app_gitlab, 2), (app_sentry, 3), (app_rails, 4), (app_django, 4), (app_spring, 5), (app_node, 4), (app_go, 4), (app_dotnet, 3),
            (app_laravel, 3), (app_backup_cron, 2), (app_exporter, 1), (app_commander, 1), (app_args_wait, 3)]


def make_namespace(org, k, all_insts):
    r = org.rng
    ns = f'{r.choice(WORDS)}-{r.choice(["payments", "search", "media", "platform", "growth", "ops", "data", "web"])}-{k}'
    insts = []
    used = set()
    for j in range(r.choice([1, 2, 2, 3])):
        rel = r.choice(REDIS_RELS)
        while rel in used:
            rel = r.choice(REDIS_RELS) + str(r.randint(2, 9))
        used.add(rel)
        t = r.choices(['bn-standalone', 'bn-replication', 'bn-sentinel', 'bn-tls', 'bn-valkey', 'ha', 'plain', 'extname'], [4, 3, 2, 2, 2, 1, 4, 2])[0]
        if t == 'bn-standalone':
            insts += bitnami_redis(org, ns, rel)
        elif t == 'bn-replication':
            insts += bitnami_redis(org, ns, rel, 'replication')
        elif t == 'bn-sentinel':
            insts += bitnami_redis(org, ns, rel, 'sentinel')
        elif t == 'bn-tls':
            insts += bitnami_redis(org, ns, rel, 'standalone', tls=True)
        elif t == 'bn-valkey':
            insts += bitnami_redis(org, ns, rel, 'standalone', valkey=True)
        elif t == 'ha':
            insts.append(redis_ha(org, ns, rel))
        elif t == 'plain':
            ik = r.choice(['redis', 'valkey', 'dragonfly'])
            sts = rel if r.random() < 0.5 else f'{rel}-{ik}'
            insts.append(plain_redis(org, ns, sts, rel, ik))
        else:
            host, tls = cloud_host(r)
            insts.append(external_redis(org, ns, rel, host, tls))
    return ns, insts


def main():
    out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    org = Org(out, n, seed)
    r = org.rng
    all_insts = []
    k = 0
    names_used = set()
    while org.nwl < n:
        k += 1
        ns, insts = make_namespace(org, k, all_insts)
        if r.random() < 0.15:
            host, tls = cloud_host(r)
            insts_direct = [{'rid': host, 'ns': ns, 'svc': None, 'port': 6380 if tls else 6379, 'tls': tls, 'secret': None, 'kind': 'direct-external', 'pw': None}]
            org.resource(host)
        else:
            insts_direct = []
        if r.random() < 0.08:
            argocd(org, ns, insts)
        napps = r.randint(5, 12)
        for a in range(napps):
            fn = r.choices([f for f, _ in K8S_APPS], [w for _, w in K8S_APPS])[0]
            pool = insts + insts_direct
            if fn is app_sentinel_client:
                pass
            inst = r.choice(pool)
            if all_insts and r.random() < 0.1:
                inst = r.choice(all_insts)
            if fn is app_gitlab or r.random() < 0.05:
                sent = [i for i in insts if i.get('sentinel')]
                if sent and fn is not app_gitlab:
                    fn = app_sentinel_client
                    inst = r.choice(sent)
            base = fn.__name__[4:].replace('_', '-')
            name = f'{base}-{r.choice(WORDS)}'
            while (ns, name) in names_used:
                name = f'{base}-{r.choice(WORDS)}{r.randint(2, 99)}'
            names_used.add((ns, name))
            x = Ctx(org, ns, inst, name)
            CUR_NS[0] = ns
            x.others = [i for i in insts if i is not inst and i.get('svc')]
            fn(x)
            if x.docs:
                x.flush()
        if r.random() < 0.5:
            la_prometheus(org, ns, insts, f'prometheus-{k}')
        for m in range(r.randint(0, 2)):
            la_misc(org, ns, insts + insts_direct, f'misc-{m}-{r.choice(WORDS)}')
        all_insts += [i for i in insts]
        if r.random() < 0.12:
            compose_project(org, k)
        if r.random() < 0.2:
            app_repo(org, k, insts + insts_direct)
    org.dump()
    print(f'workloads={org.nwl} files={org.files} consumers={len(org.consumers)} lookalikes={len(org.lookalikes)} resources={len(org.resources)}', file=sys.stderr)


if __name__ == '__main__':
    main()
