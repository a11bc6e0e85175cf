fn main() {
    std::process::exit(fallout_cli::main())
}
