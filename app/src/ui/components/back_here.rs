//! A form that changes one setting on the server and comes back to this page: the elderly-mode
//! and language switches. A POST (never a link) so that no page of another site can change a
//! reader's settings, and a plain form so that it works without JavaScript.

use domain::link::here;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// `<form method="post" action=…>` with the page's own address as `next`.
#[component]
pub fn BackHereForm(
    /// Where the form posts, e.g. `/mode/elderly`.
    #[prop(into)]
    action: Signal<String>,
    /// The class of the form (its layout in the line it sits in).
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let location = use_location();
    let next = move || here(&location.pathname.get(), &location.search.get());
    view! {
        <form method="post" action=action class=format!("inline-form {class}")>
            <input type="hidden" name="next" value=next />
            {children()}
        </form>
    }
}
