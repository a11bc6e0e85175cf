//! Finding the resource a change names: by id, any alias, `host:port`, a
//! ClusterIP, a headless pod name or its bare name when that is unique.

use crate::names::{normalize, service_names};
use crate::Options;
use fallout_core::endpoint::split_host_port;
use fallout_core::{Inventory, Origin, Resource};
use std::collections::BTreeSet;
use std::fmt;

/// A target that names no resource, or several.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetError {
    /// The target as given.
    pub target: String,
    /// Resource ids to choose from: the matching ones when ambiguous, else
    /// every id (those containing the target first).
    pub candidates: Vec<String>,
    /// Several resources match.
    pub ambiguous: bool,
    /// The ids whose names are closest to the target (a typo), best first.
    pub suggestions: Vec<String>,
}

/// At most this many resource ids are listed after a miss.
const LISTED: usize = 12;

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ambiguous {
            write!(
                f,
                "`{}` matches several resources: {}; name one by its id",
                self.target,
                self.candidates.join(", ")
            )
        } else {
            write!(f, "no resource matches `{}`", self.target)?;
            if !self.suggestions.is_empty() {
                write!(f, "; did you mean {}?", self.suggestions.join(" or "))?;
                write!(f, " Known resources: ")?;
            } else {
                write!(f, "; known resources: ")?;
            }
            let shown = self.candidates.len().min(LISTED);
            write!(f, "{}", self.candidates[..shown].join(", "))?;
            if self.candidates.is_empty() {
                write!(f, "(none)")?;
            } else if self.candidates.len() > shown {
                write!(
                    f,
                    " and {} more (`fallout scan` lists them all)",
                    self.candidates.len() - shown
                )?;
            }
            Ok(())
        }
    }
}

impl std::error::Error for TargetError {}

/// The index in `inv.resources` of the resource `target` names.
pub fn find_target(inv: &Inventory, target: &str, opts: &Options) -> Result<usize, TargetError> {
    let wanted = normalize(target);
    let mut exact: BTreeSet<usize> = BTreeSet::new();
    for (i, res) in inv.resources.iter().enumerate() {
        if names(res, &wanted, opts) {
            exact.insert(i);
        }
    }
    if exact.is_empty() {
        if let Some((host, Some(port))) = split_host_port(&wanted) {
            for (i, res) in inv.resources.iter().enumerate() {
                if names(res, &host, opts) && serves_port(res, port) {
                    exact.insert(i);
                }
            }
            // `redis:6379`, `cache-master:6379`: the bare name with a port.
            if exact.is_empty() {
                for (i, res) in inv.resources.iter().enumerate() {
                    if bare_name(res, &host) && serves_port(res, port) {
                        exact.insert(i);
                    }
                }
            }
        }
    }
    if exact.is_empty() {
        // `file#service` naming the file that defines the service: a service
        // of an included compose file is one of the including project's
        // (`compose.yaml#valkey`), but it is read in its own file.
        if let Some((file, service)) = wanted.split_once('#') {
            for (i, res) in inv.resources.iter().enumerate() {
                let defined_in = match &res.defined_by {
                    Some(Origin::File { path, .. }) => path.eq_ignore_ascii_case(file),
                    _ => false,
                };
                if defined_in && res.id.contains('#') && res.name.eq_ignore_ascii_case(service) {
                    exact.insert(i);
                }
            }
        }
    }
    if exact.is_empty() && wanted.contains('#') && !wanted.starts_with('/') {
        // `compose.yml#redis` scanning a folder above it: its id carries
        // the folder (`misskey/compose.yml#redis`).
        let suffix = format!("/{wanted}");
        for (i, res) in inv.resources.iter().enumerate() {
            if res.id.to_ascii_lowercase().ends_with(&suffix) {
                exact.insert(i);
            }
        }
    }
    // A bare name that is an external host's id (`redis`, what consumers
    // wrote) and also the name of defined resources (`n/redis`): which one
    // is meant is not for us to guess.
    if let (1, Some(&i)) = (exact.len(), exact.first()) {
        if inv.resources[i].external && !wanted.contains(['.', '/', ':']) {
            for (j, res) in inv.resources.iter().enumerate() {
                if !res.external && res.name.eq_ignore_ascii_case(&wanted) {
                    exact.insert(j);
                }
            }
        }
    }
    if exact.is_empty() {
        // The bare name, when only one resource has it.
        for (i, res) in inv.resources.iter().enumerate() {
            // `default/redis` when two servers of the namespace have that
            // name (`default/Deployment/redis`, `default/StatefulSet/redis`):
            // both, for the user to choose.
            let in_namespace = res.namespace.as_deref().is_some_and(|ns| {
                wanted.split_once('/').is_some_and(|(n, name)| {
                    n.eq_ignore_ascii_case(ns) && name.eq_ignore_ascii_case(&res.name)
                })
            });
            if res.name.eq_ignore_ascii_case(&wanted) || in_namespace {
                exact.insert(i);
            }
        }
    }
    if exact.is_empty() {
        // Then an external host consumers wrote as this short name
        // (`cache-master`, kept as `cache-master.default`): only when no
        // resource has the name itself.
        for (i, res) in inv.resources.iter().enumerate() {
            if bare_name(res, &wanted) {
                exact.insert(i);
            }
        }
    }
    match exact.len() {
        1 => Ok(*exact.iter().next().unwrap_or(&0)),
        0 => {
            let (mut near, mut rest): (Vec<String>, Vec<String>) =
                inv.resources.iter().map(|r| r.id.clone()).partition(|id| {
                    !wanted.is_empty() && id.to_ascii_lowercase().contains(&wanted)
                });
            near.append(&mut rest);
            Err(TargetError {
                target: target.to_string(),
                candidates: near,
                ambiguous: false,
                suggestions: closest(inv, &wanted, opts),
            })
        }
        _ => Err(TargetError {
            target: target.to_string(),
            candidates: exact.iter().map(|&i| inv.resources[i].id.clone()).collect(),
            ambiguous: true,
            suggestions: Vec::new(),
        }),
    }
}

/// Resource ids one of whose names is within a typo of `wanted` (edits
/// under a quarter of the length, transpositions counting one), best first,
/// at most three.
fn closest(inv: &Inventory, wanted: &str, opts: &Options) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = inv
        .resources
        .iter()
        .map(|res| {
            let mut names = vec![res.id.to_ascii_lowercase(), res.name.to_ascii_lowercase()];
            names.extend(res.aliases.iter().map(|a| a.to_ascii_lowercase()));
            if let Some(ns) = &res.namespace {
                names.extend(service_names(ns, &res.name, &opts.cluster_domain));
            }
            let best = names
                .iter()
                .map(|n| strsim::normalized_damerau_levenshtein(wanted, n))
                .fold(0.0, f64::max);
            (best, res.id.as_str())
        })
        .filter(|(score, _)| *score >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, id)| id.to_string())
        .collect()
}

/// Whether `name` is `res`'s bare name: its name, or for an external
/// host that consumers wrote as a short name (`cache-master`, kept as
/// `cache-master.default`, qualified by their namespace), that short name.
fn bare_name(res: &Resource, name: &str) -> bool {
    if res.name.eq_ignore_ascii_case(name) {
        return true;
    }
    res.external
        && !name.is_empty()
        && !name.contains('.')
        && res.name.len() > name.len() + 1
        && res.name.is_char_boundary(name.len())
        && res.name[..name.len()].eq_ignore_ascii_case(name)
        && res.name[name.len()..].starts_with('.')
        && !res.name[name.len() + 1..].contains('.')
}

/// Whether `name` (normalised) is one of `res`'s names.
fn names(res: &Resource, name: &str, opts: &Options) -> bool {
    if res.id.eq_ignore_ascii_case(name) || res.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    {
        return true;
    }
    // An external host written as a short name in a namespace
    // (`cache-master.default`): its Service names there too
    // (`cache-master.default.svc.cluster.local`).
    if res.external && res.namespace.is_none() {
        if let Some((short, ns)) = res.name.split_once('.') {
            if !ns.contains('.')
                && service_names(ns, short, &opts.cluster_domain)
                    .iter()
                    .any(|q| q.eq_ignore_ascii_case(name))
            {
                return true;
            }
        }
    }
    if let Some(ns) = &res.namespace {
        let qualified = service_names(ns, &res.name, &opts.cluster_domain);
        if qualified.iter().any(|q| q == name) {
            return true;
        }
        // A headless pod name: `<name>-<n>.<alias>`.
        if let Some((pod, rest)) = name.split_once('.') {
            if let Some((workload, ordinal)) = pod.rsplit_once('-') {
                if workload.eq_ignore_ascii_case(&res.name)
                    && !ordinal.is_empty()
                    && ordinal.bytes().all(|b| b.is_ascii_digit())
                    && res.aliases.iter().any(|a| a.eq_ignore_ascii_case(rest))
                {
                    return true;
                }
            }
        }
    }
    false
}

/// Whether `port` reaches `res`: its own ports, or a port its consumers
/// reach it on (a Service port).
fn serves_port(res: &Resource, port: u16) -> bool {
    Some(port) == res.port
        || Some(port) == res.tls_port
        || res
            .consumers
            .iter()
            .flat_map(|c| &c.links)
            .any(|l| l.endpoint.port_or_default() == port)
}
