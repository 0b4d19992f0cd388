//! Kind, travel mode, open state and service filters: toggle buttons with `aria-pressed`,
//! grouped and labelled for screen readers, wrapping onto more lines rather than scrolling
//! sideways.

use leptos::prelude::*;
use linli_core::{Kind, Mode};

use crate::components::symbols::{amenity_icon, kind_class, FILTERS};
use crate::i18n::{amenity_name, kind_name, mode_name, Lang, T};
use crate::layout::Layout;
use crate::state::{is_evening, use_app};
use crate::url_state::OpenChoice;

/// The pictogram of a travel mode.
pub const fn mode_icon(m: Mode) -> &'static str {
    match m {
        Mode::Walk => "🚶",
        Mode::Ebike => "🛵",
        Mode::StepFree => "♿",
    }
}

/// 步行 / 电动车 / 无障碍, as one row of equal buttons.
#[component]
pub fn ModePicker() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    view! {
        <div class="segmented" role="group" aria-label=move || T::ModeLabel.text(lang.get())>
            {Mode::ALL.into_iter().map(|m| view! {
                <button
                    class="segment"
                    data-testid=format!("mode-{}", m.as_str())
                    aria-pressed=move || (state.mode.get() == m).to_string()
                    on:click=move |_| state.mode.set(m)
                >
                    <span aria-hidden="true">{mode_icon(m)}" "</span>
                    {move || mode_name(m, lang.get())}
                </button>
            }).collect_view()}
        </div>
    }
}

/// Where a four-character Chinese name may break when its tile is narrow ("服务" "中心"), so
/// it never breaks as "服务中" "心"; other names break at their spaces.
pub fn break_point(name: &str) -> (&str, &str) {
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    if chars.len() == 4 && chars.iter().all(|(_, c)| cjk(*c)) {
        name.split_at(chars[2].0)
    } else {
        (name, "")
    }
}

/// A kind's name in two characters ("中心", "驿站", "食堂"), for four tiles in a row at 200 %
/// text; the list and the detail always give the full name.
fn kind_short_name(kind: Kind, lang: Lang) -> &'static str {
    match kind {
        Kind::Centre => T::KindCentreShort,
        Kind::RestStop => T::KindRestStopShort,
        Kind::Canteen => T::KindCanteenShort,
    }
    .text(lang)
}

/// 全部 / 服务中心 / 骑士驿站 / 食堂: four tiles side by side, the kind's shape above its name.
#[component]
pub fn KindPicker() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let options: Vec<Option<Kind>> = std::iter::once(None).chain(Kind::ALL.map(Some)).collect();
    view! {
        <div class="kind-tiles" role="group" aria-label=move || T::KindLabel.text(lang.get())>
            {options.into_iter().map(|k| {
                let code = k.map_or("all", Kind::code);
                view! {
                    <button
                        class="kind-tile"
                        data-testid=format!("kind-{code}")
                        aria-pressed=move || (state.kind.get() == k).to_string()
                        on:click=move |_| state.kind.set(k)
                    >
                        <span class=format!("shape {}", k.map_or("shape-all", kind_class)) aria-hidden="true"></span>
                        <span class="kind-tile-label">
                            {move || {
                                let l = lang.get();
                                let name = match (k, state.layout() == Layout::Compact) {
                                    (None, _) => T::KindAll.text(l),
                                    (Some(k), true) => kind_short_name(k, l),
                                    (Some(k), false) => kind_name(k, l),
                                };
                                let (a, b) = break_point(name);
                                view! { {a.to_string()}<wbr />{b.to_string()} }
                            }}
                        </span>
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

/// 全部显示 / 营业中优先 / 只看营业中. Unless the user picks one, open places come first in the
/// evening and at night, and that button shows as chosen.
#[component]
pub fn OpenPicker() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let effective = move || match state.open.get() {
        OpenChoice::Auto if is_evening(state.now.get()) => OpenChoice::First,
        OpenChoice::Auto => OpenChoice::All,
        c => c,
    };
    let options = [
        (OpenChoice::All, "open-all", T::OpenAll, "☰"),
        (OpenChoice::First, "open-first", T::OpenFirst, "↑"),
        (OpenChoice::Only, "open-now", T::OpenOnly, "🕘"),
    ];
    view! {
        <div class="segmented" role="group" aria-label=move || T::OpenLabel.text(lang.get())>
            {options.into_iter().map(|(choice, id, text, icon)| view! {
                <button
                    class="segment"
                    data-testid=id
                    aria-pressed=move || (effective() == choice).to_string()
                    on:click=move |_| state.open.set(choice)
                >
                    <span aria-hidden="true">{icon}" "</span>
                    {move || text.text(lang.get())}
                </button>
            }).collect_view()}
        </div>
    }
}

/// Service filters (all must be offered).
#[component]
pub fn ServiceFilters() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    view! {
        <div class="picker wrap" role="group" aria-label=move || T::FiltersLabel.text(lang.get())>
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

#[cfg(test)]
mod tests {
    use super::break_point;

    #[test]
    fn four_character_names_break_in_the_middle() {
        assert_eq!(break_point("服务中心"), ("服务", "中心"));
        assert_eq!(break_point("食堂"), ("食堂", ""));
        assert_eq!(break_point("Rest stop"), ("Rest stop", ""));
    }
}
