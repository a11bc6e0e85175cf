//! Operators that connect to a Redis on a workload's behalf, read from
//! their own objects rather than from a container's environment: a Dapr
//! component of a Redis type, loaded by the daprd sidecar of each Dapr app
//! it is meant for ([`dapr`]), and a KEDA scaler with a Redis trigger,
//! which the KEDA operator polls ([`keda`]).
//!
//! Their settings go through the shared endpoint finder like any other
//! (`settings::find_endpoints`), under key names it knows; only the
//! operator's own rules (who loads a component, which environment a
//! trigger reads, what it defaults to) are here.

mod dapr;
mod keda;

use super::{Ctx, DataMap, Obj};
use crate::yaml::Node;
use crate::Scanned;
use fallout_core::{ConsumerId, Origin, RedisServer};
use foldhash::HashMap;

/// Facts and diagnostics of the Dapr components and KEDA scalers among
/// the objects. `servers` are the Redis the workloads run (a component on
/// `localhost` names its app's own).
pub(super) fn scan(
    ctx: &Ctx<'_, '_>,
    servers: &HashMap<ConsumerId, RedisServer>,
    out: &mut Scanned,
) {
    let components = copies(ctx.objs.iter().filter(|o| dapr::is_component(o)));
    let scalers = copies(ctx.objs.iter().filter(|o| keda::is_scaler(o)));
    if !components.is_empty() {
        dapr::scan(ctx, &components, servers, out);
    }
    if !scalers.is_empty() {
        keda::scan(ctx, &scalers, out);
    }
}

/// One object as the scan holds it: its copy and the kustomize patches of
/// it, in the order they apply. A custom resource has no merge keys, so a
/// patch's list (`spec.metadata`, `spec.triggers`) stands in place of the
/// object's whole, as `kubectl kustomize` renders it.
struct Copies<'i, 'a> {
    copies: Vec<&'i Obj<'a>>,
}

impl<'i, 'a> Copies<'i, 'a> {
    /// The object itself: its namespace, name and labels.
    fn object(&self) -> &'i Obj<'a> {
        self.copies[0]
    }

    /// The field at `path` as the last copy that writes it has it, with
    /// that copy (whose file the field's lines are in).
    fn field(&self, path: &[&str]) -> Option<(&'i Obj<'a>, &'a Node<'a>)> {
        self.copies
            .iter()
            .rev()
            .find_map(|o| Some((*o, o.root.at(path)?)))
    }
}

/// The objects grouped by namespace, kind and name, in the order first
/// seen; a patch of nothing among them is dropped.
fn copies<'i, 'a>(objs: impl Iterator<Item = &'i Obj<'a>>) -> Vec<Copies<'i, 'a>> {
    let mut out: Vec<Copies<'i, 'a>> = Vec::new();
    let mut at: HashMap<(&str, &str, &str), usize> = HashMap::default();
    for o in objs {
        match at.get(&(o.ns, o.kind, o.name)) {
            Some(&i) => out[i].copies.push(o),
            None if o.patch => {}
            None => {
                at.insert((o.ns, o.kind, o.name), out.len());
                out.push(Copies { copies: vec![o] });
            }
        }
    }
    out
}

/// A key of a Secret or ConfigMap of namespace `ns` as the scan holds it.
enum Looked {
    /// Its value (`None` when it cannot be read: not base64, not text) and
    /// where it is written.
    Found(Option<String>, Origin),
    /// The object is in the scan, the key is not.
    KeyMissing,
    /// The object is not among the scanned objects.
    Missing,
}

impl Looked {
    fn secret(ctx: &Ctx<'_, '_>, ns: &str, name: &str, key: &str) -> Looked {
        Looked::of(ctx.index.secrets.get(&(ns, name)).map(|(_, d)| d), key)
    }

    fn config_map(ctx: &Ctx<'_, '_>, ns: &str, name: &str, key: &str) -> Looked {
        Looked::of(ctx.index.config_maps.get(&(ns, name)).map(|(_, d)| d), key)
    }

    fn of(data: Option<&DataMap<'_>>, key: &str) -> Looked {
        match data.map(|d| d.get(key)) {
            Some(Some(entry)) => Looked::Found(entry.value.clone(), entry.origin()),
            Some(None) => Looked::KeyMissing,
            None => Looked::Missing,
        }
    }

    /// Why the value is not known, for an evidence detail.
    fn why(&self) -> &'static str {
        match self {
            Looked::Found(..) => "its value cannot be read",
            Looked::KeyMissing => "key not found",
            Looked::Missing => "not among the scanned objects",
        }
    }
}
