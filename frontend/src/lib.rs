//! Browser entry: hydrate the server-rendered page with the same `App` the server rendered.
//!
//! Hydration is asynchronous (what `leptos::mount::hydrate_lazy` does): a page's own code is a
//! chunk the browser loads first (lazy routes). When the whole page is alive, `<html>` gets
//! `data-hydrated`, which the browser tests wait for.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // hydrate_from_async sets up Leptos's executor itself; this first future runs on the
    // browser's own microtask queue.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::tachys::dom::body();
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}
