//! Kubernetes manifests: workloads, Services, ConfigMaps, Secrets,
//! NetworkPolicies and Pods, from files or from the API (as JSON).
//! Pure: objects in, facts and diagnostics out.

use crate::yaml::Node;
use crate::Scanned;
use fallout_core::Diagnostic;

/// One Kubernetes object and where it came from: a file path (lines are
/// real) or `kube://CONTEXT/NAMESPACE/KIND/NAME` (line 0).
#[derive(Clone, Debug)]
pub struct Object {
    pub path: String,
    pub root: Node,
}

/// Scanner settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Namespace for objects that name none.
    pub default_namespace: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            default_namespace: "default".into(),
        }
    }
}

/// Whether a file's text looks like Kubernetes manifests (an `apiVersion`
/// and a `kind` at the top level of some document).
pub fn looks_like_manifest(_text: &str) -> bool {
    todo!()
}

/// Parses a YAML or JSON stream into Kubernetes objects. Documents that are
/// not Kubernetes objects are passed over; `kind: List` is flattened; a
/// document that does not parse is an error diagnostic at `path:line:col`.
pub fn parse_manifests(_path: &str, _text: &str) -> (Vec<Object>, Vec<Diagnostic>) {
    todo!()
}

/// An object fetched from the API, as JSON.
pub fn object_from_json(path: &str, value: &serde_json::Value) -> Object {
    Object {
        path: path.to_string(),
        root: Node::from_json(value),
    }
}

/// Facts from a set of objects (they see each other: a workload's
/// `configMapKeyRef` is resolved against the ConfigMaps among them).
pub fn scan_objects(_objects: &[Object], _opts: &Options) -> Scanned {
    todo!()
}
