//! Reading a page aloud (朗读本页): the browser's speech synthesis reads the page's main
//! content in the page's language, and the same button stops it. The button shows only once
//! the page has hydrated in a browser that can speak; elsewhere there is nothing to press.

use i18n::*;
use leptos::prelude::*;

#[component]
pub fn ReadAloud() -> impl IntoView {
    let i18n = use_i18n();
    let available = RwSignal::new(false);
    let speaking = RwSignal::new(false);
    Effect::new(move |_| available.set(speech::available()));
    let toggle = move |_| {
        if speaking.get_untracked() {
            speech::stop();
            speaking.set(false);
        } else {
            let lang = match i18n.get_locale_untracked() {
                Locale::en => "en",
                Locale::zh_CN => "zh-CN",
            };
            speaking.set(speech::speak(lang, move || speaking.set(false)));
        }
    };
    view! {
        <button
            type="button"
            class="button read-aloud"
            data-testid="read-aloud"
            hidden=move || !available.get()
            aria-pressed=move || speaking.get().to_string()
            on:click=toggle
        >
            {move || if speaking.get() {
                td_string!(i18n.get_locale(), elderly.read_aloud_stop)
            } else {
                td_string!(i18n.get_locale(), elderly.read_aloud)
            }}
        </button>
    }
}

#[cfg(feature = "hydrate")]
mod speech {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    fn synthesis() -> Option<web_sys::SpeechSynthesis> {
        web_sys::window().and_then(|window| window.speech_synthesis().ok())
    }

    pub fn available() -> bool {
        synthesis().is_some()
    }

    /// Starts reading `<main>` aloud; `done` runs when it ends or is stopped.
    pub fn speak(lang: &str, done: impl FnOnce() + 'static) -> bool {
        let Some(synthesis) = synthesis() else {
            return false;
        };
        let text = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id("main"))
            .and_then(|main| main.dyn_into::<web_sys::HtmlElement>().ok())
            .map(|main| main.inner_text())
            .unwrap_or_default();
        let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(&text) else {
            return false;
        };
        utterance.set_lang(lang);
        let done = Closure::once_into_js(done);
        utterance.set_onend(Some(done.unchecked_ref()));
        synthesis.cancel();
        synthesis.speak(&utterance);
        true
    }

    pub fn stop() {
        if let Some(synthesis) = synthesis() {
            synthesis.cancel();
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod speech {
    pub fn available() -> bool {
        false
    }

    pub fn speak(_lang: &str, _done: impl FnOnce() + 'static) -> bool {
        false
    }

    pub fn stop() {}
}
