//! Running the built binary.

use std::process::{Command, Output};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `fallout` with `args` from the repository root.
pub fn fallout(args: &[&str]) -> Run {
    fallout_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs `fallout` with `args` from `dir` (`fallout scan .` as CI runs it).
pub fn fallout_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_fallout"))
        .args(args)
        .current_dir(dir)
        .env_remove("FALLOUT_REDIS_PASSWORD")
        .env_remove("REDISCLI_AUTH")
        .output()
        .expect("run fallout");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `fallout ... --format json`, parsed.
pub fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = fallout(&all);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout))
}

/// The resource with this id in a `fallout/v1` document.
pub fn resource<'a>(doc: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    doc["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("no resource {id} in {doc:#}"))
}

/// (consumer id, field) for every consumer of a resource, sorted.
pub fn consumers(resource: &serde_json::Value, field: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = resource["consumers"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    let v = &c[field];
                    let v = v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string());
                    (c["id"].as_str().unwrap_or_default().to_string(), v)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// A temporary tree of `(path, text)` files.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The id of every resource, in order.
pub fn ids(doc: &serde_json::Value) -> Vec<String> {
    doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}
