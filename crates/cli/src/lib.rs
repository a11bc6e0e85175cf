//! The `fallout` front end: arguments, reading sources, the pipeline
//! (scan → graph → impact → reports) and the exit status. The only crate
//! that prints.

mod args;
mod docs_catalog;
mod input;
mod spec;

use args::{Cli, Command, Common};
use clap::Parser;
use fallout_core::{Change, Diagnostic, Fact, Inventory, Severity};
use fallout_graph::FailOn;
use fallout_report::{Format, Gate, View};
use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;

/// Exit status, documented in docs/cli.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above the fail level.
    Ok = 0,
    /// The gate failed.
    GateFailed = 1,
    /// Usage error, unreadable input with --strict, or a source that could not be reached.
    Error = 2,
}

/// Runs the command line; returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Error as i32
            } else {
                Exit::Ok as i32
            };
        }
    };
    match run(cli) {
        Ok(exit) => exit as i32,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "error: {message}");
            Exit::Error as i32
        }
    }
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

fn run(cli: Cli) -> Result<Exit, String> {
    let (kind, paths, common) = match &cli.command {
        Command::Scan { paths, common } => (fallout_report::Command::Scan, paths, common),
        Command::Impact { paths, common, .. } => (fallout_report::Command::Impact, paths, common),
        Command::Check { paths, common, .. } => (fallout_report::Command::Check, paths, common),
        Command::Graph { paths, common } => (fallout_report::Command::Graph, paths, common),
    };
    let default_format = if kind == fallout_report::Command::Graph {
        Format::Mermaid
    } else {
        Format::Table
    };
    let format = match &common.format {
        Some(f) => Format::from_str(f).map_err(|e| e.to_string())?,
        None => default_format,
    };
    let graph_format = |f: Format| matches!(f, Format::Dot | Format::Mermaid | Format::Json);
    if kind == fallout_report::Command::Graph && !graph_format(format) {
        return Err(format!(
            "`fallout graph` writes dot, mermaid or json, not {}",
            format.as_str()
        ));
    }
    let reports = parse_reports(&common.reports)?;
    if kind == fallout_report::Command::Graph {
        if let Some((f, file)) = reports.iter().find(|(f, _)| !graph_format(*f)) {
            return Err(format!(
                "--report {}={}: `fallout graph` writes dot, mermaid or json, not {}; for a {} report run `fallout scan`",
                f.as_str(),
                file.display(),
                f.as_str(),
                f.as_str()
            ));
        }
    }
    live_flags_need_a_server(common)?;

    // The change and approvals are read before any scanning: a bad change
    // file fails fast.
    // `impact TARGET --change FILE`: the file names a target too; both must
    // name the same resource (checked once the resources are known).
    let mut file_target: Option<(String, PathBuf)> = None;
    let mut impact_paths: Option<Vec<PathBuf>> = None;
    let (change, approvals, fail_on) = match &cli.command {
        Command::Impact {
            target,
            paths,
            set,
            change,
            approvals,
            fail_on,
            ..
        } => {
            let mut c = match change {
                Some(path) => spec::read_change(path)?,
                None => Change::default(),
            };
            match change {
                // `impact DIR --change FILE`: the file's target, and DIR is
                // a path to scan.
                Some(_) if looks_like_path(target) && !c.target.is_empty() => {
                    let mut all = vec![PathBuf::from(target)];
                    all.extend(paths.iter().cloned());
                    impact_paths = Some(all);
                }
                Some(path) => {
                    if !c.target.eq_ignore_ascii_case(target) {
                        file_target = Some((std::mem::take(&mut c.target), path.clone()));
                    }
                    c.target = target.clone();
                }
                None => c.target = target.clone(),
            }
            for item in set {
                c.settings.push(spec::parse_set(item)?);
            }
            spec::no_conflicts(&c.settings)?;
            if c.settings.is_empty() {
                return Err("impact needs a change: --set KEY=VALUE (e.g. --set tls=required) or --change FILE".into());
            }
            let approvals = approvals.as_deref().map(spec::read_approvals).transpose()?;
            let fail_on = fail_on.as_deref().map(parse_fail_on).transpose()?;
            (Some(c), approvals, fail_on)
        }
        Command::Check {
            change,
            approvals,
            fail_on,
            ..
        } => {
            let c = spec::read_change(change)?;
            let approvals = approvals.as_deref().map(spec::read_approvals).transpose()?;
            let fail_on = Some(
                fail_on
                    .as_deref()
                    .map(parse_fail_on)
                    .transpose()?
                    .unwrap_or(FailOn::Breaks),
            );
            (Some(c), approvals, fail_on)
        }
        _ => (None, None, None),
    };

    let live_sources = !common.redis.is_empty()
        || !common.client_lists.is_empty()
        || common.kube
        || common.kube_context.is_some();
    let paths = impact_paths.as_ref().unwrap_or(paths);
    let paths: Vec<PathBuf> = if paths.is_empty() && !live_sources {
        vec![PathBuf::from(".")]
    } else {
        paths.clone()
    };

    let catalog = docs_catalog::load(&paths, common)?;
    if fail_on == Some(FailOn::Undocumented) && !catalog.checks_documentation() {
        return Err(
            "--fail-on undocumented needs documentation to compare with: \
                    --catalog PATH (a Backstage catalog-info.yaml or a fallout.yaml), \
                    --config FILE, or a fallout.yaml at the root of a scanned folder"
                .into(),
        );
    }
    let timer = Timings::start();
    let (facts, mut diagnostics) = gather(&paths, common, &catalog, &timer)?;
    timer.lap("scan");
    let graph_opts = graph_options(common);
    let mut inventory = fallout_graph::build(&facts, &graph_opts);
    timer.lap("graph");
    // Freed off the main thread: the process exits without waiting for it.
    std::thread::spawn(move || drop(facts));
    fallout_graph::catalog::apply(&mut inventory, &catalog);
    diagnostics.append(&mut inventory.diagnostics);
    diagnostics
        .sort_by(|a, b| (&a.path, a.line, a.col, a.code).cmp(&(&b.path, b.line, b.col, b.code)));
    diagnostics.dedup();
    inventory.diagnostics = diagnostics;

    let mut gate = None;
    let view_inventory = match &change {
        Some(change) => {
            let idx = fallout_graph::find_target(&inventory, &change.target, &graph_opts)
                .map_err(|e| e.to_string())?;
            if let Some((other, file)) = &file_target {
                let theirs = fallout_graph::find_target(&inventory, other, &graph_opts)
                    .map_err(|e| format!("{}: target: {e}", file.display()))?;
                if theirs != idx {
                    return Err(format!(
                        "TARGET `{}` is {}, but {} names `{other}` ({}); give the target once, or make them agree",
                        change.target,
                        inventory.resources[idx].id,
                        file.display(),
                        inventory.resources[theirs].id
                    ));
                }
            }
            // Approvals signed for another resource's change pass no gate.
            if let Some((theirs, at)) = approvals.as_ref().and_then(|a| a.target.as_ref()) {
                let other = fallout_graph::find_target(&inventory, theirs, &graph_opts)
                    .map_err(|e| format!("{at}: target: {e}"))?;
                if other != idx {
                    return Err(format!(
                        "{at}: these approvals are for `{theirs}` ({}), but the change targets `{}` ({}): they were signed for another change; use the approvals file of this change, or correct its `target:`",
                        inventory.resources[other].id, change.target, inventory.resources[idx].id
                    ));
                }
            }
            let mut resource = inventory.resources.swap_remove(idx);
            fallout_graph::impact(&mut resource, change);
            if let Some(approvals) = &approvals {
                let warnings = fallout_graph::apply_approvals(&mut resource, &approvals.list);
                inventory.diagnostics.extend(warnings);
            }
            if let Some(level) = fail_on {
                let failing: Vec<String> = fallout_graph::failing(&resource, level)
                    .iter()
                    .map(|c| c.id.to_string())
                    .collect();
                gate = Some(Gate {
                    failed: !failing.is_empty(),
                    fail_on: vec![level.as_str().to_string()],
                    failing,
                });
            }
            Inventory {
                resources: vec![resource],
                diagnostics: std::mem::take(&mut inventory.diagnostics),
                documentation_checked: inventory.documentation_checked,
            }
        }
        None => inventory,
    };

    timer.lap("impact");
    let view = View {
        inventory: &view_inventory,
        command: kind,
        change: change.as_ref(),
        gate: gate.as_ref(),
        version: version(),
    };
    let mut stdout = std::io::stdout().lock();
    // Written in parts through a buffer: the JSON report is as large as
    // the tree scanned, and is never held whole.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut stdout);
    fallout_report::render_to(format, &view, &mut buffered)
        .and_then(|()| buffered.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    drop(buffered);
    for (fmt, file) in &reports {
        std::fs::write(file, fallout_report::render(*fmt, &view)).map_err(|e| {
            format!(
                "{}: cannot write the {} report: {e}",
                file.display(),
                fmt.as_str()
            )
        })?;
    }
    timer.lap("render");
    // Reports other than the table do not show diagnostics to a person.
    if format != Format::Table {
        let mut stderr = std::io::stderr().lock();
        for d in &view_inventory.diagnostics {
            if d.severity != Severity::Info {
                let _ = writeln!(stderr, "{}", show_diagnostic(d));
            }
        }
    }

    if common.strict {
        let bad = view_inventory
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .count();
        if bad > 0 {
            let _ = writeln!(
                std::io::stderr(),
                "error: --strict: {bad} input problem(s) above"
            );
            return Ok(Exit::Error);
        }
    } else {
        // An `error:` line above and exit 0 would read as a contradiction:
        // say that the run went on without that input, and how to fail on it.
        let errors = view_inventory
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        if errors > 0 {
            let (what, it) = if errors == 1 {
                ("input error", "it")
            } else {
                ("input errors", "them")
            };
            let _ = writeln!(
                std::io::stderr(),
                "note: {errors} {what} above; the rest was scanned (use --strict to fail on {it})"
            );
        }
    }
    let exit = if gate.is_some_and(|g| g.failed) {
        Exit::GateFailed
    } else {
        Exit::Ok
    };
    // The process exits next: freeing tens of thousands of consumers one by
    // one would only delay it.
    std::mem::forget(view_inventory);
    Ok(exit)
}

/// `impact X --change FILE`: X is a path to scan (the file names the
/// target) when it exists and is written as one (`deploy/`, `./deploy`,
/// `.`, `all.yaml`); a bare word is a TARGET, checked against the file's.
fn looks_like_path(text: &str) -> bool {
    std::path::Path::new(text).exists()
        && (text.contains('/')
            || text.starts_with('.')
            || [".yaml", ".yml", ".json"].iter().any(|e| text.ends_with(e)))
}

/// Phase timings on stderr when `FALLOUT_TIMINGS` is set (for profiling;
/// the benchmark is `cargo run --release -p fallout-bench --bin fallout-bench`).
/// Each phase's wall time, and its CPU time over every thread (Linux; at
/// the kernel's 10 ms tick), which shows how much of it ran in parallel.
struct Timings(Option<std::cell::Cell<(std::time::Instant, ProcStat)>>);

impl Timings {
    fn start() -> Timings {
        Timings(
            std::env::var_os("FALLOUT_TIMINGS")
                .map(|_| std::cell::Cell::new((std::time::Instant::now(), ProcStat::now()))),
        )
    }

    fn lap(&self, phase: &str) {
        if let Some(cell) = &self.0 {
            let (now, stat) = (std::time::Instant::now(), ProcStat::now());
            let (then, before) = cell.replace((now, stat));
            let ms = now.duration_since(then).as_secs_f64() * 1e3;
            let _ = writeln!(
                std::io::stderr(),
                "timing: {phase}: {ms:.1} ms (cpu {:.0} ms, sys {:.0} ms, {} page faults, rss {} MiB)",
                stat.user_ms + stat.sys_ms - before.user_ms - before.sys_ms,
                stat.sys_ms - before.sys_ms,
                stat.faults - before.faults,
                stat.rss_mib,
            );
        }
    }
}

/// What `/proc/self/stat` says of the process so far (zeros where there is
/// none): CPU in user and system mode, minor page faults, resident size.
/// On a virtual machine a first touch of a page costs microseconds, so the
/// faults are time (docs/decisions.md, "Fifth round").
#[derive(Clone, Copy)]
struct ProcStat {
    user_ms: f64,
    sys_ms: f64,
    faults: u64,
    rss_mib: u64,
}

impl ProcStat {
    fn now() -> ProcStat {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        // After the command name, which may hold spaces: field 3 on.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let field = |n: usize| -> f64 {
            rest.split_whitespace()
                .nth(n - 3)
                .and_then(|t| t.parse().ok())
                .unwrap_or(0.0)
        };
        ProcStat {
            user_ms: field(14) * 10.0,
            sys_ms: field(15) * 10.0,
            faults: field(10) as u64,
            rss_mib: (field(24) as u64 * 4096) >> 20,
        }
    }
}

fn show_diagnostic(d: &Diagnostic) -> String {
    let mut place = String::new();
    if let Some(p) = &d.path {
        place.push_str(p);
        if let Some(l) = d.line {
            place.push_str(&format!(":{l}"));
            if let Some(c) = d.col {
                place.push_str(&format!(":{c}"));
            }
        }
        place.push_str(": ");
    }
    let sev = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    format!("{sev}: {place}{} [{}]", d.message, d.code)
}

/// `--observe` and `--every` time the sampling of a live server: without
/// `--redis` there is nothing to sample, and ignoring them would let a
/// reader believe a window was watched.
fn live_flags_need_a_server(common: &Common) -> Result<(), String> {
    if !common.redis.is_empty() {
        return Ok(());
    }
    let given: Vec<String> = [("--observe", &common.observe), ("--every", &common.every)]
        .into_iter()
        .filter_map(|(flag, value)| value.as_ref().map(|v| format!("{flag} {v}")))
        .collect();
    if given.is_empty() {
        return Ok(());
    }
    let dumps = if common.client_lists.is_empty() {
        ""
    } else {
        " (a --client-list dump is one saved sample: it has no window)"
    };
    Err(format!(
        "{} samples a live server over time and needs one: --redis URL (e.g. --redis redis://127.0.0.1:6379){dumps}",
        given.join(" ")
    ))
}

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    FailOn::from_str(text).map_err(|e| format!("--fail-on: {e}"))
}

fn parse_reports(items: &[String]) -> Result<Vec<(Format, PathBuf)>, String> {
    items
        .iter()
        .map(|item| {
            let (fmt, file) = item.split_once('=').ok_or_else(|| {
                format!("--report {item}: expected FORMAT=FILE, e.g. --report sarif=fallout.sarif")
            })?;
            let fmt = Format::from_str(fmt).map_err(|e| format!("--report {item}: {e}"))?;
            Ok((fmt, PathBuf::from(file)))
        })
        .collect()
}

fn graph_options(common: &Common) -> fallout_graph::Options {
    let mut opts = fallout_graph::Options {
        cluster_domain: common.cluster_domain.clone(),
        ..Default::default()
    };
    if !common.owner_keys.is_empty() {
        opts.owner_keys = common.owner_keys.clone();
    }
    opts
}

/// Every source, scanned into facts.
fn gather(
    paths: &[PathBuf],
    common: &Common,
    catalog: &fallout_scan::catalog::Catalog,
    timer: &Timings,
) -> Result<(Vec<Fact>, Vec<Diagnostic>), String> {
    let mut input = input::read_paths(paths)?;
    input::read_ignored(&mut input);
    timer.lap("walk and read");
    docs_catalog::drop_ignored(&mut input.files, paths, catalog);
    docs_catalog::drop_ignored(&mut input.ignored, paths, catalog);
    let mut diagnostics = input.diagnostics;
    let mut scan_opts = fallout_scan::k8s::Options {
        default_namespace: common.default_namespace.clone(),
        ..Default::default()
    };

    let mut cluster_objects = Vec::new();
    if common.kube || common.kube_context.is_some() {
        let opts = fallout_live::kube::KubeOptions {
            kubeconfig: common.kubeconfig.clone(),
            context: common.kube_context.clone(),
            namespaces: common.namespaces.clone(),
            secrets: !common.no_secrets,
            ..Default::default()
        };
        let listing =
            fallout_live::kube::list_cluster_blocking(&opts).map_err(|e| e.to_string())?;
        for u in &listing.unreadable {
            if u.resource == "secrets" {
                scan_opts
                    .unreadable_secrets
                    .push(u.namespace.clone().unwrap_or_else(|| "*".into()));
            }
        }
        diagnostics.extend(listing.diagnostics);
        cluster_objects = listing.objects;
    }

    let scanned = fallout_scan::scan_files_with_ignored(
        &input.files,
        &input.ignored,
        cluster_objects,
        &scan_opts,
    );
    let files = std::mem::take(&mut input.files);
    std::thread::spawn(move || drop(files));
    let mut facts = scanned.facts;
    diagnostics.extend(scanned.diagnostics);

    if !common.redis.is_empty() {
        // `ALIAS=URL` names the instance as manifests know it, when the
        // address used to reach it (a port-forward, an IP) is not that name.
        let mut aliases: Vec<(String, String, String)> = Vec::new();
        let mut urls = Vec::new();
        for item in &common.redis {
            // An `=` before the URL's `://` ends an ALIAS: any name of the
            // Redis (`cache/redis`, `redis.cache:6379`, `compose.yaml#cache`);
            // one after it is the URL's own (`?password=…`).
            let split = item
                .split_once('=')
                .filter(|(alias, url)| !alias.contains("://") && url.contains("://"));
            match split {
                Some(("", _)) => {
                    let url = fallout_live::display_url(item.trim_start_matches('='));
                    return Err(empty_alias("--redis", &url, "URL"));
                }
                Some((alias, url)) => {
                    if let Some(ep) =
                        fallout_core::Endpoint::parse_url(url).and_then(|e| e.into_iter().next())
                    {
                        // As the sampler writes addresses: IPv6 in brackets.
                        let addr = if ep.host.contains(':') {
                            format!("[{}]:{}", ep.host, ep.port_or_default())
                        } else {
                            ep.address()
                        };
                        let display = fallout_live::display_url(url.trim());
                        aliases.push((addr, alias.to_string(), display));
                    }
                    urls.push(url.to_string());
                }
                _ => urls.push(item.clone()),
            }
        }
        let mut opts = fallout_live::RedisOptions::new(urls).with_env_password();
        opts.ca_file = common.redis_ca.clone();
        opts.client_cert = common.redis_cert.clone();
        opts.client_key = common.redis_key.clone();
        opts.insecure = common.redis_insecure;
        if let Some(window) = &common.observe {
            opts.observe = Some(
                fallout_live::parse_duration(window)
                    .map_err(|e| format!("--observe {window}: {e}"))?,
            );
        }
        if let Some(every) = &common.every {
            opts.every =
                fallout_live::parse_duration(every).map_err(|e| format!("--every {every}: {e}"))?;
        }
        let mut live = fallout_live::sample_blocking(&opts).map_err(|e| e.to_string())?;
        // Each server sampled with the alias it goes by: the one of its
        // URL, or of the URL it was found through (another node of its
        // cluster, the sentinels that name it).
        let mut aliased: Vec<(String, String)> = Vec::new();
        for instance in &mut live.instances {
            // Found through a URL: `cluster node of ADDR`, `master M via
            // URL` (the whole URL, master name included: one sentinel may
            // watch several masters, each its own ALIAS).
            let found_through = |via: &str, addr: &str, display: &str| {
                via == format!("cluster node of {addr}")
                    || via.ends_with(&format!(" via {display}"))
            };
            let alias = aliases
                .iter()
                .find(|(addr, _, _)| instance.endpoints.contains(addr))
                .or_else(|| {
                    let via = instance.via.as_deref()?;
                    aliases
                        .iter()
                        .find(|(addr, _, display)| found_through(via, addr, display))
                });
            if let Some((_, alias, _)) = alias {
                for obs in &mut instance.observations {
                    obs.queried = Some(std::mem::replace(&mut obs.server, alias.clone()));
                }
                for endpoint in &instance.endpoints {
                    aliased.push((endpoint.clone(), alias.clone()));
                }
            }
        }
        for mut fact in live.facts() {
            // A server with no client on it goes by its alias too.
            if let fallout_core::Fact::Sampled(s) = &mut fact {
                if let Some((_, alias)) = aliased.iter().find(|(addr, _)| *addr == s.server) {
                    s.queried = Some(std::mem::replace(&mut s.server, alias.clone()));
                }
            }
            facts.push(fact);
        }
        diagnostics.extend(live.diagnostics);
    }
    for item in &common.client_lists {
        let (alias, file) = match item.split_once('=') {
            Some(("", _)) => return Err(empty_alias("--client-list", item, "FILE")),
            // An ALIAS may be an id with a `/` (`cache/redis=clients.txt`)
            // when the whole is no file of its own.
            Some((alias, file))
                if !alias.contains(['/', '\\'])
                    || (std::path::Path::new(file).is_file()
                        && !std::path::Path::new(item).is_file()) =>
            {
                (alias.to_string(), file.to_string())
            }
            _ => {
                let stem = std::path::Path::new(item)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or(item)
                    .to_string();
                (stem, item.clone())
            }
        };
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("--client-list {file}: cannot read: {e}"))?;
        let live = fallout_live::from_dump(&alias, &text)
            .map_err(|e| format!("--client-list {file}: {e}"))?;
        facts.extend(live.facts());
        diagnostics.extend(live.diagnostics);
    }
    Ok((facts, diagnostics))
}

/// `--redis =URL`, `--client-list =FILE`: what to write instead.
fn empty_alias(flag: &str, value: &str, what: &str) -> String {
    format!("{flag} {value}: the ALIAS before `=` is empty; write NAME={what} with NAME a name of the Redis as the scan knows it (`redis-sessions.cache`), or give the {what} alone")
}
