//! 身份核验 at a service window: the clerk checks the ID card against the person, types its
//! number, sees the online claim waiting on that record (the numbers masked) and confirms
//! it, which opens the account, or refuses it. The number typed travels in a POST and the
//! session's flash, never in an address; every look-up and decision is audited.

use super::FlashNotice;
use crate::ui::components::status::{ErrorNotice, Loading};
use crate::ui::components::time::When;
use domain::account::PendingClaim;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::console::{find_pending_claim, take_staff_flash};

/// What the page shows under the form.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum Found {
    Nothing,
    Decided(domain::validation::Flash),
    Claim(Option<PendingClaim>),
}

#[component]
pub fn IdentityChecksPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let found = Resource::new(
        move || query.with(|q| q.get("at")),
        |_| async move {
            if let Some(decided) = take_staff_flash("identity_decision".into()).await? {
                return Ok(Found::Decided(decided));
            }
            let typed = take_staff_flash("identity_check".into())
                .await?
                .and_then(|flash| flash.values.get("id_number").cloned())
                .filter(|typed| !typed.trim().is_empty());
            match typed {
                Some(id_number) => Ok(Found::Claim(find_pending_claim(id_number).await?)),
                None => Ok::<_, domain::error::AppError>(Found::Nothing),
            }
        },
    );
    view! {
        <Title text=move || td_string!(i18n.get_locale(), console.identity_checks_title).to_owned() />
        <h1>{t!(i18n, console.identity_checks_title)}</h1>
        <p>{t!(i18n, console.identity_checks_intro)}</p>
        <form method="post" action="/admin/forms/identity-checks/find" class="filter-bar">
            <div class="field">
                <label for="identity-id-number">{t!(i18n, console.identity_id_label)}</label>
                <input id="identity-id-number" name="id_number" type="text" autocomplete="off" maxlength="18" required />
            </div>
            <button type="submit" class="button">{t!(i18n, console.identity_find)}</button>
        </form>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(Found::Nothing) => ().into_any(),
                    Ok(Found::Decided(flash)) => view! { <FlashNotice flash=Some(flash) /> }.into_any(),
                    Ok(Found::Claim(None)) => view! {
                        <p data-testid="no-claim">{t!(i18n, console.identity_none)}</p>
                    }
                    .into_any(),
                    Ok(Found::Claim(Some(claim))) => view! { <ClaimCard claim /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ClaimCard(claim: PendingClaim) -> impl IntoView {
    let i18n = use_i18n();
    let action = |decision: &str| {
        format!(
            "/admin/forms/identity-checks/{}/{decision}",
            claim.resident_id
        )
    };
    view! {
        <section class="section" aria-labelledby="claim-title" data-testid="pending-claim">
            <h2 id="claim-title">{claim.name.clone()}</h2>
            <dl class="facts">
                <div><dt>{t!(i18n, console.identity_claimed_mobile)}</dt><dd>{claim.claimed_mobile.to_string()}</dd></div>
                <div><dt>{t!(i18n, console.identity_register_mobile)}</dt><dd>{match claim.register_mobile.clone() {
                    Some(mobile) => mobile.to_string().into_any(),
                    None => view! { {t!(i18n, console.identity_no_register_mobile)} }.into_any(),
                }}</dd></div>
                <div><dt>{t!(i18n, console.identity_requested_at)}</dt><dd><When at=claim.requested_at /></dd></div>
            </dl>
            <p>{t!(i18n, console.identity_ask)}</p>
            <div class="button-row">
                <form method="post" action=action("confirm") class="inline-form">
                    <button type="submit" class="button button--primary">{t!(i18n, console.identity_confirm)}</button>
                </form>
                <form method="post" action=action("refuse") class="inline-form">
                    <button type="submit" class="button button--danger">{t!(i18n, console.identity_refuse)}</button>
                </form>
            </div>
        </section>
    }
}
