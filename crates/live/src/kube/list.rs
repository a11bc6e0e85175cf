//! One kind in one scope (a namespace, or all of them), listed page by page
//! through its typed API and turned into scanner objects.

use ::kube::api::{Api, ApiResource, DynamicObject, ListParams, ObjectList};
use ::kube::Client;
use fallout_scan::k8s::{object_from_json, Object};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::NamespaceResourceScope;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// `kubectl apply`'s copy of the whole object: as large as the object and
/// nothing the scanner reads.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Secret types whose data is never an endpoint: a Helm release (a gzipped
/// chart) and a service-account token. Their data is dropped on arrival.
const OPAQUE_SECRET_TYPES: &[&str] = &["helm.sh/release.v1", "kubernetes.io/service-account-token"];

/// The fields of a Pod's status that are kept.
const POD_STATUS: &[&str] = &["phase", "podIP", "podIPs", "hostIP", "hostIPs"];

/// What listing one kind in one scope gave.
#[derive(Default)]
pub struct Listed {
    pub objects: Vec<Object<'static>>,
    pub pages: u32,
    /// Why the listing stopped early; the objects before it are kept.
    pub error: Option<::kube::Error>,
}

/// Where and how to list.
#[derive(Clone)]
pub struct Request {
    pub client: Client,
    pub namespace: Option<String>,
    pub context: Arc<str>,
    pub page_size: u32,
}

type ListFn = fn(Request) -> Pin<Box<dyn Future<Output = Listed> + Send>>;

/// A kind fallout lists.
pub struct Kind {
    /// `Deployment`
    pub kind: &'static str,
    /// `deployments`: the API's resource name (what RBAC rules name).
    pub resource: &'static str,
    /// `apps/v1`
    pub api_version: &'static str,
    pub list: ListFn,
}

macro_rules! kind {
    ($t:ty) => {
        Kind {
            kind: <$t as k8s_openapi::Resource>::KIND,
            resource: <$t as k8s_openapi::Resource>::URL_PATH_SEGMENT,
            api_version: <$t as k8s_openapi::Resource>::API_VERSION,
            list: |request| Box::pin(list_kind::<$t>(request)),
        }
    };
}

/// Every kind listed, in the order objects are handed to the scanner.
pub static KINDS: &[Kind] = &[
    kind!(Deployment),
    kind!(StatefulSet),
    kind!(DaemonSet),
    kind!(ReplicaSet),
    kind!(Job),
    kind!(CronJob),
    kind!(Pod),
    kind!(Service),
    kind!(EndpointSlice),
    kind!(ConfigMap),
    kind!(Secret),
    kind!(NetworkPolicy),
];

async fn list_kind<K>(request: Request) -> Listed
where
    K: ::kube::Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + k8s_openapi::Resource
        + Clone
        + DeserializeOwned
        + Serialize
        + std::fmt::Debug
        + Send
        + 'static,
{
    let Request {
        client,
        namespace,
        context,
        page_size,
    } = request;
    let erased = ApiResource::erase::<K>(&());
    let (typed, untyped): (Api<K>, Api<DynamicObject>) = match &namespace {
        Some(ns) => (
            Api::namespaced(client.clone(), ns),
            Api::namespaced_with(client, ns, &erased),
        ),
        None => (Api::all(client.clone()), Api::all_with(client, &erased)),
    };
    let mut listed = Listed::default();
    let mut token: Option<String> = None;
    let mut restarted = false;
    loop {
        let mut params = ListParams::default().limit(page_size);
        if let Some(token) = &token {
            params = params.continue_token(token);
        }
        let next = match typed.list(&params).await {
            Ok(page) => listed.take::<K, K>(page, &context, namespace.as_deref()),
            // An object the typed API cannot read (a number where the schema
            // has a string: servers that do not normalise what they serve)
            // must not hide the rest of its page: read that page untyped.
            Err(::kube::Error::SerdeError(_)) => match untyped.list(&params).await {
                Ok(page) => listed.take::<K, DynamicObject>(page, &context, namespace.as_deref()),
                Err(e) => {
                    listed.error = Some(e);
                    return listed;
                }
            },
            // The continue token expired (410 Gone) on a slow walk through a
            // large list: start over once, for a consistent snapshot.
            Err(::kube::Error::Api(status))
                if status.code == 410 && token.is_some() && !restarted =>
            {
                restarted = true;
                token = None;
                listed.objects.clear();
                continue;
            }
            Err(e) => {
                listed.error = Some(e);
                return listed;
            }
        };
        listed.pages += 1;
        match next {
            Some(next) if !next.is_empty() => token = Some(next),
            _ => return listed,
        }
    }
}

impl Listed {
    /// Keeps a page's objects; returns its continue token.
    fn take<K, T>(
        &mut self,
        page: ObjectList<T>,
        context: &str,
        namespace: Option<&str>,
    ) -> Option<String>
    where
        K: k8s_openapi::Resource,
        T: ::kube::Resource + Serialize + Clone,
    {
        self.objects.reserve(page.items.len());
        for item in page.items {
            // An object serde_json cannot serialise cannot happen with these
            // types; skip rather than fail the kind.
            if let Some(object) = to_object::<K, T>(item, context, namespace) {
                self.objects.push(object);
            }
        }
        page.metadata.continue_
    }
}

/// One API object as the scanner's `Object`, named
/// `kube://CONTEXT/NAMESPACE/KIND/NAME`.
fn to_object<K, T>(mut item: T, context: &str, namespace: Option<&str>) -> Option<Object<'static>>
where
    K: k8s_openapi::Resource,
    T: ::kube::Resource + Serialize,
{
    let meta = item.meta_mut();
    meta.managed_fields = None;
    if let Some(annotations) = meta.annotations.as_mut() {
        annotations.remove(LAST_APPLIED);
    }
    let ns = meta
        .namespace
        .clone()
        .or_else(|| namespace.map(str::to_string))
        .unwrap_or_else(|| "default".to_string());
    let name = meta.name.clone().unwrap_or_default();
    let mut value = serde_json::to_value(&item).ok()?;
    drop(item);
    let map = value.as_object_mut()?;
    // List items carry no apiVersion/kind; the scanner needs them.
    map.insert("apiVersion".into(), K::API_VERSION.into());
    map.insert("kind".into(), K::KIND.into());
    // Most of a cluster is Pods, and most of a Pod's status is conditions
    // and container statuses: keep what places the pod.
    if K::KIND == "Pod" {
        if let Some(status) = map.get_mut("status").and_then(|s| s.as_object_mut()) {
            status.retain(|key, _| POD_STATUS.contains(&key.as_str()));
        }
    }
    if K::KIND == "Secret"
        && map
            .get("type")
            .and_then(|t| t.as_str())
            .is_some_and(|t| OPAQUE_SECRET_TYPES.contains(&t))
    {
        map.remove("data");
        map.remove("stringData");
    }
    let path = format!("kube://{context}/{ns}/{}/{name}", K::KIND);
    Some(object_from_json(&path, &value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ManagedFieldsEntry, ObjectMeta};
    use k8s_openapi::ByteString;

    fn meta(name: &str) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            namespace: Some("api".into()),
            managed_fields: Some(vec![ManagedFieldsEntry {
                manager: Some("kubectl".into()),
                ..ManagedFieldsEntry::default()
            }]),
            annotations: Some(
                [
                    (LAST_APPLIED.to_string(), "{}".to_string()),
                    ("team".to_string(), "payments".to_string()),
                ]
                .into(),
            ),
            ..ObjectMeta::default()
        }
    }

    #[test]
    fn objects_are_named_typed_and_trimmed() {
        let secret = Secret {
            metadata: meta("auth"),
            data: Some([("URL".to_string(), ByteString(b"redis://r:6379".to_vec()))].into()),
            ..Secret::default()
        };
        let object = to_object::<Secret, Secret>(secret, "prod", None).unwrap();
        assert_eq!(object.path, "kube://prod/api/Secret/auth");
        assert_eq!(object.root.str_at(&["apiVersion"]), Some("v1"));
        assert_eq!(object.root.str_at(&["kind"]), Some("Secret"));
        assert_eq!(
            object.root.str_at(&["data", "URL"]),
            Some("cmVkaXM6Ly9yOjYzNzk=")
        );
        assert!(object.root.at(&["metadata", "managedFields"]).is_none());
        assert!(object
            .root
            .at(&["metadata", "annotations", LAST_APPLIED])
            .is_none());
        assert_eq!(
            object.root.str_at(&["metadata", "annotations", "team"]),
            Some("payments")
        );
    }

    #[test]
    fn helm_release_secrets_keep_no_data() {
        let secret = Secret {
            metadata: meta("sh.helm.release.v1.redis.v3"),
            type_: Some("helm.sh/release.v1".into()),
            data: Some([("release".to_string(), ByteString(vec![0x1f; 64]))].into()),
            ..Secret::default()
        };
        let object = to_object::<Secret, Secret>(secret, "prod", None).unwrap();
        assert!(object.root.at(&["data"]).is_none());
        assert_eq!(object.root.str_at(&["type"]), Some("helm.sh/release.v1"));
    }
}
