//! `fallout-gen`: writes a synthetic organisation and its `truth.json`.
#![allow(clippy::print_stdout)]

use anyhow::Context;
use clap::Parser;
use fallout_bench::{generate, Options};
use std::path::PathBuf;

/// Writes a synthetic organisation of Kubernetes manifests with known
/// Redis consumers, and DIR/truth.json listing them.
#[derive(Parser)]
#[command(rename_all = "kebab-case")]
struct Args {
    /// Number of workloads (Deployments, StatefulSets, Jobs, CronJobs…).
    #[arg(long, default_value_t = 20_000)]
    workloads: usize,
    /// Output folder (created; existing files with the same names are overwritten).
    #[arg(long)]
    out: PathBuf,
    /// Seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Leave out Redis timeout settings (`spring.data.redis.timeout=2s`),
    /// which the scanner reads as hosts today.
    #[arg(long)]
    no_durations: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let org = generate(&Options {
        workloads: args.workloads,
        seed: args.seed,
        durations: !args.no_durations,
    });
    org.write(&args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    let consumers: usize = org.truth.resources.values().map(Vec::len).sum();
    println!(
        "{}: {} files, {:.1} MB, {} workloads, {} resources, {} consumer links",
        args.out.display(),
        org.files.len(),
        org.bytes() as f64 / 1e6,
        args.workloads,
        org.truth.resources.len(),
        consumers
    );
    Ok(())
}
