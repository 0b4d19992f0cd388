//! The service circle: "my circle" (what is within 5, 10, 15 minutes of the starting point)
//! and the coverage view (every street by minutes to the nearest place of a kind, the worst
//! served streets, and what a tapped street is nearest to). Legends pair colour with line
//! style and words.

use std::sync::Arc;

use leptos::prelude::*;
use linli_core::circle::{Coverage, Isochrone};
use linli_core::decimal::Fixed;
use linli_core::hours::{local_minute_text, parse_local_minute};
use linli_core::{Kind, QueryError, Reach};

use crate::components::symbols::kind_class;
use crate::i18n::{kind_name, mode_name, whole_computing, whole_fetching, Lang, T};
use crate::state::{use_app, CIRCLE_MINUTES};
use crate::tiled::WholeCoverage;

/// Line style of band `i` (0..=3): colour, weight, dash pattern. Shared with the map.
pub const fn band_style(i: usize) -> (&'static str, f64, &'static str) {
    match i {
        0 => ("#1a7f37", 6.0, ""),
        1 => ("#4e9a06", 5.0, "10 5"),
        2 => ("#b8860b", 4.0, "4 4"),
        _ => ("#c0392b", 3.0, "1 5"),
    }
}

fn band_label(i: usize, lang: Lang) -> String {
    match (CIRCLE_MINUTES.get(i), lang) {
        (Some(m), Lang::Zh) => format!("{}分钟内", Fixed(*m, 0)),
        (Some(m), Lang::En) => format!("within {} min", Fixed(*m, 0)),
        (None, _) => T::BandBeyond.text(lang).to_string(),
    }
}

/// A legend: a line sample in each band's style, with words.
#[component]
fn Legend(bands: usize) -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <ul class="legend" aria-label=move || T::LegendLabel.text(lang.get())>
            {(0..bands).map(|i| {
                let (colour, weight, dash) = band_style(i);
                view! {
                    <li>
                        <svg width="36" height="12" aria-hidden="true">
                            <line x1="2" y1="6" x2="34" y2="6" stroke=colour stroke-width=Fixed(weight, 1).to_string()
                                stroke-dasharray=dash stroke-linecap="round" />
                        </svg>
                        {move || band_label(i, lang.get())}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

fn circle_summary(iso: &Isochrone, counts: &[[usize; 3]], band: usize, lang: Lang) -> String {
    let [c, r, k] = counts[band];
    let minutes = iso.limits_minutes[band];
    let mode = mode_name(iso.mode, lang);
    match lang {
        Lang::Zh => format!(
            "{mode}{}分钟内：{c}个服务中心、{r}个骑士驿站、{k}个食堂",
            Fixed(minutes, 0)
        ),
        Lang::En => {
            let plural = |n: usize, one: &str, many: &str| {
                format!("{n} {}", if n == 1 { one } else { many })
            };
            format!(
                "Within {} minutes ({}): {}, {}, {}",
                Fixed(minutes, 0),
                mode.to_ascii_lowercase(),
                plural(c, "centre", "centres"),
                plural(r, "rest stop", "rest stops"),
                plural(k, "canteen", "canteens")
            )
        }
    }
}

fn coverage_summary(cov: &Coverage, kind: Kind, lang: Lang) -> String {
    let pct = |i: usize| Fixed(cov.share(i) * 100.0, 1);
    let max = cov
        .max_minutes
        .map_or_else(|| "–".to_string(), |m| Fixed(m, 0).to_string());
    match lang {
        Lang::Zh => format!(
            "{}：{}% 的街道在5分钟内，{}% 在10分钟内，{}% 在15分钟内；最远处 {} 分钟。",
            kind_name(kind, lang),
            pct(0),
            pct(1),
            pct(2),
            max
        ),
        Lang::En => format!(
            "{}: {}% of street length within 5 minutes, {}% within 10, {}% within 15; the farthest point is {} minutes away.",
            kind_name(kind, lang),
            pct(0),
            pct(1),
            pct(2),
            max
        ),
    }
}

/// The service-circle section of the panel.
#[component]
pub fn CirclePanel(
    circle: Memo<Option<Arc<Isochrone>>>,
    coverage: Memo<Option<Arc<Coverage>>>,
    ranked: Memo<Option<Result<Vec<Reach>, QueryError>>>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    // Places within each band, counted from the same ranking as the list (no second search).
    let counts = move || -> Vec<[usize; 3]> {
        let Some(engine) = state.engine.get() else {
            return Vec::new();
        };
        let Some(Ok(reaches)) = ranked.get() else {
            return Vec::new();
        };
        CIRCLE_MINUTES
            .iter()
            .map(|limit| {
                let mut c = [0; 3];
                for r in reaches
                    .iter()
                    .filter(|r| r.time_s.is_some_and(|t| t <= limit * 60.0))
                {
                    let k = engine.finder().services()[r.service].kind;
                    c[Kind::ALL.iter().position(|x| *x == k).unwrap_or(0)] += 1;
                }
                c
            })
            .collect()
    };
    let circle_view = move || {
        let iso = circle.get()?;
        let l = lang.get();
        let counts = counts();
        Some(view! {
            <div class="circle-info">
                <Legend bands=3 />
                <ul class="circle-summary" data-testid="circle-summary" aria-live="polite">
                    {(0..iso.limits_minutes.len()).filter(|b| *b < counts.len()).map(|b| view! {
                        <li data-band=b.to_string() data-minutes=Fixed(iso.limits_minutes[b], 0).to_string()
                            data-centre=counts[b][0].to_string() data-rest_stop=counts[b][1].to_string()
                            data-canteen=counts[b][2].to_string() data-street-m=Fixed((0..=b).map(|i| iso.band_length_m(i)).sum::<f64>(), 1).to_string()>
                            {circle_summary(&iso, &counts, b, l)}
                        </li>
                    }).collect_view()}
                </ul>
                {(!iso.missing_tiles.is_empty()).then(|| view! {
                    <p class="notice" data-testid="circle-partial" role="status">{T::PartlyLoaded.text(l)}</p>
                })}
            </div>
        })
    };
    // The whole-area run of a tiled dataset: the action, its progress and a way to stop it.
    let whole_view = move || {
        let l = lang.get();
        let job = state.coverage_job.get();
        let whole = state.coverage_whole.get();
        let missing = coverage.with(|c| c.as_ref().is_some_and(|c| !c.missing_tiles.is_empty()));
        if !whole {
            return missing.then(|| {
                view! {
                    <button class="primary" data-testid="coverage-whole"
                        on:click=move |_| state.coverage_whole.set(true)>
                        {T::CoverWhole.text(l)}
                    </button>
                }
                .into_any()
            });
        }
        let cancel = move |_| {
            state.coverage_whole.set(false);
            state.coverage_job.set(WholeCoverage::Idle);
        };
        // (phase, what it says, progress max and value)
        let (phase, text, max, value) = match job {
            WholeCoverage::Fetching { loaded, total, .. } => (
                "fetch",
                whole_fetching(loaded, total, l),
                total.max(1),
                loaded,
            ),
            WholeCoverage::Computing { done, .. } => {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let pct = (done * 100.0).floor().clamp(0.0, 100.0) as usize;
                ("compute", whole_computing(pct, l), 100, pct)
            }
            WholeCoverage::Failed { .. } => (
                "failed",
                format!(
                    "{} {}",
                    T::TilesError.text(l),
                    state.tiles_error.get().map_or("", |e| e.message().text(l))
                ),
                1,
                0,
            ),
            WholeCoverage::Idle | WholeCoverage::Done { .. } => return None,
        };
        let failed = phase == "failed";
        Some(
            view! {
                <div class="whole-progress" data-testid="coverage-progress" data-phase=phase
                    data-value=value.to_string() data-max=max.to_string() role=failed.then_some("alert")>
                    <label for="coverage-progress-bar">{text}</label>
                    <progress id="coverage-progress-bar" hidden=failed max=max.to_string() value=value.to_string()></progress>
                    {failed.then(|| view! {
                        <button class="primary" data-testid="coverage-whole-retry" on:click=move |_| crate::tiled::retry(state)>
                            {T::Retry.text(l)}
                        </button>
                    })}
                    <button class="chip" data-testid="coverage-cancel" on:click=cancel>{T::Cancel.text(l)}</button>
                </div>
            }
            .into_any(),
        )
    };
    let coverage_view = move || {
        if !state.coverage_on.get() {
            return None;
        }
        let cov = coverage.get();
        if cov.is_none() && !state.coverage_whole.get() {
            return None;
        }
        let l = lang.get();
        let kind = state.coverage_kind.get();
        // Not tracked: the coverage memo changes when the loaded network does (a tile arriving
        // during a whole-area run would otherwise draw the panel again).
        let engine = state.engine.get_untracked()?;
        let result = cov.map(|cov| {
        let worst = cov.worst_served(engine.finder().network(), 5);
        let tap = state.coverage_tap.get().map(|(_, found)| match found {
            Some((m, i)) => {
                let s = &engine.finder().services()[i];
                match l {
                    Lang::Zh => format!(
                        "这里离最近的{}「{}」{}分钟（{}）",
                        kind_name(s.kind, l),
                        s.name,
                        Fixed(m.ceil(), 0),
                        mode_name(state.mode.get(), l)
                    ),
                    Lang::En => format!(
                        "Nearest {} from here: {}, {} min ({})",
                        kind_name(s.kind, l).to_ascii_lowercase(),
                        s.name,
                        Fixed(m.ceil(), 0),
                        mode_name(state.mode.get(), l).to_ascii_lowercase()
                    ),
                }
            }
            None => T::NoneReachable.text(l).to_string(),
        });
        view! {
                <Legend bands=4 />
                <p class="coverage-summary" data-testid="coverage-summary" aria-live="polite"
                    data-share-5=Fixed(cov.share(0), 4).to_string()
                    data-share-10=Fixed(cov.share(1), 4).to_string()
                    data-share-15=Fixed(cov.share(2), 4).to_string()
                    data-max-minutes=cov.max_minutes.map(|m| Fixed(m, 1).to_string()).unwrap_or_default()
                    data-street-m=Fixed(cov.street_m, 1).to_string()
                    data-whole=cov.missing_tiles.is_empty().to_string()>
                    {coverage_summary(&cov, kind, l)}
                </p>
                {(!cov.missing_tiles.is_empty()).then(|| view! {
                    <p class="notice" data-testid="coverage-partial" role="status">{T::PartlyLoaded.text(l)}</p>
                })}
                <p class="small">{T::TapStreetHint.text(l)}</p>
                {tap.map(|t| view! { <p class="notice" data-testid="coverage-tap-info" role="status">{t}</p> })}
                <h2 class="subheading">{T::WorstLabel.text(l)}</h2>
                <ol class="worst">
                    {worst.into_iter().map(|w| {
                        let name = w.street.clone().unwrap_or_else(|| T::UnnamedStreet.text(l).to_string());
                        let minutes = w.minutes.map_or_else(|| T::NoneReachable.text(l).to_string(), |m| match l {
                            Lang::Zh => format!("{} 分钟", Fixed(m, 0)),
                            Lang::En => format!("{} min", Fixed(m, 0)),
                        });
                        let point = w.point;
                        view! {
                            <li>
                                <button class="worst-place" data-testid="worst-place" on:click=move |_| {
                                    state.fly_to.set(Some(point));
                                    let engine = state.engine.get_untracked();
                                    let found = engine.and_then(|e| {
                                        let services = linli_core::circle::services_of(e.finder(), state.coverage_kind.get_untracked(), state.coverage_at.get_untracked());
                                        e.minutes_at(state.mode.get_untracked(), &services, point)
                                    });
                                    state.coverage_tap.set(Some((point, found)));
                                }>
                                    <span>{name}</span>" · "<strong>{minutes}</strong>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ol>
        }
        });
        Some(view! {
            <div class="coverage-info">
                <div class="picker" role="group" aria-label=T::CoverageKindLabel.text(l)>
                    {Kind::ALL.into_iter().map(|k| view! {
                        <button class="chip" data-testid=format!("coverage-kind-{}", k.code())
                            aria-pressed=move || (state.coverage_kind.get() == k).to_string()
                            on:click=move |_| { state.coverage_kind.set(k); state.coverage_tap.set(None); }>
                            <span class=format!("shape {}", kind_class(k)) aria-hidden="true"></span>
                            {kind_name(k, l)}
                        </button>
                    }).collect_view()}
                </div>
                <label class="open-at">
                    <input type="checkbox" data-testid="coverage-open-only"
                        prop:checked=move || state.coverage_at.get().is_some()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            state.coverage_at.set(on.then(|| state.now.get_untracked()));
                        } />
                    {T::CoverageOpenAt.text(l)}
                </label>
                {move || state.coverage_at.get().map(|t| view! {
                    <input type="datetime-local" data-testid="coverage-open-at"
                        aria-label=T::CoverageOpenAt.text(lang.get())
                        prop:value=local_minute_text(t)
                        on:change=move |ev| {
                            if let Some(t) = parse_local_minute(&event_target_value(&ev)) {
                                state.coverage_at.set(Some(t));
                            }
                        } />
                })}
                <div class="whole-area">{whole_view}</div>
                {result}
            </div>
        })
    };
    view! {
        <section class="circle-panel" aria-label=move || T::CircleLabel.text(lang.get())>
            <div class="picker wrap">
                <button class="chip" data-testid="circle-toggle"
                    aria-pressed=move || state.circle_on.get().to_string()
                    on:click=move |_| state.circle_on.update(|v| *v = !*v)>
                    {move || T::CircleToggle.text(lang.get())}
                </button>
                <button class="chip" data-testid="coverage-toggle"
                    aria-pressed=move || state.coverage_on.get().to_string()
                    on:click=move |_| { state.coverage_on.update(|v| *v = !*v); state.coverage_tap.set(None); }>
                    {move || T::CoverageToggle.text(lang.get())}
                </button>
            </div>
            {circle_view}
            {coverage_view}
        </section>
    }
}
