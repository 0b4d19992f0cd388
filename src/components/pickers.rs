//! Travel mode, kind and service filters, and the "open now" toggle: toggle buttons with
//! `aria-pressed`, grouped and labelled for screen readers.

use leptos::prelude::*;
use linli_core::{Kind, Mode};

use crate::components::symbols::{amenity_icon, kind_class, FILTERS};
use crate::i18n::{amenity_name, kind_name, mode_name, T};
use crate::state::use_app;

/// 步行 / 电动车 / 无障碍.
#[component]
pub fn ModePicker() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let icon = |m: Mode| match m {
        Mode::Walk => "🚶",
        Mode::Ebike => "🛵",
        Mode::StepFree => "♿",
    };
    view! {
        <div class="picker" role="group" aria-label=move || T::ModeLabel.text(lang.get())>
            {Mode::ALL.into_iter().map(|m| view! {
                <button
                    class="chip"
                    data-testid=format!("mode-{}", m.as_str())
                    aria-pressed=move || (state.mode.get() == m).to_string()
                    on:click=move |_| state.mode.set(m)
                >
                    <span aria-hidden="true">{icon(m)}" "</span>
                    {move || mode_name(m, lang.get())}
                </button>
            }).collect_view()}
        </div>
    }
}

/// 全部 / 服务中心 / 骑士驿站 / 食堂.
#[component]
pub fn KindPicker() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let options: Vec<Option<Kind>> = std::iter::once(None).chain(Kind::ALL.map(Some)).collect();
    view! {
        <div class="picker" role="group" aria-label=move || T::KindLabel.text(lang.get())>
            {options.into_iter().map(|k| {
                let code = k.map_or("all", Kind::code);
                view! {
                    <button
                        class="chip"
                        data-testid=format!("kind-{code}")
                        aria-pressed=move || (state.kind.get() == k).to_string()
                        on:click=move |_| state.kind.set(k)
                    >
                        {k.map(|k| view! { <span class=format!("shape {}", kind_class(k)) aria-hidden="true"></span> })}
                        {move || k.map_or(T::KindAll.text(lang.get()), |k| kind_name(k, lang.get()))}
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

/// Service filters (all must be offered) and "open now".
#[component]
pub fn ServiceFilters() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    view! {
        <div class="picker wrap" role="group" aria-label=move || T::FiltersLabel.text(lang.get())>
            <button
                class="chip"
                data-testid="open-now"
                aria-pressed=move || state.open_now.get().to_string()
                on:click=move |_| state.open_now.update(|v| *v = !*v)
            >
                <span aria-hidden="true">"🕘 "</span>
                {move || T::OpenNow.text(lang.get())}
            </button>
            {FILTERS.iter().map(|&a| view! {
                <button
                    class="chip"
                    data-testid=format!("filter-{}", a.code())
                    aria-pressed=move || state.needs.get().contains(a).to_string()
                    on:click=move |_| state.needs.update(|n| n.toggle(a))
                >
                    <span aria-hidden="true">{amenity_icon(a)}" "</span>
                    {move || amenity_name(a, lang.get())}
                </button>
            }).collect_view()}
        </div>
    }
}
