//! The `fallout` binary: everything is in `fallout-cli`.

/// Scanning builds and frees many small nodes; mimalloc halves the time the
/// system allocator spends on them (docs/decisions.md, "Scale").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(fallout_cli::main())
}
