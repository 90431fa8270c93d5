//! Drafts save themselves: once hydrated, every change to an application form is saved in the
//! background (answers only; files go up with the next explicit save or submit), so nothing
//! is lost and the draft can be resumed on another device. Without JavaScript the "save
//! draft" button does the same.

use leptos::prelude::*;

/// Where the form posts and what the resident is told about background saving.
#[derive(Clone, Copy)]
pub struct Autosave {
    /// The form's action: the service's first-post address until the draft has a number.
    pub action: RwSignal<String>,
    /// When the last background save succeeded (HH:MM), or None.
    pub saved_at: RwSignal<Option<String>>,
    /// Bumped by every change (and by a post of the form); a save runs only when the
    /// changes have paused.
    changes: RwSignal<u64>,
}

/// How long the form must rest before it is saved.
#[cfg(feature = "hydrate")]
const QUIET: std::time::Duration = std::time::Duration::from_millis(700);

impl Autosave {
    pub fn new(action: String) -> Self {
        Self {
            action: RwSignal::new(action),
            saved_at: RwSignal::new(None),
            changes: RwSignal::new(0),
        }
    }

    /// Saves the form's answers in the background (browser only).
    #[cfg(feature = "hydrate")]
    pub fn save(self, ev: leptos::ev::Event) {
        use wasm_bindgen::JsCast;
        let Some(target) = ev.target() else { return };
        // A chosen file is not an answer: it goes up with the next post of the form.
        if target
            .dyn_ref::<web_sys::HtmlInputElement>()
            .is_some_and(|input| input.type_() == "file")
        {
            return;
        }
        let Some(form) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        self.changes.update(|n| *n += 1);
        let change = self.changes.get_untracked();
        set_timeout(
            move || {
                if self.changes.get_untracked() == change {
                    self.send(form);
                }
            },
            QUIET,
        );
    }

    #[cfg(feature = "hydrate")]
    fn send(self, form: web_sys::HtmlFormElement) {
        use wasm_bindgen::JsCast;
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        if let Ok(inputs) = form.query_selector_all("input[type=file]") {
            for index in 0..inputs.length() {
                if let Some(name) = inputs
                    .item(index)
                    .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
                    .and_then(|element| element.get_attribute("name"))
                {
                    data.delete(&name);
                }
            }
        }
        data.set_with_str("_intent", "save").ok();
        let url = self.action.get_untracked();
        leptos::task::spawn_local(async move {
            let Ok(request) = gloo_net::http::Request::post(&url).body(data) else {
                return;
            };
            let Ok(response) = request.send().await else {
                return;
            };
            if !response.ok() {
                return;
            }
            // The first save gave the draft its number: post there from now on.
            let landed = response.url();
            if let Some(number) = landed
                .split("/me/applications/")
                .nth(1)
                .and_then(|rest| rest.split(['/', '?']).next())
                .filter(|n| n.starts_with("MS-"))
            {
                self.action.set(format!("/forms/applications/{number}"));
            }
            let now = js_sys::Date::new_0();
            self.saved_at.set(Some(format!(
                "{:02}:{:02}",
                now.get_hours(),
                now.get_minutes()
            )));
        });
    }

    #[cfg(not(feature = "hydrate"))]
    pub fn save(self, _ev: leptos::ev::Event) {}

    /// The form is being posted by its own buttons: a background save still waiting for the
    /// form to rest would only race it, so it is dropped.
    pub fn cancel(self) {
        self.changes.update(|n| *n += 1);
    }
}
