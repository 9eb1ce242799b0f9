//! Build script: sets up N-API linking only when the `napi` feature (the binding) is on,
//! so `cargo test --no-default-features` builds the pure core with no Node at all.
fn main() {
  if std::env::var_os("CARGO_FEATURE_NAPI").is_some() {
    napi_build::setup();
  }
}
