//! One service in a list: name, department, summary and the key facts.

use super::facts::{Fee, Localized, OnlineLevelText, PromisedDays};
use domain::catalog::ServiceSummary;
use leptos::prelude::*;

#[component]
pub fn ServiceCard(service: ServiceSummary) -> impl IntoView {
    let href = format!("/services/{}", service.code);
    view! {
        <li class="service-card" data-service-code=service.code.clone()>
            <h3 class="service-card__name">
                <a href=href>
                    <Localized text=service.name />
                </a>
            </h3>
            <p class="service-card__department">
                <Localized text=service.department.name />
            </p>
            <p class="service-card__summary">
                <Localized text=service.summary />
            </p>
            <ul class="facts" role="list">
                <li class="fact fact--time">
                    <PromisedDays days=service.promised_days />
                </li>
                <li class="fact fact--online">
                    <OnlineLevelText level=service.online_level />
                </li>
                <li class="fact fact--fee">
                    <Fee cents=service.fee_cents />
                </li>
            </ul>
        </li>
    }
}
