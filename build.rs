//! Link arguments of the threaded WebAssembly build. Today's nightly no longer passes the
//! shared-memory arguments to the linker when `+atomics` is on; without them wasm-bindgen
//! silently emits a non-threaded module. Only the cdylib is affected, so changing them relinks.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let feats = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    if arch == "wasm32" && feats.split(',').any(|f| f == "atomics") {
        for a in [
            "--shared-memory",
            "--import-memory",
            "--max-memory=4294967296",
            "--export=__wasm_init_tls",
            "--export=__tls_size",
            "--export=__tls_align",
            "--export=__tls_base",
        ] {
            println!("cargo:rustc-link-arg={a}");
        }
    }
}
