fn main() -> std::process::ExitCode {
    korgoo::cli::run()
}
