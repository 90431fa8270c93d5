//! 政策模拟 in the console (heads, supervisors): one or two drafted policies (who qualifies, in
//! the rule builder's fields, and a monthly benefit), and whom each would reach now and in a
//! year, where and at what age, the yearly cost, and how many already receive a similar
//! service, side by side. Nothing is saved and nothing is sent.
//!
//! The form is a GET form: its fields (`a_…` for draft A, `b_…` for draft B) are the page's
//! query, so the answer is the page itself and works without JavaScript.

use super::rule_fields::{ProblemList, RuleFields, ServiceSelect};
use crate::ui::components::status::{ErrorNotice, Loading};
use domain::link::encode_query_value;
use domain::segment::{AgeBandCount, BuilderOptions, DistrictCount, FORM_FIELDS, Headcount};
use domain::simulation::{
    DRAFT_FIELDS, MAX_MONTHLY_AMOUNT, PolicyDraft, PolicyOutcome, Simulation, SimulationRequest,
    draft_from_form,
};
use domain::validation::FieldError;
use i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fns::segments::segment_options;
use server_fns::simulation::simulate_policies;

/// The drafts of the form: their letter and their fields' prefix.
const DRAFTS: [(char, &str); 2] = [('A', "a_"), ('B', "b_")];

/// The drafts the query fills in, each read back from its fields (or its problems).
type Asked = Vec<(char, Result<PolicyDraft, Vec<FieldError>>)>;

#[component]
pub fn SimulationPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let value = move |key: &str| query.with(|q| q.get(key).unwrap_or_default());
    let asked = move || -> Asked {
        query.with(|q| {
            DRAFTS
                .into_iter()
                .filter(|(_, prefix)| {
                    FORM_FIELDS.iter().chain(DRAFT_FIELDS.iter()).any(|f| {
                        *f != "combine"
                            && q.get(&format!("{prefix}{f}"))
                                .is_some_and(|v| !v.trim().is_empty())
                    })
                })
                .map(|(letter, prefix)| {
                    let draft =
                        draft_from_form(|key| q.get(&format!("{prefix}{key}")).unwrap_or_default());
                    (letter, draft)
                })
                .collect()
        })
    };
    let options = Resource::new(|| (), |_| segment_options());
    let answer = Resource::new(asked, |asked| async move {
        if asked.is_empty() {
            return None;
        }
        if asked.iter().any(|(_, draft)| draft.is_err()) {
            let problems: Vec<(char, Vec<FieldError>)> = asked
                .into_iter()
                .filter_map(|(letter, draft)| draft.err().map(|errors| (letter, errors)))
                .collect();
            return Some(Err(Answer::Problems(problems)));
        }
        let letters: Vec<char> = asked.iter().map(|(letter, _)| *letter).collect();
        let drafts = asked
            .into_iter()
            .filter_map(|(_, draft)| draft.ok())
            .collect();
        Some(
            simulate_policies(SimulationRequest { drafts })
                .await
                .map(|simulation| (letters, simulation))
                .map_err(Answer::Failed),
        )
    });
    view! {
        <Title text=move || td_string!(i18n.get_locale(), simulation.title).to_owned() />
        <h1>{t!(i18n, simulation.title)}</h1>
        <p>{t!(i18n, simulation.intro)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(options) => view! { <DraftsForm options value=Callback::new(move |key: String| value(&key)) /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        <section aria-live="polite" data-testid="simulation-results">
            <h2>{t!(i18n, simulation.results)}</h2>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match answer.await {
                        None => view! { <p>{t!(i18n, simulation.hint)}</p> }.into_any(),
                        Some(Ok((letters, simulation))) => view! { <Results letters simulation /> }.into_any(),
                        Some(Err(Answer::Problems(problems))) => view! { <Problems problems /> }.into_any(),
                        Some(Err(Answer::Failed(error))) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Why there is no simulation to show.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum Answer {
    /// Fields of a draft are wrong (by draft letter).
    Problems(Vec<(char, Vec<FieldError>)>),
    Failed(domain::error::AppError),
}

#[component]
fn DraftsForm(options: BuilderOptions, value: Callback<String, String>) -> impl IntoView {
    let i18n = use_i18n();
    let drafts = DRAFTS.into_iter().map(|(letter, prefix)| {
        let legend = move || {
            if letter == 'A' {
                td_string!(i18n.get_locale(), simulation.draft_a)
            } else {
                td_string!(i18n.get_locale(), simulation.draft_b)
            }
        };
        let amount_id = format!("simulation-{prefix}amount");
        let amount_for = amount_id.clone();
        let amount = value.run(format!("{prefix}amount"));
        let services = options.services.clone();
        let similar_hint = format!("simulation-{prefix}similar-hint");
        view! {
            <fieldset class="simulation-draft stack" data-testid=format!("simulation-draft-{letter}")>
                <legend>{legend}</legend>
                <RuleFields options=options.clone() value prefix />
                <div class="field">
                    <label for=amount_for>{t!(i18n, simulation.amount)}</label>
                    <input id=amount_id name=format!("{prefix}amount") type="number" min="0" max=MAX_MONTHLY_AMOUNT.to_string() inputmode="numeric" value=amount />
                </div>
                <p class="hint" id=similar_hint.clone()>{t!(i18n, simulation.similar_hint)}</p>
                <ServiceSelect
                    name=format!("{prefix}similar")
                    label=Signal::derive(move || td_string!(i18n.get_locale(), simulation.similar).to_owned())
                    none_label=Signal::derive(move || td_string!(i18n.get_locale(), simulation.similar_none).to_owned())
                    described_by=similar_hint
                    services
                    selected=value.run(format!("{prefix}similar"))
                />
            </fieldset>
        }
    }).collect_view();
    view! {
        <form method="get" action="/admin/simulation" class="stack" data-testid="simulation-form">
            <div class="simulation-drafts">{drafts}</div>
            <button type="submit" class="button button--primary">{t!(i18n, simulation.simulate)}</button>
        </form>
    }
}

#[component]
fn Problems(problems: Vec<(char, Vec<FieldError>)>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice notice--error" role="alert" data-testid="simulation-problems">
            {problems.into_iter().map(|(letter, errors)| view! {
                <p>{move || td_string!(i18n.get_locale(), simulation.problems).replace("$draft", &letter.to_string())}</p>
                <ProblemList errors />
            }).collect_view()}
        </div>
    }
}

/// `+12`, `-3`, `0`; "—" when either count is a small cell.
fn change(now: Headcount, later: Headcount) -> String {
    match (now, later) {
        (Headcount::Exact(a), Headcount::Exact(b)) if b > a => format!("+{}", b - a),
        (Headcount::Exact(a), Headcount::Exact(b)) => (b - a).to_string(),
        _ => "—".to_owned(),
    }
}

#[component]
fn Results(letters: Vec<char>, simulation: Simulation) -> impl IntoView {
    let i18n = use_i18n();
    let later_on = simulation
        .outcomes
        .first()
        .map(|o| o.in_a_year.on.to_string())
        .unwrap_or_default();
    let later_heading = later_on.clone();
    let outcomes: Vec<(char, PolicyOutcome)> =
        letters.into_iter().zip(simulation.outcomes).collect();
    let header = outcomes
        .iter()
        .map(|(letter, _)| {
            let letter = *letter;
            view! { <th scope="col">{move || td_string!(i18n.get_locale(), simulation.draft).replace("$draft", &letter.to_string())}</th> }
        })
        .collect_view();
    let row = |testid: &'static str, cells: Vec<String>| {
        cells
            .into_iter()
            .map(move |cell| view! { <td data-testid=testid>{cell}</td> })
            .collect_view()
    };
    let of = |f: fn(&PolicyOutcome) -> String| outcomes.iter().map(|(_, o)| f(o)).collect();
    let now = row("simulation-now", of(|o| o.now.count.label()));
    let later = row("simulation-later", of(|o| o.in_a_year.count.label()));
    let changed = row(
        "simulation-change",
        of(|o| change(o.now.count, o.in_a_year.count)),
    );
    let cost_now = row("simulation-cost-now", of(|o| o.now.yearly_cost.label()));
    let cost_later = row(
        "simulation-cost-later",
        of(|o| o.in_a_year.yearly_cost.label()),
    );
    let served: Vec<Option<String>> = outcomes
        .iter()
        .map(|(_, o)| o.already_served.map(|n| n.label()))
        .collect();
    let served = served
        .into_iter()
        .map(|cell| {
            let shown = cell.is_some();
            let cell = cell.unwrap_or_default();
            view! {
                <td data-testid="simulation-served">
                    {if shown { view! { {cell} }.into_any() } else { view! { {t!(i18n, simulation.not_named)} }.into_any() }}
                </td>
            }
        })
        .collect_view();
    let query = use_query_map();
    let breakdowns = outcomes
        .into_iter()
        .map(|(letter, outcome)| {
            let segment_href = query.with_untracked(|q| segment_link(letter, |key| q.get(key)));
            view! { <Breakdowns letter outcome segment_href /> }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid="simulation-compare">
                <caption>{t!(i18n, simulation.results)}</caption>
                <thead><tr><th scope="col">{t!(i18n, simulation.measure)}</th>{header}</tr></thead>
                <tbody>
                    <tr><th scope="row">{t!(i18n, simulation.qualify_now)}</th>{now}</tr>
                    <tr><th scope="row">{move || td_string!(i18n.get_locale(), simulation.qualify_later).replace("$date", &later_heading)}</th>{later}</tr>
                    <tr><th scope="row">{t!(i18n, simulation.change)}</th>{changed}</tr>
                    <tr><th scope="row">{t!(i18n, simulation.cost_now)}</th>{cost_now}</tr>
                    <tr><th scope="row">{t!(i18n, simulation.cost_later)}</th>{cost_later}</tr>
                    <tr><th scope="row">{t!(i18n, simulation.already_served)}</th>{served}</tr>
                </tbody>
            </table>
        </div>
        {breakdowns}
        <h3>{t!(i18n, simulation.assumptions)}</h3>
        <ul data-testid="simulation-assumptions">
            <li>{move || td_string!(i18n.get_locale(), simulation.assumption_ages).replace("$date", &later_on)}</li>
            <li>{t!(i18n, simulation.assumption_cost)}</li>
            <li>{t!(i18n, simulation.assumption_served)}</li>
        </ul>
    }
}

/// The segment builder with the draft's conditions filled in: a policy worth pursuing
/// becomes a segment to save, and from there a campaign or a survey.
fn segment_link(letter: char, value: impl Fn(&str) -> Option<String>) -> String {
    let prefix = DRAFTS
        .iter()
        .find(|(l, _)| *l == letter)
        .map_or("", |(_, p)| *p);
    let query: Vec<String> = FORM_FIELDS
        .iter()
        .filter_map(|field| {
            value(&format!("{prefix}{field}"))
                .filter(|v| !v.trim().is_empty())
                .map(|v| format!("{field}={}", encode_query_value(&v)))
        })
        .collect();
    format!("/admin/segments?{}", query.join("&"))
}

/// One draft's districts and age bands, now beside a year on, and the way to its segment.
#[component]
fn Breakdowns(letter: char, outcome: PolicyOutcome, segment_href: String) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let districts = district_rows(&outcome.now.by_district, &outcome.in_a_year.by_district);
    let ages = age_rows(&outcome.now.by_age_band, &outcome.in_a_year.by_age_band);
    let columns = move || {
        view! {
            <th scope="col">{t!(i18n, simulation.now)}</th>
            <th scope="col">{t!(i18n, simulation.later)}</th>
        }
    };
    view! {
        <p>
            <a href=segment_href data-testid=format!("simulation-segment-{letter}")>
                {move || td_string!(i18n.get_locale(), simulation.as_segment).replace("$draft", &letter.to_string())}
            </a>
        </p>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid=format!("simulation-districts-{letter}")>
                <caption>{move || td_string!(i18n.get_locale(), simulation.by_district).replace("$draft", &letter.to_string())}</caption>
                <thead><tr><th scope="col">{t!(i18n, engage.district)}</th>{columns()}</tr></thead>
                <tbody>
                    {districts.into_iter().map(|(name, now, later)| view! {
                        <tr><th scope="row">{move || name.pick(english()).to_owned()}</th><td>{now}</td><td>{later}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || td_string!(i18n.get_locale(), app.table_region)>
            <table class="data-table" data-testid=format!("simulation-ages-{letter}")>
                <caption>{move || td_string!(i18n.get_locale(), simulation.by_age).replace("$draft", &letter.to_string())}</caption>
                <thead><tr><th scope="col">{t!(i18n, engage.age_band)}</th>{columns()}</tr></thead>
                <tbody>
                    {ages.into_iter().map(|(band, now, later)| view! {
                        <tr><th scope="row">{move || band.label(english())}</th><td>{now}</td><td>{later}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Every district of either date, in today's order (the largest first), then those only a
/// year on; a district absent on a date counts 0.
fn district_rows(
    now: &[DistrictCount],
    later: &[DistrictCount],
) -> Vec<(domain::text::LocalizedText, String, String)> {
    let label_in = |list: &[DistrictCount], id: i64| {
        list.iter()
            .find(|d| d.region_id == id)
            .map_or_else(|| "0".to_owned(), |d| d.count.label())
    };
    now.iter()
        .chain(
            later
                .iter()
                .filter(|d| !now.iter().any(|n| n.region_id == d.region_id)),
        )
        .map(|d| {
            (
                d.name.clone(),
                label_in(now, d.region_id),
                label_in(later, d.region_id),
            )
        })
        .collect()
}

fn age_rows(
    now: &[AgeBandCount],
    later: &[AgeBandCount],
) -> Vec<(domain::segment::AgeBand, String, String)> {
    now.iter()
        .map(|b| {
            let later = later
                .iter()
                .find(|l| l.band == b.band)
                .map_or_else(|| "0".to_owned(), |l| l.count.label());
            (b.band, b.count.label(), later)
        })
        .collect()
}
