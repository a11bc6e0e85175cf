#!/usr/bin/env python3
"""Independent synthetic-organisation generator for testing `fallout`.

Writes a GitOps-style repository of Kubernetes manifests for N workloads
(deterministic for a seed) and a truth file:

  {"consumers": {"ns/Kind/name": ["redis-id", ...]},
   "lookalikes": ["ns/Kind/name", ...],        # must NOT be consumers
   "resources": {"redis-id": {...}},           # expected Redis resources
   "non_resources": ["ns/name", ...],          # redis-ish images that are not servers
   "routes": {"ns/Kind/name": ["route", ...]}} # how each consumer reaches Redis

Redis ids: "ns/workload" for in-cluster servers, the host for managed ones.

Usage: gen.py --workloads N --out DIR [--seed S] [--truth FILE]
"""
import argparse
import base64
import json
import os
import random
import re
import shutil

# ----------------------------------------------------------------------------
# tiny YAML emitter (stdlib has none)
# ----------------------------------------------------------------------------
_PLAIN = re.compile(r'^[A-Za-z/_][A-Za-z0-9_./@%+=,:~-]*$')
_RESERVED = {'y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', '~'}


def yscalar(v, style):
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    if v is None:
        return 'null'
    s = str(v)
    if (_PLAIN.match(s) and s.lower() not in _RESERVED and not s.endswith(':')
            and ': ' not in s and ' #' not in s):
        return s
    if style.get('squote') and "'" not in s and '\\' not in s and '\n' not in s:
        return "'" + s + "'"
    return json.dumps(s)


def ykey(k):
    k = str(k)
    if re.match(r'^[A-Za-z0-9_./-]+$', k) and k.lower() not in _RESERVED and not re.match(r'^[0-9.]+$', k):
        return k
    return json.dumps(k)


def emit(v, ind, style):
    """Emit a mapping (or list) at indentation ind; returns list of lines."""
    pad = ' ' * ind
    out = []
    if isinstance(v, dict):
        for k, val in v.items():
            kk = ykey(k)
            if isinstance(val, str) and '\n' in val:
                chomp = '' if val.endswith('\n') else '-'
                out.append(f'{pad}{kk}: |{chomp}')
                body = val[:-1] if val.endswith('\n') else val
                for ln in body.split('\n'):
                    out.append((pad + '  ' + ln) if ln else '')
            elif isinstance(val, dict):
                if not val:
                    out.append(f'{pad}{kk}: {{}}')
                else:
                    out.append(f'{pad}{kk}:')
                    out.extend(emit(val, ind + 2, style))
            elif isinstance(val, list):
                if not val:
                    out.append(f'{pad}{kk}: []')
                else:
                    out.append(f'{pad}{kk}:')
                    li = ind + (2 if style.get('indent_lists') else 0)
                    out.extend(emit(val, li, style))
            else:
                out.append(f'{pad}{kk}: {yscalar(val, style)}')
    elif isinstance(v, list):
        for item in v:
            if isinstance(item, dict) and item:
                sub = emit(item, ind + 2, style)
                sub[0] = pad + '- ' + sub[0][ind + 2:]
                out.extend(sub)
            elif isinstance(item, list):
                raise ValueError('nested list')
            else:
                if isinstance(item, str) and '\n' in item:
                    out.append(pad + '- ' + json.dumps(item))
                else:
                    out.append(pad + '- ' + yscalar(item, style))
    return out


def to_yaml(obj, style):
    return '\n'.join(emit(obj, 0, style)) + '\n'


def b64(s):
    return base64.b64encode(s.encode()).decode()


# ----------------------------------------------------------------------------
# vocabulary
# ----------------------------------------------------------------------------
DEPTS = ['payments', 'growth', 'search', 'logistics', 'identity', 'media', 'ads',
         'support', 'catalog', 'risk', 'messaging', 'analytics', 'billing', 'mobile']
TEAM_WORDS = ['ledger', 'checkout', 'refunds', 'ranking', 'indexer', 'routing', 'fleet',
              'auth', 'profile', 'upload', 'thumbs', 'bidder', 'pacing', 'tickets', 'chat',
              'inventory', 'pricing', 'fraud', 'scoring', 'push', 'email', 'events',
              'reports', 'invoices', 'wallet', 'carts', 'reviews', 'geo', 'sso', 'consent',
              'feeds', 'offers', 'loyalty', 'tracking', 'dispatch', 'quotes', 'tax', 'kyc']
APP_NOUNS = ['api', 'worker', 'gateway', 'consumer', 'scheduler', 'web', 'frontend', 'bff',
             'sync', 'importer', 'exporter-job', 'notifier', 'processor', 'aggregator',
             'resolver', 'proxy', 'ingest', 'writer', 'reader', 'router', 'compactor',
             'janitor', 'sweeper', 'backfill', 'reconciler', 'dispatcher', 'webhook',
             'admin', 'graphql', 'grpc', 'stream', 'batch', 'poller', 'publisher']
REDIS_ROLES = ['sessions', 'cache', 'ratelimit', 'queue', 'locks', 'leaderboard',
               'features', 'presence', 'dedupe', 'tokens', 'carts', 'jobs']
REGISTRIES = ['registry.acme.internal', 'ghcr.io/acme-corp', '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
              'europe-docker.pkg.dev/acme-prod/apps']


class Ctx:
    def __init__(self, rng, n):
        self.rng = rng
        self.n = n
        self.files = {}            # path -> text
        self.truth = {}            # consumer id -> set of redis ids
        self.routes = {}           # consumer id -> set of routes
        self.link_routes = {}      # consumer id -> {target: [routes]}
        self.lookalikes = set()
        self.resources = {}        # id -> desc
        self.non_resources = set()
        self.written = 0           # workload objects written
        self.counts = {}

    def count(self, k, d=1):
        self.counts[k] = self.counts.get(k, 0) + d

    def pw(self):
        r = self.rng
        base = ''.join(r.choice('abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(r.randint(14, 24)))
        return base

    def hexs(self, n):
        return ''.join(self.rng.choice('0123456789abcdef') for _ in range(n))


# ----------------------------------------------------------------------------
# targets
# ----------------------------------------------------------------------------
class Redis:
    """An in-cluster Redis server."""

    def __init__(self, ns, kind, name, services, variant, sentinel=False, tls_port=None,
                 port=6379, pw_secret=None, statefulset=True, local_key=None):
        self.ns = ns
        self.kind = kind
        self.name = name
        self.services = services     # list of dicts: name, headless, ports {portname: port}
        self.variant = variant
        self.sentinel = sentinel
        self.tls_port = tls_port
        self.port = port
        self.pw_secret = pw_secret   # (secret, key)
        self.statefulset = statefulset
        self.local_key = local_key   # for overlay bases: resolved per namespace

    def rid(self, ns=None):
        return f'{ns or self.ns}/{self.name}'


class External:
    def __init__(self, host, port, tls, provider):
        self.host = host
        self.port = port
        self.tls = tls
        self.provider = provider

    def rid(self, ns=None):
        return self.host


class Alias:
    """ExternalName Service in a namespace pointing at a target."""

    def __init__(self, ns, name, target, ext_host):
        self.ns = ns
        self.name = name
        self.target = target
        self.ext_host = ext_host


# ----------------------------------------------------------------------------
# object builders
# ----------------------------------------------------------------------------
def meta(name, ns, labels=None, annotations=None, helm=None):
    m = {'name': name}
    if ns is not None:
        m['namespace'] = ns
    if labels:
        m['labels'] = dict(labels)
    if annotations:
        m['annotations'] = dict(annotations)
    return m


def helm_labels(release, chart, component, version='1.0.0'):
    return {
        'app.kubernetes.io/name': chart,
        'helm.sh/chart': f'{chart}-{version}',
        'app.kubernetes.io/instance': release,
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/component': component,
    }


def workload(kind, name, ns, labels, podspec, annotations=None, replicas=None, service_name=None):
    sel = {k: v for k, v in labels.items() if k in ('app', 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'component')}
    if not sel:
        sel = dict(labels)
    tmpl = {'metadata': {'labels': dict(labels)}, 'spec': podspec}
    if kind == 'CronJob':
        ps = dict(podspec)
        ps.setdefault('restartPolicy', 'OnFailure')
        tmpl['spec'] = ps
        return {'apiVersion': 'batch/v1', 'kind': 'CronJob', 'metadata': meta(name, ns, labels, annotations),
                'spec': {'schedule': '*/15 * * * *', 'concurrencyPolicy': 'Forbid',
                         'jobTemplate': {'spec': {'backoffLimit': 2, 'template': tmpl}}}}
    if kind == 'Job':
        ps = dict(podspec)
        ps.setdefault('restartPolicy', 'Never')
        tmpl['spec'] = ps
        return {'apiVersion': 'batch/v1', 'kind': 'Job', 'metadata': meta(name, ns, labels, annotations),
                'spec': {'backoffLimit': 1, 'ttlSecondsAfterFinished': 86400, 'template': tmpl}}
    api = {'Deployment': 'apps/v1', 'StatefulSet': 'apps/v1', 'DaemonSet': 'apps/v1',
           'Rollout': 'argoproj.io/v1alpha1'}[kind]
    spec = {}
    if kind in ('Deployment', 'StatefulSet', 'Rollout'):
        spec['replicas'] = replicas if replicas is not None else 2
    if kind == 'StatefulSet':
        spec['serviceName'] = service_name or name
    spec['selector'] = {'matchLabels': sel}
    if kind == 'Rollout':
        spec['strategy'] = {'canary': {'steps': [{'setWeight': 20}, {'pause': {'duration': '5m'}}, {'setWeight': 60}]}}
    spec['template'] = tmpl
    return {'apiVersion': api, 'kind': kind, 'metadata': meta(name, ns, labels, annotations), 'spec': spec}


def service(name, ns, selector, ports, headless=False, labels=None):
    spec = {}
    if headless:
        spec['clusterIP'] = 'None'
        spec['publishNotReadyAddresses'] = True
    spec['selector'] = dict(selector)
    spec['ports'] = [{'name': pn, 'port': p, 'targetPort': tp, 'protocol': 'TCP'} for pn, p, tp in ports]
    return {'apiVersion': 'v1', 'kind': 'Service', 'metadata': meta(name, ns, labels or selector), 'spec': spec}


def extname_service(name, ns, host, port=None):
    spec = {'type': 'ExternalName', 'externalName': host}
    if port:
        spec['ports'] = [{'name': 'redis', 'port': port}]
    return {'apiVersion': 'v1', 'kind': 'Service', 'metadata': meta(name, ns, {'app': name}), 'spec': spec}


def configmap(name, ns, data, labels=None):
    return {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': meta(name, ns, labels), 'data': data}


def secret(name, ns, data, string=False, labels=None):
    o = {'apiVersion': 'v1', 'kind': 'Secret', 'metadata': meta(name, ns, labels), 'type': 'Opaque'}
    if string:
        o['stringData'] = data
    else:
        o['data'] = {k: b64(v) for k, v in data.items()}
    return o


def resources_block(rng):
    cpu = rng.choice(['50m', '100m', '250m', '500m', '1'])
    mem = rng.choice(['64Mi', '128Mi', '256Mi', '512Mi', '1Gi'])
    return {'requests': {'cpu': cpu, 'memory': mem}, 'limits': {'memory': mem}}


# ----------------------------------------------------------------------------
# Redis servers
# ----------------------------------------------------------------------------
def make_redis(ctx, ns, role, variant, helm_release=None, objs_ns=None):
    """Returns (Redis, [objects], [(helm source, obj)])."""
    rng = ctx.rng
    ons = objs_ns  # namespace to write in metadata (None for kustomize bases)
    objs = []
    pw = ctx.pw()
    if variant == 'bitnami-cluster':
        rel = helm_release or role
        name = f'{rel}-redis-cluster'
        sec = name
        lbl = helm_labels(rel, 'redis-cluster', 'cluster', '10.2.7')
        sel = {'app.kubernetes.io/name': 'redis-cluster', 'app.kubernetes.io/instance': rel}
        headless = f'{name}-headless'
        nodes = ' '.join(f'{name}-{i}.{headless}' for i in range(6))
        objs.append(('redis-cluster/templates/secret.yaml', secret(sec, ons, {'redis-password': pw}, labels=lbl)))
        pod = {'containers': [{
            'name': f'{name}', 'image': f'docker.io/bitnami/redis-cluster:7.2.{rng.randint(3,5)}-debian-12-r{rng.randint(1,12)}',
            'command': ['/bin/bash', '-c'],
            'args': ['# Backwards compatibility change\nif ! [[ -f /opt/bitnami/redis/etc/redis.conf ]]; then\n    cp /opt/bitnami/redis/etc/redis-default.conf /opt/bitnami/redis/etc/redis.conf\nfi\n/opt/bitnami/scripts/redis-cluster/entrypoint.sh /opt/bitnami/scripts/redis-cluster/run.sh\n'],
            'env': [{'name': 'REDIS_NODES', 'value': nodes},
                    {'name': 'REDIS_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': sec, 'key': 'redis-password'}}},
                    {'name': 'REDIS_PORT_NUMBER', 'value': '6379'}, {'name': 'REDIS_CLUSTER_REPLICAS', 'value': '1'}],
            'ports': [{'name': 'tcp-redis', 'containerPort': 6379}, {'name': 'tcp-redis-bus', 'containerPort': 16379}]}]}
        sts = workload('StatefulSet', name, ons, lbl, pod, replicas=6, service_name=headless)
        objs.append(('redis-cluster/templates/redis-statefulset.yaml', sts))
        objs.append(('redis-cluster/templates/headless-svc.yaml', service(headless, ons, sel, [('tcp-redis', 6379, 'tcp-redis'), ('tcp-redis-bus', 16379, 'tcp-redis-bus')], headless=True)))
        objs.append(('redis-cluster/templates/redis-svc.yaml', service(name, ons, sel, [('tcp-redis', 6379, 'tcp-redis')])))
        r = Redis(ns, 'StatefulSet', name, [{'name': name, 'headless': False}, {'name': headless, 'headless': True}],
                  variant, pw_secret=(sec, 'redis-password'))
        r.client_label = None
        r.cluster_nodes = [f'{name}-{i}.{headless}' for i in range(6)]
        return r, objs
    if variant in ('bitnami', 'bitnami-sentinel'):
        rel = helm_release or role
        sentinel = variant == 'bitnami-sentinel'
        node = f'{rel}-redis-node' if sentinel else f'{rel}-redis-master'
        sec = f'{rel}-redis'
        lbl = helm_labels(rel, 'redis', 'node' if sentinel else 'master', '19.6.4')
        sel = {'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': rel,
               'app.kubernetes.io/component': 'node' if sentinel else 'master'}
        objs.append(('redis/templates/secret.yaml', secret(sec, ons, {'redis-password': pw}, labels=helm_labels(rel, 'redis', 'secret', '19.6.4'))))
        objs.append(('redis/templates/configmap.yaml', configmap(f'{rel}-redis-configuration', ons, {
            'redis.conf': '# User-supplied common configuration:\nappendonly yes\nsave ""\n# End of common configuration\n',
            'master.conf': 'dir /data\n# User-supplied master configuration:\nrename-command FLUSHDB ""\nrename-command FLUSHALL ""\n',
            'replica.conf': 'dir /data\nrename-command FLUSHDB ""\nrename-command FLUSHALL ""\n',
        }, labels=helm_labels(rel, 'redis', 'config', '19.6.4'))))
        objs.append(('redis/templates/health-configmap.yaml', configmap(f'{rel}-redis-health', ons, {
            'ping_readiness_local.sh': '#!/bin/bash\n\n[[ -f $REDIS_PASSWORD_FILE ]] && export REDIS_PASSWORD="$(< "${REDIS_PASSWORD_FILE}")"\n[[ -n "$REDIS_PASSWORD" ]] && export REDISCLI_AUTH="$REDIS_PASSWORD"\nresponse=$(\n  timeout -s 15 $1 \\\n  redis-cli \\\n    -h localhost \\\n    -p $REDIS_PORT \\\n    ping\n)\nif [ "$response" != "PONG" ]; then\n  echo "$response"\n  exit 1\nfi\n',
        }, labels=helm_labels(rel, 'redis', 'health', '19.6.4'))))
        containers = [{
            'name': 'redis', 'image': f'docker.io/bitnami/redis:7.2.{rng.randint(3,5)}-debian-12-r{rng.randint(1,12)}',
            'imagePullPolicy': 'IfNotPresent',
            'command': ['/bin/bash'], 'args': ['-c', '/opt/bitnami/scripts/start-scripts/start-node.sh' if sentinel else '/opt/bitnami/scripts/start-scripts/start-master.sh'],
            'env': [{'name': 'BITNAMI_DEBUG', 'value': 'false'},
                    {'name': 'REDIS_REPLICATION_MODE', 'value': 'master'},
                    {'name': 'ALLOW_EMPTY_PASSWORD', 'value': 'no'},
                    {'name': 'REDIS_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': sec, 'key': 'redis-password'}}},
                    {'name': 'REDIS_TLS_ENABLED', 'value': 'no'},
                    {'name': 'REDIS_PORT', 'value': '6379'}],
            'ports': [{'name': 'redis', 'containerPort': 6379}],
            'readinessProbe': {'exec': {'command': ['sh', '-c', '/health/ping_readiness_local.sh 1']}, 'periodSeconds': 5},
            'volumeMounts': [{'name': 'health', 'mountPath': '/health'}, {'name': 'redis-data', 'mountPath': '/data'},
                             {'name': 'config', 'mountPath': '/opt/bitnami/redis/mounted-etc'}],
        }]
        svc_ports = [('tcp-redis', 6379, 'redis')]
        if sentinel:
            containers.append({
                'name': 'sentinel', 'image': f'docker.io/bitnami/redis-sentinel:7.2.{rng.randint(3,5)}-debian-12-r{rng.randint(1,9)}',
                'command': ['/bin/bash'], 'args': ['-c', '/opt/bitnami/scripts/start-scripts/start-sentinel.sh'],
                'env': [{'name': 'REDIS_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': sec, 'key': 'redis-password'}}},
                        {'name': 'REDIS_SENTINEL_PORT', 'value': '26379'}],
                'ports': [{'name': 'redis-sentinel', 'containerPort': 26379}],
            })
            svc_ports.append(('tcp-sentinel', 26379, 'redis-sentinel'))
        if rng.random() < 0.5:
            containers.append(exporter_sidecar(rng, sec))
        pod = {'serviceAccountName': f'{rel}-redis', 'securityContext': {'fsGroup': 1001},
               'containers': containers,
               'volumes': [{'name': 'health', 'configMap': {'name': f'{rel}-redis-health', 'defaultMode': 493}},
                           {'name': 'config', 'configMap': {'name': f'{rel}-redis-configuration'}},
                           {'name': 'redis-data', 'emptyDir': {}}]}
        headless = f'{rel}-redis-headless'
        sts = workload('StatefulSet', node, ons, lbl, pod, replicas=3 if sentinel else 1, service_name=headless)
        objs.append(('redis/templates/' + ('replicas/statefulset.yaml' if sentinel else 'master/application.yaml'), sts))
        objs.append(('redis/templates/headless-svc.yaml', service(headless, ons, sel, svc_ports, headless=True)))
        main_svc = f'{rel}-redis' if sentinel else f'{rel}-redis-master'
        objs.append(('redis/templates/' + ('sentinel/service.yaml' if sentinel else 'master/service.yaml'),
                     service(main_svc, ons, sel, svc_ports)))
        if rng.random() < 0.4:
            objs.append(('redis/templates/networkpolicy.yaml', {
                'apiVersion': 'networking.k8s.io/v1', 'kind': 'NetworkPolicy', 'metadata': meta(rel + '-redis', ons),
                'spec': {'podSelector': {'matchLabels': sel}, 'policyTypes': ['Ingress'],
                         'ingress': [{'ports': [{'port': 6379}] + ([{'port': 26379}] if sentinel else []),
                                      'from': [{'podSelector': {'matchLabels': {f'{rel}-redis-client': 'true'}}}]}]}}))
        services = [{'name': main_svc, 'headless': False}, {'name': headless, 'headless': True}]
        r = Redis(ns, 'StatefulSet', node, services, variant, sentinel=sentinel, pw_secret=(sec, 'redis-password'))
        r.client_label = f'{rel}-redis-client'
        return r, objs

    # hand-written manifests
    name = {'plain-sts': f'redis-{role}', 'valkey': f'valkey-{role}', 'deploy': f'{role}-redis',
            'stack': f'redis-stack-{role}', 'mirror': f'{role}-kv', 'tls': f'redis-{role}'}[variant]
    svc_name = name
    if variant == 'deploy' and rng.random() < 0.5:
        svc_name = f'{role}-cache'   # service named differently from the workload
    if variant == 'mirror':
        svc_name = f'{role}-kv'
    labels = {'app': name, 'app.kubernetes.io/part-of': role, 'tier': 'data'}
    image = {
        'plain-sts': rng.choice(['redis:7.2.5-alpine', 'redis:7.0.15', 'docker.io/library/redis:7.2', 'redis:6.2.14-alpine']),
        'valkey': rng.choice(['valkey/valkey:8.0.1-alpine', 'valkey/valkey:7.2.7', 'docker.io/bitnami/valkey:8.0.1']),
        'deploy': rng.choice(['redis:7-alpine', 'redis:6.2', 'public.ecr.aws/docker/library/redis:7.2-alpine']),
        'stack': 'redis/redis-stack-server:7.2.0-v10',
        'mirror': 'harbor.acme.internal/dockerhub-proxy/library/redis:7.2.4',
        'tls': 'redis:7.2.5',
    }[variant]
    port = 6379
    tls_port = None
    args = []
    env = []
    vols = []
    mounts = [{'name': 'data', 'mountPath': '/data'}]
    pw_secret = None
    if variant == 'tls':
        tls_port = 6380
        args = ['--port', '6379', '--tls-port', '6380', '--tls-cert-file', '/tls/tls.crt',
                '--tls-key-file', '/tls/tls.key', '--tls-ca-cert-file', '/tls/ca.crt', '--tls-auth-clients', 'no']
        vols.append({'name': 'tls', 'secret': {'secretName': f'{name}-tls'}})
        mounts.append({'name': 'tls', 'mountPath': '/tls', 'readOnly': True})
    if variant in ('plain-sts', 'mirror') and rng.random() < 0.5:
        # configured via a mounted redis.conf
        cm = f'{name}-conf'
        conf = f'port {port}\nbind 0.0.0.0\nprotected-mode no\nappendonly yes\nmaxmemory {rng.choice(["256mb","1gb","2gb"])}\nmaxmemory-policy allkeys-lru\n'
        objs.append((None, configmap(cm, ons, {'redis.conf': conf}, labels={'app': name})))
        vols.append({'name': 'conf', 'configMap': {'name': cm}})
        mounts.append({'name': 'conf', 'mountPath': '/usr/local/etc/redis'})
        command = ['redis-server', '/usr/local/etc/redis/redis.conf']
    else:
        command = None
    if rng.random() < 0.4 and variant != 'valkey':
        sec = f'{name}-auth'
        objs.append((None, secret(sec, ons, {'password': pw}, string=rng.random() < 0.5, labels={'app': name})))
        env.append({'name': 'REDIS_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': sec, 'key': 'password'}}})
        args = args + ['--requirepass', '$(REDIS_PASSWORD)']
        pw_secret = (sec, 'password')
    if variant == 'stack':
        env.append({'name': 'REDIS_ARGS', 'value': '--save 60 1000 --appendonly yes'})
    c = {'name': 'redis' if variant != 'valkey' else 'valkey', 'image': image}
    if command:
        c['command'] = command
    elif variant == 'valkey':
        c['command'] = ['valkey-server']
        args = ['--appendonly', 'yes'] + args
    if args:
        if command is None and variant not in ('valkey',) and rng.random() < 0.5:
            c['command'] = ['redis-server']
        c['args'] = args
    if env:
        c['env'] = env
    c['ports'] = [{'name': 'redis', 'containerPort': port}] + ([{'name': 'redis-tls', 'containerPort': tls_port}] if tls_port else [])
    c['readinessProbe'] = {'exec': {'command': ['redis-cli', 'ping'] if variant != 'valkey' else ['valkey-cli', 'ping']},
                           'initialDelaySeconds': 5, 'periodSeconds': 10}
    c['resources'] = resources_block(rng)
    c['volumeMounts'] = mounts
    containers = [c]
    if rng.random() < 0.35:
        containers.append(exporter_sidecar(rng, pw_secret[0] if pw_secret else None, key=pw_secret[1] if pw_secret else None))
    statefulset = variant not in ('deploy',)
    pod = {'containers': containers}
    if not statefulset:
        vols.append({'name': 'data', 'emptyDir': {'medium': 'Memory'}})
    else:
        vols.append({'name': 'data', 'emptyDir': {}})
    pod['volumes'] = vols
    kind = 'StatefulSet' if statefulset else 'Deployment'
    headless = f'{svc_name}-headless'
    wl = workload(kind, name, ons, labels, pod, replicas=1, service_name=headless if statefulset else None)
    objs.append((None, wl))
    sel = {'app': name}
    ports = [('redis', port, 'redis')] + ([('redis-tls', tls_port, 'redis-tls')] if tls_port else [])
    objs.append((None, service(svc_name, ons, sel, ports)))
    services = [{'name': svc_name, 'headless': False}]
    if statefulset:
        objs.append((None, service(headless, ons, sel, ports, headless=True)))
        services.append({'name': headless, 'headless': True})
    if rng.random() < 0.3:
        objs.append((None, {'apiVersion': 'policy/v1', 'kind': 'PodDisruptionBudget', 'metadata': meta(name, ons),
                            'spec': {'maxUnavailable': 1, 'selector': {'matchLabels': sel}}}))
    r = Redis(ns, kind, name, services, variant, tls_port=tls_port, port=port, pw_secret=pw_secret,
              statefulset=statefulset)
    r.client_label = None
    return r, objs


def exporter_sidecar(rng, pw_secret, key='redis-password'):
    env = [{'name': 'REDIS_ADDR', 'value': rng.choice(['redis://localhost:6379', 'redis://127.0.0.1:6379', 'localhost:6379'])}]
    if pw_secret:
        env.append({'name': 'REDIS_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': pw_secret, 'key': key}}})
    env.append({'name': 'REDIS_EXPORTER_LOG_FORMAT', 'value': 'json'})
    return {'name': 'metrics', 'image': f'oliver006/redis_exporter:v1.{rng.randint(55,66)}.0',
            'env': env, 'ports': [{'name': 'metrics', 'containerPort': 9121}]}


# ----------------------------------------------------------------------------
# consumers: how a setting reaches the container
# ----------------------------------------------------------------------------
PREFIXES = ['REDIS_', 'CACHE_REDIS_', 'SESSION_REDIS_', 'RATELIMIT_REDIS_', 'QUEUE_REDIS_', 'LOCK_REDIS_']
URL_KEYS = ['REDIS_URL', 'SESSION_STORE_URL', 'SIDEKIQ_REDIS_URL', 'BULL_REDIS_URL', 'RQ_REDIS_URL',
            'CELERY_BROKER_URL', 'KV_URL', 'CACHE_URL', 'THROTTLE_REDIS_URL', 'REDIS_TLS_URL', 'FEATURE_STORE_URL']


class App:
    """Mutable builder for one consumer workload."""

    def __init__(self, ctx, ns_obj, name, kind):
        self.ctx = ctx
        self.nso = ns_obj
        self.name = name
        self.kind = kind
        self.env = []            # main container env (ordered)
        self.env_from = []
        self.args = []
        self.command = None
        self.mounts = []
        self.volumes = []
        self.init = []
        self.extra = []          # objects (ConfigMaps/Secrets) written with the app
        self.targets = set()     # ('local', role-key) or ('abs', id)
        self.routes = set()
        self.used_prefix = set()
        self.used_keys = set()
        self.cm_data = None      # lazily created <app>-config
        self.files_cm = None
        self.labels_extra = {}
        self.kust_generator = None
        self.link_routes = {}    # target key -> set of tags
        self.cur = None

    def tag(self, t):
        self.routes.add(t)
        if self.cur is not None:
            self.cur.add(t)

    def free_key(self, candidates):
        rng = self.ctx.rng
        # A key under a prefix another route uses (`REDIS_` of an envFrom
        # Secret's `REDIS_URL`) would be the same variable twice: Kubernetes
        # keeps the `env` one, so the truth would hold a link that is not.
        cands = [c for c in candidates
                 if c not in self.used_keys and not any(c.startswith(p) for p in self.used_prefix)]
        if not cands:
            return None
        k = rng.choice(cands)
        self.used_keys.add(k)
        return k

    def free_prefix(self):
        for p in self.ctx.rng.sample(PREFIXES, len(PREFIXES)):
            if p not in self.used_prefix and not any(k.startswith(p) for k in self.used_keys):
                self.used_prefix.add(p)
                return p
        return None

    def config(self):
        if self.cm_data is None:
            self.cm_data = {}
            self.extra.append(configmap(f'{self.name}-config', self.nso.mns, self.cm_data, labels={'app': self.name}))
        return self.cm_data


def endpoint(ctx, app, tgt, allow_sentinel=True, allow_tls=True):
    """Pick how this app names the target: returns dict host, port, scheme, tls, sentinel, pw."""
    rng = ctx.rng
    nso = app.nso
    if isinstance(tgt, Alias):
        # ExternalName alias in this namespace
        if tgt.ns == nso.ns:
            host = tgt.name if (nso.overlay or rng.random() < 0.6) else f'{tgt.name}.{nso.ns}'
        else:
            host = rng.choice([f'{tgt.name}.{tgt.ns}', f'{tgt.name}.{tgt.ns}.svc.cluster.local'])
        inner = tgt.target
        if isinstance(inner, External):
            return {'host': host, 'port': inner.port, 'tls': inner.tls, 'sentinel': False, 'pw': ctx.pw() if inner.tls else None}
        return {'host': host, 'port': 6379, 'tls': False, 'sentinel': False, 'pw': None}
    if isinstance(tgt, External):
        return {'host': tgt.host, 'port': tgt.port, 'tls': tgt.tls, 'sentinel': False,
                'pw': ctx.pw() if (tgt.tls or rng.random() < 0.5) else None}
    r = tgt
    same = (r.ns == nso.ns) or (r.local_key is not None)
    plain = [s for s in r.services if not s['headless']]
    heads = [s for s in r.services if s['headless']]
    svc = rng.choice(plain)['name']
    sentinel = bool(r.sentinel and allow_sentinel and rng.random() < 0.6)
    port = 26379 if sentinel else 6379
    tls = False
    if r.tls_port and allow_tls and not sentinel and rng.random() < 0.6:
        port = r.tls_port
        tls = True
    x = rng.random()
    if same:
        if nso.overlay:
            if x < 0.85 or not (heads and r.statefulset):
                host = svc
            else:
                host = f'{r.name}-0.{heads[0]["name"]}'
        elif x < 0.4:
            host = svc
        elif x < 0.65:
            host = f'{svc}.{r.ns}'
        elif x < 0.7:
            host = f'{svc}.{r.ns}.svc'
        elif x < 0.9:
            host = f'{svc}.{r.ns}.svc.cluster.local'
        elif heads and r.statefulset:
            host = f'{r.name}-0.{heads[0]["name"]}.{r.ns}.svc.cluster.local'
        else:
            host = svc
    else:
        if x < 0.45:
            host = f'{svc}.{r.ns}'
        elif x < 0.55:
            host = f'{svc}.{r.ns}.svc'
        elif x < 0.95 or not (heads and r.statefulset):
            host = f'{svc}.{r.ns}.svc.cluster.local'
        else:
            host = f'{r.name}-0.{heads[0]["name"]}.{r.ns}.svc.cluster.local'
    pw = ctx.pw() if (r.pw_secret or rng.random() < 0.2) else None
    return {'host': host, 'port': port, 'tls': tls, 'sentinel': sentinel, 'pw': pw, 'redis': r}


def url_of(ctx, ep, with_pw=True):
    rng = ctx.rng
    scheme = 'rediss' if ep['tls'] else 'redis'
    auth = ''
    if ep['pw'] and with_pw:
        pw = ep['pw']
        if rng.random() < 0.15:
            pw = pw[:6] + '%2F' + pw[6:] + '%40x'
        auth = rng.choice(['', 'default']) + ':' + pw + '@'
    port = ep['port']
    portpart = f':{port}'
    if port == 6379 and not ep['tls'] and rng.random() < 0.15:
        portpart = ''
    db = rng.choice(['', '/0', '/1', '/2', '/5', '/11'])
    q = ''
    if ep['tls'] and rng.random() < 0.2:
        q = '?ssl_cert_reqs=required'
    return f'{scheme}://{auth}{ep["host"]}{portpart}{db}{q}'


def add_target(ctx, app, tgt, route):
    """Write one reference from app to tgt via route."""
    rng = ctx.rng
    nso = app.nso
    ep = endpoint(ctx, app, tgt, allow_sentinel=route in ('env_split', 'cm_envfrom', 'file_props', 'file_yaml', 'secret_envfrom'))
    if ep['sentinel']:
        route = route  # sentinel handled in split forms below
    # the truth
    if isinstance(tgt, Alias):
        inner = tgt.target
        tkey = ('abs', inner.rid()) if isinstance(inner, External) else ('abs', inner.rid())
        if isinstance(inner, Redis) and inner.local_key:
            tkey = ('local', inner.local_key)
    elif isinstance(tgt, External):
        tkey = ('abs', tgt.host)
    else:
        tkey = ('local', tgt.local_key) if tgt.local_key else ('abs', tgt.rid())
    app.targets.add(tkey)
    app.cur = app.link_routes.setdefault(tkey, set())
    app.tag(route)
    redis_obj = ep.get('redis')
    # host-form tags for per-form recall
    hf = ep['host']
    if isinstance(tgt, Alias):
        app.tag('host:externalname-alias')
    elif isinstance(tgt, External):
        app.tag('host:managed-ip' if hf[0].isdigit() else 'host:managed')
    elif hf.endswith('.svc.cluster.local'):
        app.tag('host:pod-fqdn' if hf.split('.')[0].rsplit('-', 1)[-1].isdigit() and '-headless' in hf else 'host:fqdn')
    elif hf.endswith('.svc'):
        app.tag('host:svc.ns.svc')
    elif '.' in hf:
        app.tag('host:pod-short' if '-headless' in hf else 'host:svc.ns')
    else:
        app.tag('host:short')
    if ep['sentinel']:
        app.tag('sentinel')
    if ep['tls']:
        app.tag('tls')

    def split_pairs(prefix):
        pairs = []
        if ep['sentinel']:
            pairs.append((prefix + rng.choice(['SENTINEL_HOSTS', 'SENTINELS', 'SENTINEL_ADDRS']), f'{ep["host"]}:26379'))
            pairs.append((prefix + rng.choice(['SENTINEL_MASTER', 'SENTINEL_MASTER_NAME', 'MASTER_NAME']), 'mymaster'))
        else:
            pairs.append((prefix + 'HOST', ep['host']))
            pairs.append((prefix + 'PORT', str(ep['port'])))
            if ep['tls']:
                pairs.append((prefix + rng.choice(['TLS', 'SSL', 'TLS_ENABLED', 'USE_TLS']), 'true'))
            if rng.random() < 0.4:
                pairs.append((prefix + 'DB', str(rng.randint(0, 15))))
        return pairs

    def pw_env(prefix):
        # password from the server's secret or the app's secret
        # a pod can only read Secrets of its own namespace: the server's Secret only when it is local
        local = redis_obj is not None and (redis_obj.ns == nso.ns or redis_obj.local_key is not None)
        if local and redis_obj.pw_secret and rng.random() < 0.8:
            sec, key = redis_obj.pw_secret
        else:
            sec, key = f'{app.name}-redis-credentials', 'password'
            if not any(o['metadata']['name'] == sec for o in app.extra):
                app.extra.append(secret(sec, nso.mns, {'password': ep['pw'] or ctx.pw()}, string=rng.random() < 0.5))
        return {'name': prefix + 'PASSWORD', 'valueFrom': {'secretKeyRef': {'name': sec, 'key': key}}}

    if redis_obj is not None and getattr(redis_obj, 'cluster_nodes', None) and route in ('env_split', 'env_addr', 'cm_envfrom') and rng.random() < 0.7:
        route = 'cluster_nodes'
        app.tag('cluster_nodes')
        k = app.free_key(['REDIS_CLUSTER_NODES', 'REDIS_NODES', 'CACHE_REDIS_CLUSTER'])
        if k is None:
            return
        same = redis_obj.ns == nso.ns or redis_obj.local_key is not None
        sfx = '' if same and (nso.overlay or rng.random() < 0.5) else f'.{redis_obj.ns}.svc.cluster.local'
        app.env.append({'name': k, 'value': ','.join(f'{n}{sfx}:6379' for n in redis_obj.cluster_nodes[:rng.choice([3, 6])])})
        if ep['pw']:
            app.env.append(pw_env('REDIS_CLUSTER_'))
        return
    if route == 'env_url':
        k = app.free_key(URL_KEYS)
        if k is None:
            return add_target(ctx, app, tgt, 'env_split')
        app.env.append({'name': k, 'value': url_of(ctx, ep)})
    elif route == 'env_split':
        p = app.free_prefix()
        if p is None:
            return
        for k, v in split_pairs(p):
            app.env.append({'name': k, 'value': v})
        if ep['pw']:
            app.env.append(pw_env(p))
    elif route == 'env_addr':
        p = app.free_prefix()
        if p is None:
            return
        app.env.append({'name': p + rng.choice(['ADDR', 'ADDRESS', 'ENDPOINT']), 'value': f'{ep["host"]}:{ep["port"]}'})
        if ep['tls']:
            app.env.append({'name': p + 'TLS', 'value': 'true'})
    elif route == 'generic_key':
        # a key that does not say Redis; the host:port does (known service or redis port)
        k = app.free_key(['CACHE_ADDR', 'SESSION_STORE_ADDR', 'KV_ENDPOINT', 'CACHE_HOST_PORT', 'STATE_STORE'])
        if k is None:
            return add_target(ctx, app, tgt, 'env_url')
        app.env.append({'name': k, 'value': f'{ep["host"]}:{ep["port"]}'})
        app.tag('generic_key:' + k)
    elif route == 'env_expand':
        p = app.free_prefix()
        if p is None:
            return
        app.env.append({'name': p + 'HOST', 'value': ep['host']})
        app.env.append({'name': p + 'PORT', 'value': str(ep['port'])})
        scheme = 'rediss' if ep['tls'] else 'redis'
        if ep['pw']:
            app.env.append(pw_env(p))
            u = f'{scheme}://:$({p}PASSWORD)@$({p}HOST):$({p}PORT)/0'
        else:
            u = f'{scheme}://$({p}HOST):$({p}PORT)/0'
        app.env.append({'name': p + 'URL', 'value': u})
    elif route == 'cm_keyref':
        d = app.config()
        k = app.free_key(URL_KEYS)
        if k is None:
            return add_target(ctx, app, tgt, 'env_split')
        ckey = rng.choice([k, k.lower().replace('_', '.'), k.lower().replace('_', '-')])
        if rng.random() < 0.5:
            d[ckey] = url_of(ctx, ep, with_pw=False)
            app.env.append({'name': k, 'valueFrom': {'configMapKeyRef': {'name': f'{app.name}-config', 'key': ckey}}})
        else:
            p = app.free_prefix()
            if p is None:
                return
            app.used_keys.discard(k)
            hk, pk = p.lower().rstrip('_').replace('_', '.') + '.host', p.lower().rstrip('_').replace('_', '.') + '.port'
            d[hk] = ep['host']
            d[pk] = str(ep['port'])
            app.env.append({'name': p + 'HOST', 'valueFrom': {'configMapKeyRef': {'name': f'{app.name}-config', 'key': hk}}})
            app.env.append({'name': p + 'PORT', 'valueFrom': {'configMapKeyRef': {'name': f'{app.name}-config', 'key': pk}}})
            if ep['tls']:
                app.env.append({'name': p + 'TLS', 'value': 'true'})
    elif route == 'cm_envfrom':
        p = app.free_prefix()
        if p is None:
            return
        cmname = f'{app.name}-{p.lower().rstrip("_").replace("_", "-")}-env'
        envprefix = None
        if rng.random() < 0.4:
            # keys without the redis word in the ConfigMap; prefix added by envFrom
            envprefix = p
            data = {k[len(p):]: v for k, v in split_pairs(p)}
        else:
            data = dict(split_pairs(p))
        data.update(rng.choice([{'LOG_LEVEL': 'info'}, {'HTTP_PORT': '8080'}, {'OTEL_SERVICE_NAME': app.name}]))
        app.extra.append(configmap(cmname, nso.mns, data))
        ef = {'configMapRef': {'name': cmname}}
        if envprefix:
            ef['prefix'] = envprefix
        app.env_from.append(ef)
    elif route == 'secret_keyref':
        k = app.free_key(URL_KEYS)
        if k is None:
            return add_target(ctx, app, tgt, 'env_split')
        sec = f'{app.name}-secrets'
        existing = [o for o in app.extra if o['metadata']['name'] == sec]
        if ep['pw'] is None:
            ep['pw'] = ctx.pw()
        u = url_of(ctx, ep)
        skey = rng.choice([k.lower().replace('_', '-'), k])
        if existing:
            o = existing[0]
            if 'data' in o:
                o['data'][skey] = b64(u)
            else:
                o['stringData'][skey] = u
        else:
            app.extra.append(secret(sec, nso.mns, {skey: u}, string=rng.random() < 0.4))
        app.env.append({'name': k, 'valueFrom': {'secretKeyRef': {'name': sec, 'key': skey}}})
    elif route == 'secret_envfrom':
        p = app.free_prefix()
        if p is None:
            return
        sec = f'{app.name}-{p.lower().rstrip("_").replace("_", "-")}'
        if rng.random() < 0.5:
            if ep['pw'] is None:
                ep['pw'] = ctx.pw()
            data = {p + 'URL': url_of(ctx, ep)}
        else:
            data = dict(split_pairs(p))
            data[p + 'PASSWORD'] = ep['pw'] or ctx.pw()
        app.extra.append(secret(sec, nso.mns, data, string=rng.random() < 0.5))
        app.env_from.append({'secretRef': {'name': sec}})
    elif route.startswith('file_'):
        add_file(ctx, app, ep, route)
    elif route == 'args_flag':
        style = rng.random()
        if ep['sentinel']:
            style = 0.1
        if style < 0.3:
            app.args += [f'--redis-addr={ep["host"]}:{ep["port"]}']
            if ep['tls']:
                app.args.append('--redis-tls')
        elif style < 0.55:
            app.args += ['--redis-url', url_of(ctx, ep, with_pw=False)]
        elif style < 0.75:
            app.args += [f'-redis.addr={ep["host"]}:{ep["port"]}']
        else:
            app.args += ['--redis-host', ep['host'], '--redis-port', str(ep['port'])]
            if ep['tls']:
                app.args.append('--redis-tls')
    elif route == 'java_opts':
        if 'JAVA_OPTS' in app.used_keys:
            return add_target(ctx, app, tgt, 'env_split')
        app.used_keys.add('JAVA_OPTS')
        parts = ['-Xms256m', '-Xmx512m', f'-Dspring.redis.host={ep["host"]}', f'-Dspring.redis.port={ep["port"]}']
        if ep['tls']:
            parts.append('-Dspring.redis.ssl=true')
        parts.append('-Dfile.encoding=UTF-8')
        app.env.append({'name': 'JAVA_OPTS', 'value': ' '.join(parts)})
    elif route == 'spring_json':
        if 'SPRING_APPLICATION_JSON' in app.used_keys:
            return add_target(ctx, app, tgt, 'env_split')
        app.used_keys.add('SPRING_APPLICATION_JSON')
        js = {'spring': {'data': {'redis': {'host': ep['host'], 'port': ep['port']}}}, 'server': {'port': 8080}}
        if ep['tls']:
            js['spring']['data']['redis']['ssl'] = {'enabled': True}
        app.env.append({'name': 'SPRING_APPLICATION_JSON', 'value': json.dumps(js, separators=(',', ':'))})
    elif route == 'redis_cli':
        tls = ' --tls' if ep['tls'] else ''
        auth = ' --no-auth-warning -a "$REDIS_PASSWORD"' if ep['pw'] else ''
        if ep['pw']:
            app.env.append(pw_env('REDIS_'))
            app.used_prefix.add('REDIS_')
        cmdline = rng.choice([
            f'redis-cli -h {ep["host"]} -p {ep["port"]}{tls}{auth} --scan --pattern "session:*" | head -n 1000 | xargs -r redis-cli -h {ep["host"]} -p {ep["port"]}{tls}{auth} unlink',
            f'set -euo pipefail; redis-cli -h {ep["host"]} -p {ep["port"]}{tls}{auth} BGSAVE && echo done',
            f'redis-cli -h {ep["host"]} -p {ep["port"]}{tls}{auth} INFO memory > /tmp/mem.txt && cat /tmp/mem.txt',
        ])
        app.command = ['/bin/sh', '-c', cmdline]
    elif route == 'init_wait':
        app.init.append({'name': 'wait-for-redis', 'image': 'busybox:1.36',
                         'command': ['sh', '-c', f'until nc -z {ep["host"]} {ep["port"]}; do echo waiting; sleep 2; done']})
        # the main container also needs it: add a split env
        p = app.free_prefix()
        if p:
            for k, v in split_pairs(p):
                if k.endswith('HOST') or k.endswith('PORT') or 'SENTINEL' in k or 'MASTER' in k:
                    app.env.append({'name': k, 'value': v})
    elif route == 'kust_generator':
        if app.kust_generator is None:
            app.kust_generator = {'name': f'{app.name}-generated', 'literals': []}
            app.env_from.append({'configMapRef': {'name': f'{app.name}-generated'}})
        p = app.free_prefix()
        if p is None:
            return
        for k, v in split_pairs(p):
            app.kust_generator['literals'].append(f'{k}={v}')
    elif route == 'shared_cm':
        # envFrom a namespace-wide ConfigMap that the namespace set up
        app.env_from.append({'configMapRef': {'name': nso.shared_cm_name}})
    else:
        raise ValueError(route)


def add_file(ctx, app, ep, route):
    rng = ctx.rng
    nso = app.nso
    h, p = ep['host'], ep['port']
    url = url_of(ctx, ep, with_pw=False)
    if route == 'file_yaml':
        fname = rng.choice(['config.yaml', 'application.yml', 'app.yaml', 'settings.yaml'])
        v = rng.random()
        if fname == 'application.yml' or v < 0.25:
            if ep['sentinel']:
                body = f'spring:\n  redis:\n    sentinel:\n      master: mymaster\n      nodes: {h}:26379\n    timeout: 2s\n'
            else:
                body = f'spring:\n  data:\n    redis:\n      host: {h}\n      port: {p}\n      timeout: 2000ms\n' + ('      ssl:\n        enabled: true\n' if ep['tls'] else '')
            body = 'server:\n  port: 8080\nmanagement:\n  endpoints:\n    web:\n      exposure:\n        include: health,prometheus\n' + body
        elif ep['sentinel']:
            body = f'redis:\n  sentinel:\n    master_name: mymaster\n    addresses:\n      - {h}:26379\n'
        elif v < 0.6:
            body = (f'http:\n  listen: ":8080"\ncache:\n  redis:\n    host: {h}\n    port: {p}\n    db: {rng.randint(0, 9)}\n'
                    f'    pool_size: 20\n    dial_timeout: 500ms\n' + ('    tls: true\n' if ep['tls'] else '') + 'log:\n  level: info\n')
        else:
            body = (f'# managed by platform team\nlisten: 0.0.0.0:8080\nstorage:\n  kind: redis\n  redis_url: "{url}"\n'
                    f'  key_prefix: "{app.name}:"\nmetrics:\n  enabled: true\n')
    elif route == 'file_props':
        fname = rng.choice(['application.properties', 'application-prod.properties', 'app.properties'])
        if ep['sentinel']:
            body = f'spring.redis.sentinel.master=mymaster\nspring.redis.sentinel.nodes={h}:26379\n'
        elif rng.random() < 0.6:
            body = f'spring.data.redis.host={h}\nspring.data.redis.port={p}\n' + ('spring.data.redis.ssl.enabled=true\n' if ep['tls'] else '')
        else:
            body = f'spring.redis.url={url}\n'
        body = 'server.port=8080\nspring.application.name=' + app.name + '\n' + body + 'spring.data.redis.timeout=2s\nlogging.level.root=INFO\n'
    elif route == 'file_json':
        fname = rng.choice(['config.json', 'settings.json', 'default.json'])
        if rng.random() < 0.5:
            cfg = {'port': 3000, 'redis': {'host': h, 'port': p, 'db': 0}, 'logLevel': 'info'}
            if ep['tls']:
                cfg['redis']['tls'] = True
        else:
            cfg = {'server': {'port': 3000}, 'queue': {'redisUrl': url, 'concurrency': 5}}
        body = json.dumps(cfg, indent=2) + '\n'
    elif route == 'file_toml':
        fname = rng.choice(['config.toml', 'app.toml'])
        if rng.random() < 0.5:
            body = f'[server]\nbind = "0.0.0.0:8080"\n\n[redis]\naddress = "{h}:{p}"\ndb = 0\n' + ('tls = true\n' if ep['tls'] else '')
        else:
            body = f'title = "{app.name}"\n\n[cache]\nredis_url = "{url}"\nttl_seconds = 300\n'
    elif route == 'file_dotenv':
        fname = '.env'
        body = (f'APP_ENV=production\nAPP_DEBUG=false\nCACHE_DRIVER=redis\nQUEUE_CONNECTION=redis\n'
                f'REDIS_CLIENT=phpredis\nREDIS_HOST={h}\nREDIS_PASSWORD={ep["pw"] or "null"}\nREDIS_PORT={p}\n'
                + ('REDIS_SCHEME=tls\n' if ep['tls'] else ''))
    elif route == 'file_ini':
        fname = rng.choice(['app.ini', 'worker.ini'])
        body = f'[main]\nworkers = 4\n\n[redis]\nhost = {h}\nport = {p}\n' + ('ssl = true\n' if ep['tls'] else '')
    else:
        raise ValueError(route)
    use_secret = rng.random() < 0.15
    k = sum(1 for v in app.volumes if v['name'].startswith('app-cfg')) + 1
    sfx = '' if k == 1 else f'-{k}'
    vname = f'app-cfg{sfx}'
    if route == 'file_dotenv':
        objname = f'{app.name}-dotenv{sfx}'
        o = secret(objname, nso.mns, {fname: body}, string=rng.random() < 0.5)
        app.extra.append(o)
        app.volumes.append({'name': vname, 'secret': {'secretName': objname}})
        app.mounts.append({'name': vname, 'mountPath': f'/var/www/html{sfx}/.env', 'subPath': '.env', 'readOnly': True})
        return
    objname = (f'{app.name}-files' if not use_secret else f'{app.name}-file-secrets') + sfx
    mdir = f'/etc/{app.name}{sfx}'
    if rng.random() < 0.1:
        # projected volume: the file plus the service account token and a CA bundle
        o = configmap(objname, nso.mns, {fname: body})
        app.extra.append(o)
        app.volumes.append({'name': vname, 'projected': {'sources': [
            {'configMap': {'name': objname}}, {'configMap': {'name': 'kube-root-ca.crt', 'items': [{'key': 'ca.crt', 'path': 'ca.crt'}]}},
            {'serviceAccountToken': {'path': 'token', 'expirationSeconds': 3600}}]}})
        app.mounts.append({'name': vname, 'mountPath': mdir, 'readOnly': True})
        app.tag('projected_volume')
        return
    if use_secret:
        o = secret(objname, nso.mns, {fname: body}, string=rng.random() < 0.5)
        vol = {'name': vname, 'secret': {'secretName': objname}}
        src = vol['secret']
    else:
        data = {fname: body}
        if rng.random() < 0.3:
            data['logback.xml'] = '<configuration>\n  <root level="INFO"/>\n</configuration>\n'
        o = configmap(objname, nso.mns, data)
        vol = {'name': vname, 'configMap': {'name': objname}}
        src = vol['configMap']
    app.extra.append(o)
    mode = rng.random()
    if mode < 0.25:
        src['items'] = [{'key': fname, 'path': fname}]
        app.mounts.append({'name': vname, 'mountPath': mdir, 'readOnly': True})
    elif mode < 0.45:
        app.mounts.append({'name': vname, 'mountPath': f'/app/config{sfx}/{fname}', 'subPath': fname})
    else:
        app.mounts.append({'name': vname, 'mountPath': mdir, 'readOnly': True})
    app.volumes.append(vol)


# ----------------------------------------------------------------------------
# look-alikes
# ----------------------------------------------------------------------------
def add_lookalike(ctx, app, shared, which=None):
    rng = ctx.rng
    nso = app.nso
    which = which or rng.choice(['tuning', 'memcached', 'other_hosts', 'commented', 'orphan_cm',
                                  'tuning_file', 'memcached_cm', 'dashboard_link'])
    app.routes.add('lookalike:' + which)
    pg = nso.local_pg or 'orders-db.platform-data'
    if which == 'tuning':
        for k, v in rng.sample([('REDIS_TIMEOUT', '5s'), ('REDIS_PREFIX', f'{app.name}:'), ('REDIS_POOL_SIZE', '20'),
                                ('REDIS_KEY_PREFIX', f'{nso.ns}:{app.name}'), ('REDIS_MAX_RETRIES', '3'),
                                ('REDIS_CONNECT_TIMEOUT_MS', '500'), ('REDIS_CLIENT', 'ioredis'),
                                ('REDIS_TTL_SECONDS', '3600'), ('REDIS_READ_TIMEOUT', '3s')], 3):
            app.env.append({'name': k, 'value': v})
        app.env.append({'name': 'DATABASE_URL', 'value': f'postgres://app@{pg}:5432/{app.name.replace("-", "_")}?sslmode=require'})
    elif which == 'memcached':
        mc = nso.local_mc or 'memcached.platform-data'
        app.env += [{'name': 'MEMCACHED_SERVERS', 'value': f'{mc}:11211'},
                    {'name': 'CACHE_BACKEND', 'value': 'memcached'},
                    {'name': 'CACHE_HOST', 'value': mc}, {'name': 'CACHE_PORT', 'value': '11211'}]
    elif which == 'memcached_cm':
        mc = nso.local_mc or 'memcached.platform-data.svc.cluster.local'
        d = app.config()
        d['CACHE_URL'] = f'memcache://{mc}:11211'
        d['SESSION_STORE'] = 'memcached'
        d['CACHE_TTL'] = '300'
        app.env_from.append({'configMapRef': {'name': f'{app.name}-config'}})
    elif which == 'other_hosts':
        app.env += [{'name': 'DATABASE_HOST', 'value': pg}, {'name': 'DATABASE_PORT', 'value': '5432'},
                    {'name': 'AMQP_URL', 'value': 'amqp://guest:guest@rabbitmq.platform-data:5672/'},
                    {'name': 'KAFKA_BOOTSTRAP_SERVERS', 'value': 'kafka-0.kafka-headless.platform-data.svc.cluster.local:9092,kafka-1.kafka-headless.platform-data.svc.cluster.local:9092'},
                    {'name': 'ELASTICSEARCH_URL', 'value': 'http://search-es.platform-data:9200'}]
    elif which == 'commented':
        body = (f'server:\n  port: 8080\n# cache moved to in-process LRU (INC-{rng.randint(1000,9999)})\n'
                f'# redis:\n#   url: redis://legacy-cache.platform-cache:6379/0\ncache:\n  backend: inmemory\n  max_entries: 10000\n  redis_timeout_ms: 250\n')
        o = configmap(f'{app.name}-files', nso.mns, {'config.yaml': body})
        app.extra.append(o)
        app.volumes.append({'name': 'app-config', 'configMap': {'name': f'{app.name}-files'}})
        app.mounts.append({'name': 'app-config', 'mountPath': f'/etc/{app.name}'})
    elif which == 'tuning_file':
        body = (f'spring.application.name={app.name}\nspring.data.redis.timeout=2s\nspring.data.redis.lettuce.pool.max-active=16\n'
                f'spring.datasource.url=jdbc:postgresql://{pg}:5432/app\n')
        o = configmap(f'{app.name}-files', nso.mns, {'application.properties': body})
        app.extra.append(o)
        app.volumes.append({'name': 'app-config', 'configMap': {'name': f'{app.name}-files'}})
        app.mounts.append({'name': 'app-config', 'mountPath': '/config'})
    elif which == 'orphan_cm':
        # a ConfigMap nobody mounts, left over from a migration, and the app reads another key
        tgt = shared[0] if shared else None
        host = f'{tgt.services[0]["name"]}.{tgt.ns}' if tgt else 'old-redis.platform-cache'
        app.extra.append(configmap(f'{app.name}-legacy', nso.mns, {'REDIS_URL': f'redis://{host}:6379/3', 'MIGRATED': 'true'}))
        d = app.config()
        d['FEATURE_FLAGS_URL'] = 'http://flagd.platform-tools:8013'
        d['REDIS_URL'] = f'redis://{host}:6379/3'    # present in the ConfigMap, but only FEATURE_FLAGS_URL is read
        app.env.append({'name': 'FEATURE_FLAGS_URL', 'valueFrom': {'configMapKeyRef': {'name': f'{app.name}-config', 'key': 'FEATURE_FLAGS_URL'}}})
    elif which == 'dashboard_link':
        app.env += [{'name': 'REDIS_DASHBOARD_URL', 'value': 'http://redisinsight.platform-tools:5540'},
                    {'name': 'GRAFANA_URL', 'value': 'http://grafana.monitoring:3000'}]
    else:
        raise ValueError(which)


# ----------------------------------------------------------------------------
# namespaces
# ----------------------------------------------------------------------------
class NS:
    def __init__(self, ns, dept, style, overlay=False, envs=None):
        self.ns = ns
        self.dept = dept
        self.style = style
        self.overlay = overlay
        self.envs = envs or [ns]
        self.mns = None if style == 'kustomize' else ns     # namespace written in metadata
        self.redis = []
        self.aliases = []
        self.local_pg = None
        self.local_mc = None
        self.shared_cm_name = None
        self.shared_cm_target = None
        self.objects = []       # (group, helm source, obj)
        self.crlf = False
        self.env_patch = None
        self.apps = []


def pod_spec(ctx, app, image):
    rng = ctx.rng
    c = {'name': app.name if rng.random() < 0.5 else 'app', 'image': image}
    app.container_name = c['name']
    side = None
    if app.targets and app.kind in ('Deployment', 'Rollout', 'StatefulSet') and not app.command and rng.random() < 0.08:
        # the Redis client is a second container of the pod (a queue worker next to the web server)
        side = {'name': rng.choice(['worker', 'queue-worker', 'cache-sync']), 'image': image,
                'args': ['worker'] + app.args}
        if app.env:
            side['env'] = app.env
        if app.env_from:
            side['envFrom'] = app.env_from
        if app.mounts:
            side['volumeMounts'] = app.mounts
        app.routes.add('in_sidecar')
        for v in app.link_routes.values():
            v.add('in_sidecar')
        app.args, app.env, app.env_from, app.mounts = [], [{'name': 'LOG_LEVEL', 'value': 'info'}], [], []
    if app.command:
        c['command'] = app.command
    if app.args:
        c['args'] = app.args
    if app.env:
        c['env'] = app.env
    if app.env_from:
        c['envFrom'] = app.env_from
    if app.kind not in ('CronJob', 'Job') and rng.random() < 0.8:
        c['ports'] = [{'name': 'http', 'containerPort': rng.choice([8080, 3000, 8000, 9090])}]
        c['readinessProbe'] = {'httpGet': {'path': '/healthz', 'port': 'http'}, 'periodSeconds': 10}
    c['resources'] = resources_block(rng)
    if app.mounts:
        c['volumeMounts'] = app.mounts
    spec = {}
    if rng.random() < 0.3:
        spec['serviceAccountName'] = app.name
    if app.init:
        spec['initContainers'] = app.init
    spec['containers'] = [c] + ([side] if side else [])
    if rng.random() < 0.15 and app.kind != 'DaemonSet':
        spec['containers'].append({'name': 'istio-proxy', 'image': 'docker.io/istio/proxyv2:1.22.3',
                                   'args': ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local']})
    if app.volumes:
        spec['volumes'] = app.volumes
    if app.kind == 'DaemonSet':
        spec['tolerations'] = [{'operator': 'Exists'}]
    return spec


def gen_app_name(rng, nso, taken, team):
    for _ in range(100):
        n = f'{team}-{rng.choice(APP_NOUNS)}'
        if rng.random() < 0.2:
            n += '-' + rng.choice(['v2', 'eu', 'internal', 'public', 'batch', 'rt'])
        if n not in taken:
            taken.add(n)
            return n
    n = f'{team}-{rng.choice(APP_NOUNS)}-{len(taken)}'
    taken.add(n)
    return n


ROUTES = [('env_url', 14), ('env_split', 12), ('env_addr', 5), ('generic_key', 3), ('env_expand', 6),
          ('cm_keyref', 8), ('cm_envfrom', 7), ('secret_keyref', 8), ('secret_envfrom', 5),
          ('file_yaml', 6), ('file_props', 4), ('file_json', 3), ('file_toml', 2), ('file_ini', 1), ('file_dotenv', 1),
          ('args_flag', 6), ('java_opts', 2), ('spring_json', 2), ('init_wait', 2)]


def wchoice(rng, items):
    tot = sum(w for _, w in items)
    x = rng.random() * tot
    for it, w in items:
        x -= w
        if x <= 0:
            return it
    return items[-1][0]


def build_team(ctx, nso, n_apps, team, shared, dept_redis, externals, platform_aliases):
    rng = ctx.rng
    ns = nso.ns
    # --- local Redis servers
    nloc = rng.choices([0, 1, 2], [40, 45, 15])[0]
    roles = rng.sample(REDIS_ROLES, nloc)
    for role in roles:
        if nso.style == 'helm':
            variant = rng.choice(['bitnami', 'bitnami', 'bitnami-sentinel', 'bitnami-cluster'])
        else:
            variant = rng.choice(['plain-sts', 'plain-sts', 'valkey', 'deploy', 'deploy', 'stack', 'mirror', 'tls', 'bitnami'])
        rel = f'{team}-{role}' if variant.startswith('bitnami') else None
        r, objs = make_redis(ctx, ns, role, variant, helm_release=rel, objs_ns=nso.mns)
        if nso.overlay:
            r.local_key = r.name
        nso.redis.append(r)
        for src, o in objs:
            nso.objects.append(('redis-' + role, src, o))
        ctx.written += 1
        ctx.count('redis:' + variant)
    # --- other local backing services
    if rng.random() < 0.25:
        nso.local_pg = f'{team}-db' if nso.overlay else f'{team}-db.{ns}'
        lbl = {'app': f'{team}-db', 'tier': 'data'}
        pod = {'containers': [{'name': 'postgres', 'image': 'postgres:16.3', 'ports': [{'name': 'pg', 'containerPort': 5432}],
                               'env': [{'name': 'POSTGRES_DB', 'value': 'app'}, {'name': 'PGDATA', 'value': '/var/lib/postgresql/data/pgdata'}]}]}
        nso.objects.append(('db', None, workload('StatefulSet', f'{team}-db', nso.mns, lbl, pod, replicas=1)))
        nso.objects.append(('db', None, service(f'{team}-db', nso.mns, {'app': f'{team}-db'}, [('pg', 5432, 'pg')])))
        ctx.written += 1
    if rng.random() < 0.15:
        mcname = rng.choice(['memcached', f'{team}-memcached', 'cache'])
        nso.local_mc = mcname if nso.overlay else f'{mcname}.{ns}'
        lbl = {'app': mcname, 'tier': 'cache'}
        pod = {'containers': [{'name': 'memcached', 'image': 'memcached:1.6.29-alpine', 'args': ['-m', '512', '-c', '4096'],
                               'ports': [{'name': 'memcache', 'containerPort': 11211}]}]}
        nso.objects.append(('memcached', None, workload('Deployment', mcname, nso.mns, lbl, pod)))
        nso.objects.append(('memcached', None, service(mcname, nso.mns, {'app': mcname}, [('memcache', 11211, 'memcache')])))
        ctx.written += 1
    # --- ExternalName aliases
    if not nso.overlay and rng.random() < 0.15 and shared:
        t = rng.choice(shared)
        aname = rng.choice(['redis', 'shared-redis', 'cache-redis', f'{t.name}-redis'])
        host = f'{t.services[0]["name"]}.{t.ns}.svc.cluster.local'
        nso.objects.append(('aliases', None, extname_service(aname, nso.mns, host, 6379)))
        nso.aliases.append(Alias(ns, aname, t, host))
    if rng.random() < 0.12 and externals:
        e = rng.choice(externals)
        aname = rng.choice(['managed-redis', 'elasticache', 'sessions-cache', 'redis-primary'])
        if not any(a.name == aname for a in nso.aliases):
            nso.objects.append(('aliases', None, extname_service(aname, nso.mns, e.host, e.port)))
            nso.aliases.append(Alias(ns, aname, e, e.host))
    # --- candidate targets for this namespace
    cands = []
    cands += [(r, 5) for r in nso.redis]
    cands += [(a, 3) for a in nso.aliases]
    cands += [(r, 6.0 / len(shared)) for r in shared]
    others = [r for r in dept_redis if r.ns != ns]
    if not nso.overlay and others:
        cands += [(r, 2.0 / len(others)) for r in others]
    cands += [(e, 1.5 / len(externals)) for e in externals]
    if platform_aliases:
        cands += [(a, 1.0 / len(platform_aliases)) for a in platform_aliases]
    # --- namespace-wide shared ConfigMap (envFrom by several apps)
    if rng.random() < 0.2 and cands:
        t = wchoice(rng, cands)
        dummy = App(ctx, nso, 'ns-shared', 'Deployment')
        ep = endpoint(ctx, dummy, t, allow_sentinel=False)
        nso.shared_cm_name = rng.choice(['platform-endpoints', 'common-env', f'{team}-shared-config'])
        data = {'REDIS_HOST': ep['host'], 'REDIS_PORT': str(ep['port']), 'DATABASE_HOST': nso.local_pg or 'orders-db.platform-data',
                'DATABASE_PORT': '5432', 'OTEL_EXPORTER_OTLP_ENDPOINT': 'http://otel-collector.monitoring:4317'}
        if ep['tls']:
            data['REDIS_TLS'] = 'true'
        nso.objects.append(('shared', None, configmap(nso.shared_cm_name, nso.mns, data)))
        if isinstance(t, Alias):
            inner = t.target
            nso.shared_cm_target = ('abs', inner.rid())
        elif isinstance(t, External):
            nso.shared_cm_target = ('abs', t.host)
        else:
            nso.shared_cm_target = ('local', t.local_key) if t.local_key else ('abs', t.rid())
    # --- the apps
    taken = set(r.name for r in nso.redis)
    kinds = [('Deployment', 52), ('StatefulSet', 7), ('DaemonSet', 4), ('CronJob', 15), ('Job', 7), ('Rollout', 15)]
    routes = list(ROUTES)
    if nso.style == 'kustomize':
        routes.append(('kust_generator', 3))
    for i in range(n_apps):
        kind = wchoice(rng, kinds)
        name = gen_app_name(rng, nso, taken, team)
        if rng.random() < 0.02:
            # a consumer whose own name and image say redis (not a server)
            name = f'redis-{rng.choice(["session-sweeper", "key-auditor", "stream-trimmer"])}-{team}'
            if name in taken:
                name += f'-{i}'
            taken.add(name)
        app = App(ctx, nso, name, kind)
        x = rng.random()
        if x < 0.55 and cands:
            ntg = 1 if rng.random() < 0.8 else 2
            if nso.shared_cm_name and rng.random() < 0.35:
                add_target_shared(ctx, app)
                ntg -= 1
            chosen = []
            for _ in range(ntg):
                t = wchoice(rng, cands)
                if t in chosen:
                    continue
                chosen.append(t)
                if kind in ('CronJob', 'Job') and rng.random() < 0.35:
                    route = 'redis_cli'
                    if app.command:
                        route = 'env_url'
                else:
                    route = wchoice(rng, routes)
                if route == 'generic_key' and not isinstance(t, Redis) and not (isinstance(t, Alias) and isinstance(t.target, Redis)):
                    route = 'env_url'
                if route == 'redis_cli' and app.command:
                    route = 'env_split'
                add_target(ctx, app, t, route)
                ctx.count('route:' + route)
            # occasionally also some harmless redis-tuning keys
            if rng.random() < 0.25:
                p = next(iter(sorted(app.used_prefix)), 'REDIS_')
                for k, v in rng.sample([('TIMEOUT', '2s'), ('KEY_PREFIX', f'{name}:'), ('POOL_SIZE', '32')], 2):
                    if p + k not in app.used_keys:
                        app.env.append({'name': p + k, 'value': v})
        elif x < 0.72:
            add_lookalike(ctx, app, shared)
        else:
            # plain app: talks to its DB or nothing
            if nso.local_pg and rng.random() < 0.5:
                app.env.append({'name': 'PGHOST', 'value': nso.local_pg})
            app.env.append({'name': 'LOG_LEVEL', 'value': rng.choice(['info', 'debug', 'warn'])})
        finish_app(ctx, nso, app)
    nso.env_patch = None
    if nso.overlay and rng.random() < 0.5:
        plain = [a for a in nso.apps if a.kind == 'Deployment' and not a.targets and not a.routes]
        if plain:
            a = rng.choice(plain)
            t = rng.choice(shared)
            ep = endpoint(ctx, App(ctx, nso, 'patch', 'Deployment'), t, allow_sentinel=False)
            nso.env_patch = {'app': a, 'env': nso.envs[1], 'key': 'CACHE_REDIS_URL', 'value': url_of(ctx, ep),
                             'target': t.rid()}


def add_target_shared(ctx, app):
    app.targets.add(app.nso.shared_cm_target)
    app.cur = app.link_routes.setdefault(app.nso.shared_cm_target, set())
    app.tag('shared_cm')
    app.used_prefix.add('REDIS_')
    app.env_from.append({'configMapRef': {'name': app.nso.shared_cm_name}})
    ctx.count('route:shared_cm')


def finish_app(ctx, nso, app):
    rng = ctx.rng
    team = nso.ns
    if app.name.startswith('redis-'):
        image = f'{rng.choice(REGISTRIES)}/{nso.dept}/{app.name}:{rng.randint(1,9)}.{rng.randint(0,30)}.{rng.randint(0,9)}'
    else:
        image = f'{rng.choice(REGISTRIES)}/{nso.dept}/{app.name}:{rng.choice(["", "v"])}{rng.randint(1,9)}.{rng.randint(0,30)}.{rng.randint(0,9)}'
    if 'redis_cli' in app.routes:
        image = rng.choice(['redis:7.2-alpine', 'bitnami/redis:7.2', f'{rng.choice(REGISTRIES)}/tools/redis-tools:1.4.0'])
        for env in nso.envs:
            ctx.non_resources.add(f'{env}/{app.name}')
    labels = {'app': app.name, 'team': nso.dept}
    if nso.style == 'helm':
        labels = {'app.kubernetes.io/name': app.name, 'app.kubernetes.io/instance': app.name,
                  'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': f'service-{rng.randint(1,4)}.{rng.randint(0,9)}.0',
                  'app.kubernetes.io/part-of': nso.dept}
    if rng.random() < 0.3:
        labels['tier'] = 'backend'
    # bitnami "client" label when the team uses a helm redis with a NetworkPolicy
    for r in nso.redis:
        if getattr(r, 'client_label', None) and any(t == (('local', r.local_key) if r.local_key else ('abs', r.rid())) for t in app.targets):
            labels[r.client_label] = 'true'
    spec = pod_spec(ctx, app, image)
    ann = None
    if rng.random() < 0.2:
        ann = {'reloader.stakater.com/auto': 'true'}
    wl = workload(app.kind, app.name, nso.mns, labels, spec, annotations=ann)
    grp = app.name
    for o in app.extra:
        nso.objects.append((grp, None, o))
    nso.objects.append((grp, f'service/templates/{app.kind.lower()}.yaml', wl))
    if app.kind in ('Deployment', 'Rollout', 'StatefulSet') and rng.random() < 0.7:
        sel = {'app': app.name} if 'app' in labels else {'app.kubernetes.io/name': app.name, 'app.kubernetes.io/instance': app.name}
        nso.objects.append((grp, 'service/templates/service.yaml', service(app.name, nso.mns, sel, [('http', 80, 'http')])))
    if app.kind in ('Deployment', 'Rollout') and rng.random() < 0.3:
        nso.objects.append((grp, 'service/templates/hpa.yaml', {'apiVersion': 'autoscaling/v2', 'kind': 'HorizontalPodAutoscaler',
                                                               'metadata': meta(app.name, nso.mns),
                                                               'spec': {'scaleTargetRef': {'apiVersion': 'apps/v1', 'kind': app.kind, 'name': app.name},
                                                                        'minReplicas': 2, 'maxReplicas': 10}}))
    ctx.written += 1
    nso.apps.append(app)


# ----------------------------------------------------------------------------
# platform namespaces
# ----------------------------------------------------------------------------
def build_platform(ctx, n):
    rng = ctx.rng
    out = []
    cache = NS('platform-cache', 'platform', 'perfile')
    shared = []
    nshared = max(4, n // 600)
    roles = []
    for i in range(nshared):
        roles.append(REDIS_ROLES[i % len(REDIS_ROLES)] + ('' if i < len(REDIS_ROLES) else f'-{i // len(REDIS_ROLES)}'))
    for i, role in enumerate(roles):
        variant = ['bitnami-sentinel', 'plain-sts', 'bitnami-cluster', 'tls', 'bitnami', 'valkey', 'stack', 'mirror', 'deploy'][i % 9]
        rel = f'shared-{role}' if variant.startswith('bitnami') else None
        r, objs = make_redis(ctx, 'platform-cache', role, variant, helm_release=rel, objs_ns='platform-cache')
        cache.redis.append(r)
        shared.append(r)
        for src, o in objs:
            cache.objects.append(('redis-' + role, src, o))
        ctx.written += 1
        ctx.count('redis:' + variant)
    # managed Redis (external) and ExternalName services in platform-cache
    externals = []
    nex = max(6, n // 1500)
    for i in range(nex):
        kind = i % 6
        nm = rng.choice(REDIS_ROLES) + f'-{i}'
        if kind == 0:
            e = External(f'master.{nm}.{ctx.hexs(6)}.euw1.cache.amazonaws.com', 6379, True, 'elasticache')
        elif kind == 1:
            e = External(f'acme-{nm}.redis.cache.windows.net', 6380, True, 'azure')
        elif kind == 2:
            e = External(f'redis-{rng.randint(10000,19999)}.c{rng.randint(1,300)}.eu-west-1-2.ec2.redns.redis-cloud.com', rng.randint(10000, 19999), False, 'redis-cloud')
        elif kind == 3:
            e = External(f'clustercfg.{nm}.{ctx.hexs(6)}.euw1.cache.amazonaws.com', 6379, True, 'elasticache-cluster')
        elif kind == 4:
            e = External(f'eu1-{nm}-{rng.randint(10000,99999)}.upstash.io', 6379, True, 'upstash')
        else:
            e = External(f'10.{rng.randint(40,60)}.{rng.randint(0,255)}.{rng.randint(2,250)}', 6379, False, 'memorystore')
        externals.append(e)
    # platform-cache ExternalName in front of some managed ones
    for e in externals[: max(1, len(externals) // 2)]:
        aname = f'managed-{e.provider}-{externals.index(e)}'
        cache.objects.append(('managed', None, extname_service(aname, 'platform-cache', e.host, e.port)))
        cache.aliases.append(Alias('platform-cache', aname, e, e.host))
    out.append(cache)

    data = NS('platform-data', 'platform', 'multi')
    for nm, img, port, kind in [('orders-db', 'postgres:16.3', 5432, 'StatefulSet'), ('rabbitmq', 'rabbitmq:3.13-management', 5672, 'StatefulSet'),
                                ('memcached', 'memcached:1.6.29', 11211, 'Deployment'), ('kafka', 'bitnami/kafka:3.7', 9092, 'StatefulSet'),
                                ('search-es', 'docker.elastic.co/elasticsearch/elasticsearch:8.14.1', 9200, 'StatefulSet')]:
        pod = {'containers': [{'name': nm, 'image': img, 'ports': [{'name': 'main', 'containerPort': port}]}]}
        data.objects.append((nm, None, workload(kind, nm, 'platform-data', {'app': nm}, pod, replicas=1)))
        data.objects.append((nm, None, service(nm, 'platform-data', {'app': nm}, [('main', port, 'main')])))
        if kind == 'StatefulSet':
            data.objects.append((nm, None, service(nm + '-headless', 'platform-data', {'app': nm}, [('main', port, 'main')], headless=True)))
        ctx.written += 1
    out.append(data)

    tools = NS('platform-tools', 'platform', 'multi')
    pod = {'containers': [{'name': 'redisinsight', 'image': 'redis/redisinsight:2.54', 'ports': [{'name': 'http', 'containerPort': 5540}],
                           'env': [{'name': 'RI_APP_PORT', 'value': '5540'}, {'name': 'RI_LOG_LEVEL', 'value': 'info'}],
                           'volumeMounts': [{'name': 'data', 'mountPath': '/data'}]}],
           'volumes': [{'name': 'data', 'emptyDir': {}}]}
    tools.objects.append(('ri', None, workload('Deployment', 'redisinsight', 'platform-tools', {'app': 'redisinsight'}, pod, replicas=1)))
    tools.objects.append(('ri', None, service('redisinsight', 'platform-tools', {'app': 'redisinsight'}, [('http', 5540, 'http')])))
    ctx.lookalikes.add('platform-tools/Deployment/redisinsight')
    ctx.non_resources.add('platform-tools/redisinsight')
    ctx.written += 1
    # redis-commander: a consumer with its own host-list syntax (label:host:port:db)
    t = shared[0]
    host = f'{t.services[0]["name"]}.{t.ns}.svc.cluster.local'
    pod = {'containers': [{'name': 'redis-commander', 'image': 'ghcr.io/joeferner/redis-commander:0.8.1',
                           'env': [{'name': 'REDIS_HOSTS', 'value': f'sessions:{host}:6379:0'}],
                           'ports': [{'name': 'http', 'containerPort': 8081}]}]}
    tools.objects.append(('rc', None, workload('Deployment', 'redis-commander', 'platform-tools', {'app': 'redis-commander'}, pod, replicas=1)))
    ctx.truth['platform-tools/Deployment/redis-commander'] = {t.rid()}
    ctx.routes['platform-tools/Deployment/redis-commander'] = {'redis_commander_hosts'}
    ctx.link_routes['platform-tools/Deployment/redis-commander'] = {t.rid(): ['redis_commander_hosts', 'host:fqdn']}
    ctx.non_resources.add('platform-tools/redis-commander')
    ctx.written += 1
    flagd = {'containers': [{'name': 'flagd', 'image': 'ghcr.io/open-feature/flagd:v0.10.1', 'ports': [{'name': 'grpc', 'containerPort': 8013}]}]}
    tools.objects.append(('flagd', None, workload('Deployment', 'flagd', 'platform-tools', {'app': 'flagd'}, flagd)))
    tools.objects.append(('flagd', None, service('flagd', 'platform-tools', {'app': 'flagd'}, [('grpc', 8013, 'grpc')])))
    ctx.lookalikes.add('platform-tools/Deployment/flagd')
    ctx.written += 1
    out.append(tools)

    mon = NS('monitoring', 'platform', 'helm')
    for r in shared[: max(2, len(shared) // 2)]:
        nm = f'redis-exporter-{r.name}'
        svc = r.services[0]['name']
        env = [{'name': 'REDIS_ADDR', 'value': f'redis://{svc}.{r.ns}.svc.cluster.local:{r.tls_port or 6379}'.replace('redis://', 'rediss://' if r.tls_port else 'redis://')}]
        if r.pw_secret:
            env.append({'name': 'REDIS_PASSWORD_FILE', 'value': '/secrets/password'})
        pod = {'containers': [{'name': 'exporter', 'image': 'oliver006/redis_exporter:v1.62.0', 'env': env,
                               'args': ['--include-system-metrics'],
                               'ports': [{'name': 'metrics', 'containerPort': 9121}]}]}
        lbl = helm_labels(nm, 'prometheus-redis-exporter', 'metrics', '6.2.0')
        mon.objects.append((nm, 'prometheus-redis-exporter/templates/deployment.yaml', workload('Deployment', nm, 'monitoring', lbl, pod, replicas=1)))
        ctx.truth[f'monitoring/Deployment/{nm}'] = {r.rid()}
        ctx.routes[f'monitoring/Deployment/{nm}'] = {'exporter_standalone'}
        ctx.link_routes[f'monitoring/Deployment/{nm}'] = {r.rid(): ['exporter_standalone', 'host:fqdn']}
        ctx.non_resources.add(f'monitoring/{nm}')
        ctx.written += 1
    out.append(mon)
    return out, shared, externals


# ----------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------
def write_ns(ctx, root, nso):
    rng = ctx.rng
    style = {'indent_lists': rng.random() < 0.5, 'squote': rng.random() < 0.3}
    before = set(ctx.files)
    base = os.path.join(root, nso.dept, nso.ns if not nso.overlay else nso.team)
    docs = [(g, s, o) for g, s, o in nso.objects]
    if nso.style == 'multi':
        parts = []
        for g, s, o in docs:
            parts.append(to_yaml(o, style))
        head = f'# {nso.ns}: all objects of the namespace, applied by Argo CD\n' if rng.random() < 0.5 else ''
        text = head + ('---\n' if rng.random() < 0.5 else '') + '---\n'.join(parts)
        ctx.files[os.path.join(base, f'{nso.ns}.yaml')] = text
    elif nso.style == 'list':
        items = [o for _, _, o in docs]
        lst = {'apiVersion': 'v1', 'kind': 'List', 'metadata': {'resourceVersion': ''}, 'items': items}
        if rng.random() < 0.4:
            ctx.files[os.path.join(base, 'cluster-export.json')] = json.dumps(lst, indent=4) + '\n'
        else:
            ctx.files[os.path.join(base, 'cluster-export.yaml')] = to_yaml(lst, style)
    elif nso.style == 'helm':
        groups = {}
        for g, s, o in docs:
            groups.setdefault(g, []).append((s, o))
        for g, items in groups.items():
            chunks = []
            for s, o in items:
                if s is None:
                    s = 'service/templates/' + o['kind'].lower() + '.yaml'
                chunks.append(f'---\n# Source: {s}\n' + to_yaml(o, style))
            if rng.random() < 0.3:
                chunks.append('---\n# Source: service/templates/tests/test-connection.yaml\n')
            ctx.files[os.path.join(base, 'rendered', f'{g}.yaml')] = ''.join(chunks)
    elif nso.style == 'perfile':
        for g, s, o in docs:
            fn = f'{o["kind"].lower()}-{o["metadata"]["name"]}'
            if rng.random() < 0.1:
                ctx.files[os.path.join(base, fn + '.json')] = json.dumps(o, indent=2) + '\n'
            else:
                ctx.files[os.path.join(base, fn + '.yaml')] = to_yaml(o, style)
    elif nso.style == 'kustomize':
        groups = {}
        for g, s, o in docs:
            groups.setdefault(g, []).append(o)
        kdir = base if not nso.overlay else os.path.join(base, 'base')
        res = []
        for g, objs in groups.items():
            if g.startswith('redis-') and rng.random() < 0.6:
                # nested kustomization (no namespace) for the redis component
                sub = os.path.join(kdir, g)
                subres = []
                for o in objs:
                    fn = f'{o["kind"].lower()}.yaml' if f'{o["kind"].lower()}.yaml' not in subres else f'{o["kind"].lower()}-{o["metadata"]["name"]}.yaml'
                    ctx.files[os.path.join(sub, fn)] = to_yaml(o, style)
                    subres.append(fn)
                ctx.files[os.path.join(sub, 'kustomization.yaml')] = to_yaml(
                    {'apiVersion': 'kustomize.config.k8s.io/v1beta1', 'kind': 'Kustomization', 'resources': subres,
                     'labels': [{'pairs': {'component': 'redis'}, 'includeSelectors': False}]}, style)
                res.append(g)
            else:
                for o in objs:
                    if rng.random() < 0.1 and not nso.overlay:
                        o['metadata']['namespace'] = 'default'   # stale namespace, overridden by kustomize
                fn = f'{g}.yaml'
                ctx.files[os.path.join(kdir, fn)] = '---\n'.join(to_yaml(o, style) for o in objs)
                res.append(fn)
        kz = {'apiVersion': 'kustomize.config.k8s.io/v1beta1', 'kind': 'Kustomization'}
        if not nso.overlay:
            kz['namespace'] = nso.ns
        kz['resources'] = res
        gens = [a.kust_generator for a in nso.apps if a.kust_generator]
        if gens:
            kz['configMapGenerator'] = gens
            kz['generatorOptions'] = {'disableNameSuffixHash': rng.random() < 0.3}
        kz['commonLabels'] = {'team': nso.dept}
        ctx.files[os.path.join(kdir, 'kustomization.yaml')] = to_yaml(kz, style)
        if nso.overlay:
            for env in nso.envs:
                od = os.path.join(base, 'overlays', env.rsplit('-', 1)[1])
                kz = {'apiVersion': 'kustomize.config.k8s.io/v1beta1', 'kind': 'Kustomization', 'namespace': env,
                      'resources': ['../../base']}
                deps = [a for a in nso.apps if a.kind == 'Deployment']
                if deps and rng.random() < 0.7:
                    d = rng.choice(deps)
                    kz['patches'] = [{'path': 'replicas.yaml'}]
                    ctx.files[os.path.join(od, 'replicas.yaml')] = to_yaml(
                        {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': d.name},
                         'spec': {'replicas': 1 if env.endswith('staging') else 4}}, style)
                pt = nso.env_patch
                if pt and pt['env'] == env:
                    # strategic-merge patch: prod turns on a Redis cache the base does not use
                    kz.setdefault('patches', []).append({'path': 'cache-env.yaml', 'target': {'kind': 'Deployment', 'name': pt['app'].name}})
                    ctx.files[os.path.join(od, 'cache-env.yaml')] = to_yaml(
                        {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': pt['app'].name},
                         'spec': {'template': {'spec': {'containers': [{'name': pt['app'].container_name,
                                                                          'env': [{'name': pt['key'], 'value': pt['value']}]}]}}}}, style)
                ctx.files[os.path.join(od, 'kustomization.yaml')] = to_yaml(kz, style)
    else:
        raise ValueError(nso.style)
    # truth
    for env in nso.envs:
        for app in nso.apps:
            cid = f'{env}/{app.kind}/{app.name}'
            pt = getattr(nso, 'env_patch', None)
            if pt and pt['env'] == env and pt['app'] is app:
                ctx.truth[cid] = {pt['target']}
                ctx.routes[cid] = {'overlay_patch'}
                ctx.link_routes[cid] = {pt['target']: ['overlay_patch']}
            elif app.targets:
                ids = set()
                for kind, v in app.targets:
                    ids.add(f'{env}/{v}' if kind == 'local' else v)
                ctx.truth[cid] = ids
                ctx.routes[cid] = set(app.routes) | ({'crlf'} if nso.crlf else set())
                lr = {}
                for (kind, v), tags in app.link_routes.items():
                    lr[f'{env}/{v}' if kind == 'local' else v] = sorted(tags | ({'crlf'} if nso.crlf else set()))
                ctx.link_routes[cid] = lr
            else:
                ctx.lookalikes.add(cid)
                if app.routes:
                    ctx.routes[cid] = set(app.routes)
        for r in nso.redis:
            rid = f'{env}/{r.name}'
            ctx.resources[rid] = {'kind': r.kind, 'variant': r.variant}
    if nso.crlf:
        for path in set(ctx.files) - before:
            ctx.files[path] = ctx.files[path].replace('\n', '\r\n')
    if nso.dept != 'platform' and rng.random() < 0.3:
        ctx.files[os.path.join(base, 'README.md')] = (f'# {nso.ns}\n\nOwned by {nso.dept}. '
                                                      + ('Sessions live in redis; see runbook.\n' if nso.redis else 'No redis here.\n'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--workloads', '-n', type=int, default=2000)
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--truth', default=None)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    ctx = Ctx(rng, a.workloads)
    root = os.path.join(a.out, 'clusters', 'prod-eu1')
    plat, shared, externals = build_platform(ctx, a.workloads)
    for e in externals:
        ctx.resources[e.host] = {'kind': 'external', 'provider': e.provider}
    for nso in plat:
        for r in nso.redis:
            ctx.resources[r.rid()] = {'kind': r.kind, 'variant': r.variant}
    all_ns = list(plat)
    dept_redis = {d: [] for d in DEPTS}
    used_ns = set(n.ns for n in plat)
    i = 0
    while ctx.written < a.workloads:
        dept = DEPTS[i % len(DEPTS)]
        team = f'{rng.choice(TEAM_WORDS)}'
        if rng.random() < 0.3:
            team += rng.choice(['', '2', 'x', '-core', '-edge'])
        ns = f'{dept}-{team}'
        if ns in used_ns:
            ns = f'{ns}-{i}'
            team = f'{team}-{i}'
        used_ns.add(ns)
        style = wchoice(rng, [('multi', 28), ('kustomize', 27), ('helm', 22), ('perfile', 18), ('list', 5)])
        overlay = style == 'kustomize' and rng.random() < 0.3
        if overlay:
            envs = [f'{ns}-staging', f'{ns}-prod']
            for e in envs:
                used_ns.add(e)
            nso = NS(ns + '-base', dept, style, overlay=True, envs=envs)
        else:
            nso = NS(ns, dept, style)
        nso.team = ns
        nso.crlf = style in ('multi', 'perfile', 'helm') and rng.random() < 0.04
        n_apps = max(3, int(rng.gauss(24, 8)))
        n_apps = min(n_apps, max(1, a.workloads - ctx.written - 2))
        build_team(ctx, nso, n_apps, team, shared, dept_redis[dept], externals, plat[0].aliases)
        if not overlay:
            dept_redis[dept].extend(nso.redis)
        all_ns.append(nso)
        i += 1
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    for nso in all_ns:
        write_ns(ctx, root, nso)
    # a little non-manifest noise
    ctx.files[os.path.join(a.out, 'README.md')] = '# prod-eu1 GitOps repo\n\nRendered manifests per team. Redis is run by platform-cache.\n'
    ctx.files[os.path.join(a.out, '.github', 'workflows', 'validate.yml')] = (
        'name: validate\non: [pull_request]\njobs:\n  kubeconform:\n    runs-on: ubuntu-latest\n    services:\n      redis:\n        image: redis:7\n'
        '    steps:\n      - uses: actions/checkout@v4\n      - run: kubeconform -strict clusters/\n')
    for path, text in ctx.files.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', newline='') as f:
            f.write(text)
    truth_path = a.truth or (a.out.rstrip('/') + '-truth.json')
    truth = {
        'consumers': {k: sorted(v) for k, v in sorted(ctx.truth.items())},
        'lookalikes': sorted(ctx.lookalikes),
        'resources': dict(sorted(ctx.resources.items())),
        'non_resources': sorted(ctx.non_resources),
        'routes': {k: sorted(v) for k, v in sorted(ctx.routes.items())},
        'link_routes': dict(sorted(ctx.link_routes.items())),
        'stats': {'workloads_written': ctx.written, 'files': len(ctx.files), 'namespaces': len(all_ns),
                  'consumers': len(ctx.truth), 'links': sum(len(v) for v in ctx.truth.values()),
                  'lookalikes': len(ctx.lookalikes), 'counts': dict(sorted(ctx.counts.items()))},
    }
    with open(truth_path, 'w') as f:
        json.dump(truth, f, indent=1)
    print(json.dumps(truth['stats'], indent=1))


if __name__ == '__main__':
    main()
