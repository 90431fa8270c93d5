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
    /// What runs instead when JavaScript is there; the form is not sent then.
    #[prop(optional, into)]
    in_place: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let location = use_location();
    let next = move || here(&location.pathname.get(), &location.search.get());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        if let Some(in_place) = in_place {
            ev.prevent_default();
            in_place.run(());
        }
    };
    view! {
        <form method="post" action=action class=format!("inline-form {class}") on:submit=submit>
            <input type="hidden" name="next" value=next />
            {children()}
        </form>
    }
}
