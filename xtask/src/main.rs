//! audex project automation. Run `cargo xtask help`.
fn main() {}
