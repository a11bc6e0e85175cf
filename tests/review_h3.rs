//! Review H3: what the CLI says on realistic repositories it had not seen.

use crate::support::{fallout, tree};

/// A consumer naming a Service whose pods run an image fallout does not
/// know as Redis was told the name "names no Redis in the scanned sources",
/// though the Service and its workload are right there: the note now names
/// the Service and what it selects, and says verdicts treat it as reached
/// directly.
#[test]
fn a_service_over_an_unknown_image_is_named_in_the_note() {
    let kv = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: kv, namespace: harbor}\nspec:\n  template:\n    metadata:\n      labels: {app: kv}\n    spec:\n      containers:\n        - name: kv\n          image: myorg/kv-store:1\n---\napiVersion: v1\nkind: Service\nmetadata: {name: harbor-redis, namespace: harbor}\nspec:\n  selector: {app: kv}\n  ports:\n    - {port: 6379, targetPort: 6379}\n";
    let core = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: core, namespace: harbor}\nspec:\n  template:\n    spec:\n      containers:\n        - name: core\n          image: goharbor/harbor-core:v2\n          env:\n            - {name: REDIS_URL, value: \"redis://harbor-redis:6379/0\"}\n";
    let dir = tree(&[("kv.yaml", kv), ("core.yaml", core)]);
    let run = fallout(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "core.yaml:11: `harbor-redis` is the Service harbor/harbor-redis, which selects harbor/StatefulSet/kv: its image and command are not ones fallout knows as a Redis server; it is kept as the external resource harbor-redis.harbor"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("names no Redis"), "{}", run.stdout);
}
