//! The script that brings a server-rendered page to life: when the browser is idle (at most
//! 2 s after load), it imports the JS glue and the WASM bundle and hydrates.
//!
//! Leptos's `<HydrationScripts>` does the same but also puts two preloads of the bundle in
//! `<head>`. On a slow phone a preload that starts before the first paint competes with the
//! page's own HTML and style sheet, and Lighthouse's simulation then counts the 540 KB WASM
//! as a dependency of the largest paint (LCP 3.8 s instead of 1.0 s in a third of runs).
//! Every page works without JavaScript, so nothing here needs the bundle early.

use leptos::prelude::*;
use std::sync::OnceLock;

/// Hydrates on idle, with no preload. Rendered on the server only (it is part of the shell).
#[component]
pub fn Hydration(options: LeptosOptions) -> impl IntoView {
    // Leptos's component also provides what lazy routes need on the server (the manifest of
    // the split bundle's chunks); that is all it is called for: its view is not rendered.
    let _ = leptos::hydration::HydrationScripts(
        leptos::hydration::HydrationScriptsProps::builder()
            .options(options.clone())
            .defer(true)
            .build(),
    );
    let pkg = format!("/{}", options.site_pkg_dir);
    static NAMES: OnceLock<(String, String)> = OnceLock::new();
    let (js, wasm) = NAMES.get_or_init(|| bundle_names(&options));
    let script = format!(
        "(function(js,wasm){{const go=()=>import(js).then(m=>m.default({{module_or_path:wasm}}).then(()=>m.hydrate()));\
         'requestIdleCallback' in window?requestIdleCallback(go,{{timeout:2000}}):go()}})({:?},{:?})",
        format!("{pkg}/{js}.js"),
        format!("{pkg}/{wasm}.wasm"),
    );
    let nonce = leptos::nonce::use_nonce();
    view! { <script type="module" nonce=nonce>{script}</script> }
}

/// The names (without extension) of the JS glue and the WASM bundle: with `hash-files`, each
/// with the content hash `cargo leptos` wrote into the hash file beside the server binary.
fn bundle_names(options: &LeptosOptions) -> (String, String) {
    let mut js = options.output_name.to_string();
    let mut wasm = options.output_name.to_string();
    if !options.hash_files {
        if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            wasm.push_str("_bg");
        }
        return (js, wasm);
    }
    let hashes = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
        .and_then(|path| std::fs::read_to_string(path).ok())
        .unwrap_or_default();
    for (file, hash) in hashes
        .lines()
        .filter_map(|line| line.trim().split_once(':'))
    {
        match file {
            "js" => js.push_str(&format!(".{}", hash.trim())),
            "wasm" => wasm.push_str(&format!(".{}", hash.trim())),
            _ => {}
        }
    }
    (js, wasm)
}
