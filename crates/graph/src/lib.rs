//! The graph: merges the facts of every scanner into resources and their
//! consumers (identity resolution), then says what a change does to each
//! consumer (the impact engine). Pure: no IO, no printing.
//!
//! - [`build`] turns facts into an [`Inventory`](fallout_core::Inventory):
//!   the many names of one Redis become one resource, references become
//!   consumers with their links and evidence.
//! - [`find_target`] picks the resource a change names.
//! - [`impact`] gives each consumer of that resource a verdict with reasons;
//!   [`apply_approvals`] and [`failing`] turn that into a gate.

pub mod attribute;
mod build;
pub mod catalog;
mod impact;
mod names;
mod target;

pub use build::build;
pub use impact::{apply_approvals, failing, impact, FailOn, FailOnError};
pub use target::{find_target, TargetError};

/// How identity is resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The Kubernetes cluster domain (`svc.<domain>` names).
    pub cluster_domain: String,
    /// Label or annotation keys that name a workload's owner, first match wins.
    pub owner_keys: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            cluster_domain: "cluster.local".to_string(),
            owner_keys: vec![
                "team".to_string(),
                "owner".to_string(),
                "app.kubernetes.io/part-of".to_string(),
            ],
        }
    }
}

impl Options {
    /// The owner named by the first of `owner_keys` present in `labels`.
    pub fn owner(&self, labels: &std::collections::BTreeMap<String, String>) -> Option<String> {
        self.owner_keys
            .iter()
            .filter_map(|k| labels.get(k))
            .map(|v| v.trim())
            .find(|v| !v.is_empty())
            .map(str::to_string)
    }
}

#[cfg(test)]
mod tests;
