//! The rating block of an application page (好差评): the invitation to rate each decided task
//! once, the rating given, and for a bad review the department's answer with the resident's
//! re-rating. Plain HTML forms: they work without JavaScript.
use domain::ids::TaskId;

use crate::ui::components::facts::Localized;
use crate::ui::components::forms::ErrorSummary;
use crate::ui::components::time::{Day, When};
use domain::error::ErrorCode;
use domain::rating::{Indicator, RatingPrompt, RatingState, RatingTag, RatingView, Score};
use domain::rectification::{Feedback, RectificationForResident, RectificationStatus};
use domain::validation::Flash;
use i18n::*;
use leptos::prelude::*;

/// The label of a rating form's field, for the error summary.
fn label(key: &str, english: bool) -> String {
    let locale = if english { Locale::en } else { Locale::zh_CN };
    match key {
        "score" => td_string!(locale, ratings.indicator_overall),
        "tags" => td_string!(locale, ratings.tags_legend),
        "comment" | "feedback_comment" => td_string!(locale, ratings.comment_label),
        "feedback" => td_string!(locale, ratings.feedback_legend),
        "task_id" => td_string!(locale, ratings.section_title),
        _ => "",
    }
    .to_owned()
}

/// Every rating prompt of the application, with the problems of a failed post.
#[component]
pub fn RatingSection(number: String, prompts: Vec<RatingPrompt>, flash: Flash) -> impl IntoView {
    let i18n = use_i18n();
    if prompts.is_empty() {
        return None;
    }
    let several = prompts.len() > 1;
    let label_of = Callback::new(move |(key, english): (String, bool)| label(&key, english));
    let general = flash
        .error
        .filter(|c| *c != ErrorCode::ValidationFailed)
        .map(|code| code.message(i18n.get_locale_untracked()).to_owned());
    let errors = flash.errors.clone();
    let summary = match general {
        Some(general) => view! { <ErrorSummary errors label_of general /> }.into_any(),
        None => view! { <ErrorSummary errors label_of /> }.into_any(),
    };
    Some(view! {
        <section id="rating" class="section rating" aria-labelledby="rating-title">
            <h2 id="rating-title">{t!(i18n, ratings.section_title)}</h2>
            {summary}
            {prompts.into_iter().map(|prompt| {
                let number = number.clone();
                let flash = flash.clone();
                view! {
                    <div class="rating__task" data-task=prompt.task_id.to_string()>
                        {several.then(|| view! {
                            <h3><Localized text=prompt.department.clone() /> " · " <Localized text=prompt.service.clone() /></h3>
                        })}
                        {match prompt.state {
                            RatingState::Invited { closes_at } => view! {
                                <RatingForm number task_id=prompt.task_id closes_at flash />
                            }.into_any(),
                            RatingState::Rated { rating } => view! { <GivenRating number rating flash /> }.into_any(),
                            RatingState::Lapsed => view! { <p class="field__hint">{t!(i18n, ratings.lapsed)}</p> }.into_any(),
                        }}
                    </div>
                }
            }).collect_view()}
        </section>
    })
}

#[component]
fn RatingForm(
    number: String,
    task_id: TaskId,
    closes_at: chrono::DateTime<chrono::Utc>,
    flash: Flash,
) -> impl IntoView {
    let i18n = use_i18n();
    // The form a failed post came from gets the plain ids (the error summary links to them)
    // and what was typed; another task's form on the same page gets its own ids.
    let mine = flash.values.get("task_id") == Some(&task_id.to_string());
    let suffix = if mine {
        String::new()
    } else {
        format!("-{task_id}")
    };
    let kept = |key: &str| {
        mine.then(|| flash.values.get(key).cloned())
            .flatten()
            .unwrap_or_default()
    };
    let score = kept("score");
    let comment = kept("comment");
    let kept_tags: Vec<String> = kept("tags")
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let indicators: Vec<(Indicator, String)> = Indicator::ALL
        .into_iter()
        .map(|i| (i, kept(&format!("indicator_{}", i.as_str()))))
        .collect();
    view! {
        <form method="post" action=format!("/forms/applications/{number}/rating") class="stack rating-form" data-testid="rating-form">
            <input type="hidden" name="task_id" value=task_id.to_string() />
            <p class="field__hint">
                {t!(i18n, ratings.voluntary)} " " {t!(i18n, ratings.closes)} " " <When at=closes_at />
            </p>
            <fieldset class="field score-choice" id=format!("field-score{suffix}")>
                <legend>{t!(i18n, ratings.indicator_overall)} <span class="required">" *"</span></legend>
                <div class="score-choice__options">
                    {Score::LEVELS.into_iter().map(|level| {
                        let value = level.value().to_string();
                        let id = format!("score-{task_id}-{value}");
                        let checked = score == value;
                        let (for_id, data_score) = (id.clone(), value.clone());
                        view! {
                            <label class="score-choice__option" for=for_id data-score=data_score>
                                <input type="radio" id=id name="score" value=value required checked=checked />
                                <span>{move || level.label(i18n.get_locale())}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <fieldset class="field">
                <legend>{t!(i18n, ratings.indicators_legend)}</legend>
                {indicators.into_iter().map(|(indicator, kept)| {
                    let name = format!("indicator_{}", indicator.as_str());
                    let id = format!("field-{name}-{task_id}");
                    view! {
                        <div class="field field--inline">
                            <label for=id.clone()>{move || indicator.label(i18n.get_locale())}</label>
                            <select id=id name=name>
                                <option value="">{t!(i18n, ratings.indicator_skip)}</option>
                                {Score::LEVELS.into_iter().map(|level| {
                                    let value = level.value().to_string();
                                    let selected = kept == value;
                                    view! { <option value=value selected=selected>{move || level.label(i18n.get_locale())}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset class="field tag-choice" id=format!("field-tags{suffix}")>
                <legend>{t!(i18n, ratings.tags_legend)}</legend>
                <div class="tag-choice__options">
                    {RatingTag::ALL.into_iter().map(|tag| {
                        let id = format!("tag-{task_id}-{}", tag.as_str());
                        let for_id = id.clone();
                        let checked = kept_tags.iter().any(|t| t == tag.as_str());
                        view! {
                            <label class="tag-choice__option" class:tag-choice__option--bad=tag.is_negative() for=for_id>
                                <input type="checkbox" id=id name="tags" value=tag.as_str() checked=checked />
                                <span>{move || tag.label(i18n.get_locale())}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="field">
                <label for=format!("field-comment{suffix}")>{t!(i18n, ratings.comment_label)}</label>
                <textarea id=format!("field-comment{suffix}") name="comment" rows="3" maxlength="1000">{comment}</textarea>
                <p class="field__hint">{t!(i18n, ratings.comment_hint)}</p>
            </div>
            <button type="submit" class="button button--primary">{t!(i18n, ratings.submit)}</button>
        </form>
    }
}

#[component]
fn GivenRating(number: String, rating: RatingView, flash: Flash) -> impl IntoView {
    let i18n = use_i18n();
    let score = rating.score;
    view! {
        <div class="given-rating" data-testid="given-rating" data-score=score.value().to_string()>
            <p>
                {t!(i18n, ratings.your_rating)} " "
                <strong class="given-rating__score">{move || score.label(i18n.get_locale())}</strong>
                " · " <When at=rating.created_at />
            </p>
            {(!rating.tags.is_empty()).then(|| view! {
                <ul class="chips">
                    {rating.tags.iter().copied().map(|tag| view! { <li class="chip">{move || tag.label(i18n.get_locale())}</li> }).collect_view()}
                </ul>
            })}
            {rating.comment.clone().map(|c| view! { <blockquote class="given-rating__comment">{c}</blockquote> })}
            {rating.rectification.clone().map(|r| view! { <Rectification number r flash /> })}
        </div>
    }
}

#[component]
fn Rectification(number: String, r: RectificationForResident, flash: Flash) -> impl IntoView {
    let i18n = use_i18n();
    let status = r.status;
    let feedback_kept = flash.values.get("feedback").cloned().unwrap_or_default();
    view! {
        <div class="rectification" data-testid="rectification" data-id=r.id data-status=status.as_str()>
            <h3>{t!(i18n, ratings.rectification_title)}</h3>
            <p class="rectification__status">
                <span class="chip">{move || status.label(i18n.get_locale())}</span>
                {(status == RectificationStatus::Open).then(|| view! {
                    " " {t!(i18n, ratings.department_due)} " " <When at=r.due_at />
                })}
            </p>
            {(status == RectificationStatus::Appealed).then(|| view! {
                <p>{t!(i18n, ratings.appealed_notice)}</p>
            })}
            {r.answer.clone().map(|answer| {
                let classification = r.classification;
                view! {
                    <dl class="key-facts">
                        {classification.map(|c| view! {
                            <div><dt>{t!(i18n, ratings.classification_label)}</dt><dd>{move || c.label(i18n.get_locale())}</dd></div>
                        })}
                        <div><dt>{t!(i18n, ratings.answer_label)}</dt><dd class="rectification__answer">{answer}</dd></div>
                        {r.fix_due_on.map(|day| view! {
                            <div><dt>{t!(i18n, ratings.fix_due_label)}</dt><dd><Day day /></dd></div>
                        })}
                        {r.answered_at.map(|at| view! {
                            <div><dt>{t!(i18n, ratings.answered_at_label)}</dt><dd><When at /></dd></div>
                        })}
                    </dl>
                }
            })}
            {r.feedback.map(|f| view! {
                <p class="rectification__feedback">{t!(i18n, ratings.your_feedback)} " " <strong>{move || f.label(i18n.get_locale())}</strong></p>
            })}
            {r.resident_comment.clone().map(|c| view! { <blockquote class="given-rating__comment">{c}</blockquote> })}
            {r.resolution.clone().map(|text| view! {
                <p><strong>{t!(i18n, ratings.resolution_label)}</strong> " " {text}</p>
            })}
            {r.can_give_feedback.then(|| view! {
                <form method="post" action=format!("/forms/applications/{number}/rectification") class="stack" data-testid="feedback-form">
                    <fieldset class="field" id="field-feedback">
                        <legend>{t!(i18n, ratings.feedback_legend)}</legend>
                        <div class="score-choice__options">
                            {Feedback::ALL.into_iter().map(|f| {
                                let id = format!("feedback-{}-{}", r.id, f.as_str());
                                let checked = feedback_kept == f.as_str();
                                let for_id = id.clone();
                                view! {
                                    <label class="score-choice__option" for=for_id>
                                        <input type="radio" id=id name="feedback" value=f.as_str() required checked=checked />
                                        <span>{move || f.label(i18n.get_locale())}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                        <p class="field__hint">{t!(i18n, ratings.feedback_hint)} " " {r.feedback_due_at.map(|at| view! { <When at /> })}</p>
                    </fieldset>
                    <div class="field">
                        <label for="field-feedback_comment">{t!(i18n, ratings.comment_label)}</label>
                        <textarea id="field-feedback_comment" name="comment" rows="2" maxlength="2000"></textarea>
                    </div>
                    <button type="submit" class="button button--primary">{t!(i18n, ratings.feedback_submit)}</button>
                </form>
            })}
        </div>
    }
}
