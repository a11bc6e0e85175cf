//! `fallout-bench`: generates organisations of several sizes, times
//! `fallout scan` and `fallout impact` against `rg -c redis` over the same
//! tree, and checks the consumers found against the generated truth.
//! Exits 1 when recall or precision is below 1 (after printing everything).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::{bail, Context};
use clap::Parser;
use fallout_bench::{compare, found_in_json, generate, Comparison, Options, Truth};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(rename_all = "kebab-case")]
struct Args {
    /// Sizes in workloads, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "5000,10000,20000")]
    sizes: Vec<usize>,
    /// Generator seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Timed runs per command; the best is kept.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// The fallout binary (default: target/release/fallout; build it with
    /// `cargo build --release` first).
    #[arg(long)]
    fallout: Option<PathBuf>,
    /// Where generated data is kept and reused (default: target/bench-data).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Leave out Redis timeout settings, which the scanner reads as hosts today.
    #[arg(long)]
    no_durations: bool,
    /// Also time and score the independent generators
    /// (`crates/bench/independent/gen.py`, `gen3.py` and `gen5.py`, written apart from
    /// ours) at this many workloads, with `python3`.
    #[arg(long, value_name = "WORKLOADS")]
    independent: Option<usize>,
}

/// One timed command: best wall time and the largest peak RSS seen.
struct Timing {
    best: Duration,
    peak_kib: Option<u64>,
}

struct Row {
    workloads: usize,
    files: usize,
    bytes: u64,
    scan: Timing,
    grep: Option<Timing>,
    impact: Timing,
    cmp: Comparison,
}

fn workspace_root() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    p.canonicalize().unwrap_or(p)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let root = workspace_root();
    let fallout = args
        .fallout
        .clone()
        .unwrap_or_else(|| root.join("target/release/fallout"));
    if !fallout.is_file() {
        bail!(
            "{} not found: run `cargo build --release` first (or pass --fallout PATH)",
            fallout.display()
        );
    }
    // Absolute: the independent trees are scanned from inside them.
    let fallout = std::path::absolute(&fallout)?;
    let data = std::path::absolute(
        args.data
            .clone()
            .unwrap_or_else(|| root.join("target/bench-data")),
    )?;
    let grep_tool = if Command::new("rg")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        "rg"
    } else {
        "grep"
    };
    let time_v = Path::new("/usr/bin/time").is_file();
    println!("machine: {}", machine());
    println!(
        "fallout: {}; baseline: {}; peak memory: {}",
        fallout.display(),
        if grep_tool == "rg" {
            "rg -c redis"
        } else {
            "grep -rc redis (rg not installed)"
        },
        if time_v {
            "/usr/bin/time -f %M"
        } else {
            "VmHWM polled from /proc"
        }
    );

    let mut rows = Vec::new();
    for &n in &args.sizes {
        let opts = Options {
            workloads: n,
            seed: args.seed,
            durations: !args.no_durations,
        };
        let dir = data.join(format!(
            "{n}-s{}{}",
            args.seed,
            if args.no_durations { "-nd" } else { "" }
        ));
        let truth = prepare(&dir, &opts)?;
        let (files, bytes) = tree_size(&dir)?;
        let out_dir = tempfile::tempdir()?;
        let scan_out = out_dir.path().join("scan.json");
        let dir_s = dir.to_string_lossy().to_string();

        // Warm the page cache once, so every tool reads from memory.
        run_once(&[grep_tool, "-rc", "redis", &dir_s], None, time_v)?;
        let grep_argv = grep_argv(grep_tool, &dir_s);
        let fallout_s = fallout.to_string_lossy().to_string();
        let scan_argv = [&fallout_s, "scan", &dir_s, "--format", "json"];
        let impact_argv = [
            &fallout_s,
            "impact",
            &truth.impact_target,
            &dir_s,
            "--set",
            "tls=required",
            "--format",
            "json",
        ];
        let impact_out = out_dir.path().join("impact.json");
        // Interleaved, so the three see the same moments of a shared machine.
        let [grep, scan, impact] = time_interleaved(
            [
                (&grep_argv[..], None),
                (&scan_argv[..], Some(scan_out.as_path())),
                (&impact_argv[..], Some(impact_out.as_path())),
            ],
            args.runs,
            time_v,
        )?;
        let json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(&scan_out).with_context(|| format!("{}", scan_out.display()))?,
        )
        .context("fallout scan did not print JSON")?;
        let cmp = compare(&truth, &found_in_json(&json));
        report_mismatches(n, &cmp);
        rows.push(Row {
            workloads: n,
            files,
            bytes,
            scan,
            grep: Some(grep),
            impact,
            cmp,
        });
    }
    print_table(&rows, grep_tool);
    let mut exact = rows
        .iter()
        .all(|r| r.cmp.recall() >= 1.0 && r.cmp.precision() >= 1.0);
    if let Some(n) = args.independent {
        let fallout_s = fallout.to_string_lossy().to_string();
        exact &= independent(&root, &data, n, &fallout_s, grep_tool, args.runs, time_v)?;
    }
    if !exact {
        eprintln!("recall or precision below 1: see the misses and false positives above");
        std::process::exit(1);
    }
    Ok(())
}

/// The independent generators: script, seed (the ones their READMEs use).
const INDEPENDENT: &[(&str, &str)] = &[("gen.py", "20"), ("gen3.py", "11"), ("gen5.py", "5")];

/// Generates each independent organisation (reused while the script, size
/// and seed are the same), times `scan` against the baseline in turns, and
/// scores the output with `independent/score.py`. Whether every link was
/// found and none false.
fn independent(
    root: &Path,
    data: &Path,
    n: usize,
    fallout: &str,
    grep_tool: &str,
    runs: usize,
    time_v: bool,
) -> anyhow::Result<bool> {
    let scripts = root.join("crates/bench/independent");
    println!();
    println!("independent generators, {n} workloads:");
    println!(
        "{:>10} {:>7} {:>6} {:>7} {:>7} {:>6} {:>8} {:>8} {:>9}",
        "generator",
        "files",
        "MB",
        "scan s",
        format!("{grep_tool} s"),
        "ratio",
        "peak MiB",
        "recall",
        "precision"
    );
    let mut exact = true;
    for (script, seed) in INDEPENDENT {
        let script_path = scripts.join(script);
        let len = std::fs::metadata(&script_path)
            .with_context(|| format!("{}", script_path.display()))?
            .len();
        let base = data.join(format!(
            "independent-{}-{n}-s{seed}",
            script.trim_end_matches(".py")
        ));
        let (org, truth, stamp) = (
            base.join("org"),
            base.join("truth.json"),
            base.join("stamp"),
        );
        let want = format!("{script} {n} {seed} {len}");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(want.as_str()) {
            if base.exists() {
                std::fs::remove_dir_all(&base)?;
            }
            std::fs::create_dir_all(&base)?;
            eprintln!(
                "generating {n} workloads with {script} into {}",
                org.display()
            );
            let status = Command::new("python3")
                .arg(&script_path)
                .args(["--workloads", &n.to_string(), "--seed", seed, "--out"])
                .arg(&org)
                .arg("--truth")
                .arg(&truth)
                .stdout(Stdio::null())
                .status()
                .context("python3 runs the independent generators")?;
            if !status.success() {
                bail!("{script} failed: {status}");
            }
            std::fs::write(&stamp, &want)?;
        }
        let (files, bytes) = tree_size(&org)?;
        // Scanned from inside, as `cd org && fallout scan .`: an app known
        // only by its folder is named from the scanned root (gen5's truth
        // names them so), and rg reads the same `.`.
        let here = std::env::current_dir()?;
        std::env::set_current_dir(&org)?;
        let org_s = ".".to_string();
        run_once(&[grep_tool, "-rc", "redis", &org_s], None, time_v)?;
        let grep_argv = grep_argv(grep_tool, &org_s);
        let out = base.join("scan.json");
        let scan_argv = [fallout, "scan", &org_s, "--format", "json"];
        let [grep, scan] = time_interleaved(
            [
                (&grep_argv[..], None),
                (&scan_argv[..], Some(out.as_path())),
            ],
            runs,
            time_v,
        )?;
        std::env::set_current_dir(here)?;
        let scored = Command::new("python3")
            .arg(scripts.join("score.py"))
            .arg(&out)
            .arg(&truth)
            .output()
            .context("python3 runs score.py")?;
        let text = String::from_utf8_lossy(&scored.stdout);
        // `recall    13610/13610 = 1.0000`
        let figure = |name: &str| -> f64 {
            text.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.rsplit(' ').next())
                .and_then(|x| x.parse().ok())
                .unwrap_or(0.0)
        };
        let (recall, precision) = (figure("recall "), figure("precision "));
        exact &= recall >= 1.0 && precision >= 1.0;
        let (scan_s, grep_s) = (scan.best.as_secs_f64(), grep.best.as_secs_f64());
        println!(
            "{:>10} {:>7} {:>6.1} {:>7.2} {:>7.2} {:>6.1} {:>8} {:>8.4} {:>9.4}",
            script,
            files,
            bytes as f64 / 1e6,
            scan_s,
            grep_s,
            scan_s / grep_s,
            scan.peak_kib
                .map_or("-".to_string(), |k| format!("{:.0}", k as f64 / 1024.0)),
            recall,
            precision
        );
        if recall < 1.0 || precision < 1.0 {
            eprintln!(
                "{script}: see `python3 {} {} {}`",
                scripts.join("score.py").display(),
                out.display(),
                truth.display()
            );
        }
    }
    Ok(exact)
}

/// Generates into `dir` unless a tree from the same generator, seed and
/// size is already there.
fn prepare(dir: &Path, opts: &Options) -> anyhow::Result<Truth> {
    let truth_path = dir.join("truth.json");
    if let Ok(text) = std::fs::read_to_string(&truth_path) {
        if let Ok(t) = serde_json::from_str::<Truth>(&text) {
            if t.generator == fallout_bench::GENERATOR_VERSION
                && t.seed == opts.seed
                && t.workloads == opts.workloads
            {
                return Ok(t);
            }
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    eprintln!(
        "generating {} workloads into {}",
        opts.workloads,
        dir.display()
    );
    let org = generate(opts);
    org.write(dir)
        .with_context(|| format!("writing {}", dir.display()))?;
    Ok(org.truth)
}

/// Files and bytes of the tree, less truth.json (which no tool reads).
fn tree_size(dir: &Path) -> anyhow::Result<(usize, u64)> {
    let mut files = 0;
    let mut bytes = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let e = e?;
            let t = e.file_type()?;
            if t.is_dir() {
                stack.push(e.path());
            } else if e.file_name() != "truth.json" {
                files += 1;
                bytes += e.metadata()?.len();
            }
        }
    }
    Ok((files, bytes))
}

/// The baseline's command line over `dir`: `rg -c redis`, or `grep -rc
/// redis` where rg is not installed.
fn grep_argv<'a>(grep_tool: &str, dir: &'a str) -> Vec<&'a str> {
    if grep_tool == "rg" {
        vec!["rg", "-c", "redis", dir]
    } else {
        vec!["grep", "-rc", "redis", dir]
    }
}

/// Times several commands `runs` times each, taking turns (the first, the
/// second, …, then again), so that each sees the same moments of a shared
/// machine; best wall time and largest peak per command.
fn time_interleaved<const N: usize>(
    commands: [(&[&str], Option<&Path>); N],
    runs: usize,
    time_v: bool,
) -> anyhow::Result<[Timing; N]> {
    let mut out: [Timing; N] = std::array::from_fn(|_| Timing {
        best: Duration::MAX,
        peak_kib: None,
    });
    for _ in 0..runs.max(1) {
        for ((argv, stdout), timing) in commands.iter().zip(out.iter_mut()) {
            let t = run_once(argv, *stdout, time_v)?;
            timing.best = timing.best.min(t.best);
            timing.peak_kib = timing.peak_kib.max(t.peak_kib);
        }
    }
    Ok(out)
}

/// Runs a command once: wall time, and peak RSS from `/usr/bin/time -f %M`
/// or else VmHWM polled from /proc while it runs.
fn run_once(argv: &[&str], stdout: Option<&Path>, time_v: bool) -> anyhow::Result<Timing> {
    let stats = tempfile::NamedTempFile::new()?;
    let mut cmd = if time_v {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-o").arg(stats.path()).args(["-f", "%M"]).args(argv);
        c
    } else {
        let mut c = Command::new(argv[0]);
        c.args(&argv[1..]);
        c
    };
    match stdout {
        Some(p) => cmd.stdout(std::fs::File::create(p)?),
        None => cmd.stdout(Stdio::null()),
    };
    cmd.stderr(Stdio::null());
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run {}", argv[0]))?;
    let mut polled = None;
    // With /usr/bin/time measuring memory, just wait (exact wall time);
    // else poll VmHWM every 2 ms while it runs.
    let status = if time_v {
        child.wait()?
    } else {
        loop {
            if let Some(s) = child.try_wait()? {
                break s;
            }
            polled = polled.max(vm_hwm(child.id()));
            std::thread::sleep(Duration::from_millis(2));
        }
    };
    let wall = start.elapsed();
    // rg and grep exit 1 when nothing matched; fallout 1 when a gate failed.
    if !matches!(status.code(), Some(0 | 1)) {
        bail!("{} exited with {status}", argv.join(" "));
    }
    let peak_kib = if time_v {
        std::fs::read_to_string(stats.path())
            .ok()
            .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()))
    } else {
        polled
    };
    Ok(Timing {
        best: wall,
        peak_kib,
    })
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map(|kib| format!("{:.0} GiB", kib as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    format!("{cpus} CPUs ({model}), {mem}")
}

fn report_mismatches(n: usize, c: &Comparison) {
    for (what, list) in [
        ("missed", &c.misses),
        ("false positive", &c.false_positives),
        ("wrong TLS", &c.tls_mismatches),
    ] {
        if list.is_empty() {
            continue;
        }
        println!("{n} workloads: {} {what} (first 10):", list.len());
        for m in list.iter().take(10) {
            println!("  {} <- {}: {}", m.resource, m.consumer, m.detail);
        }
    }
}

fn print_table(rows: &[Row], grep_tool: &str) {
    println!();
    println!(
        "{:>8} {:>7} {:>6} {:>7} {:>6} {:>8} {:>8} {:>6} {:>6} {:>8} {:>7} {:>9} {:>5}",
        "size",
        "files",
        "MB",
        "scan s",
        "MB/s",
        "files/s",
        "peak MiB",
        &format!("{grep_tool} s"),
        "ratio",
        "impact s",
        "recall",
        "precision",
        "tls"
    );
    for r in rows {
        let scan = r.scan.best.as_secs_f64();
        let mb = r.bytes as f64 / 1e6;
        let grep = r.grep.as_ref().map(|g| g.best.as_secs_f64());
        println!(
            "{:>8} {:>7} {:>6.1} {:>7.2} {:>6.1} {:>8.0} {:>8} {:>6} {:>6} {:>8.2} {:>7.4} {:>9.4} {:>5}",
            r.workloads,
            r.files,
            mb,
            scan,
            mb / scan,
            r.files as f64 / scan,
            r.scan
                .peak_kib
                .map(|k| format!("{:.0}", k as f64 / 1024.0))
                .unwrap_or_else(|| "?".into()),
            grep.map(|g| format!("{g:.2}")).unwrap_or_else(|| "-".into()),
            grep.map(|g| format!("{:.2}", scan / g))
                .unwrap_or_else(|| "-".into()),
            r.impact.best.as_secs_f64(),
            r.cmp.recall(),
            r.cmp.precision(),
            if r.cmp.tls_mismatches.is_empty() {
                "ok".to_string()
            } else {
                r.cmp.tls_mismatches.len().to_string()
            }
        );
    }
    let per_k: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}k: {:.3} s",
                r.workloads / 1000,
                r.scan.best.as_secs_f64() * 1000.0 / r.workloads as f64
            )
        })
        .collect();
    println!(
        "linearity (scan time per 1k workloads): {}",
        per_k.join(", ")
    );
    let (worst, last) = (
        rows.iter()
            .map(|r| r.impact.best.as_secs_f64() / r.scan.best.as_secs_f64())
            .fold(0.0, f64::max),
        rows.last(),
    );
    println!("impact / scan, worst: {worst:.2}");
    if let Some(r) = last {
        let peak = r.scan.peak_kib.unwrap_or(0) as f64 / 1024.0;
        let ratio = r
            .grep
            .as_ref()
            .map(|g| r.scan.best.as_secs_f64() / g.best.as_secs_f64());
        // At this size, as the line says (the worst over all sizes is
        // printed above: at 5k both take ~0.15 s and tie within noise).
        let impact = r.impact.best.as_secs_f64() / r.scan.best.as_secs_f64();
        println!(
            "targets at {} workloads: scan ≤ 3× {grep_tool}: {}; peak < 512 MiB: {}; impact ≤ scan: {}",
            r.workloads,
            ratio
                .map(|x| if x <= 3.0 { "met" } else { "MISSED" })
                .unwrap_or("-"),
            if peak < 512.0 { "met" } else { "MISSED" },
            if impact <= 1.0 { "met" } else { "MISSED" },
        );
    }
}
