//! "About this data": the data's name, when it was built ("数据更新于 …"), where it came from
//! (this site, or another one the deployment allows: `data_origin.rs`), and the map data's
//! attribution. Always shown at the end of the panel, so a visitor can tell whose data this is.

use leptos::prelude::*;

use crate::data_origin::{page_origin, resolve};
use crate::i18n::T;
use crate::state::use_app;

/// The panel.
#[component]
pub fn AboutData() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let url = state.data_url.get_value();
    let resolved = resolve(&url);
    let href = resolved.as_ref().map_or(url, |r| r.href.clone());
    let origin = resolved.map(|r| r.origin).unwrap_or_default();
    let own = origin == page_origin();
    let bundle = move || {
        state.engine.with(|e| {
            e.as_ref().map(|e| {
                let b = e.finder().bundle();
                (b.name.clone(), b.build_date.clone(), b.attribution.clone())
            })
        })
    };
    view! {
        <section class="about-data" data-testid="about-data" aria-labelledby="about-data-title">
            <h2 id="about-data-title">{move || T::AboutData.text(lang.get())}</h2>
            {move || bundle().map(|(name, date, _)| view! {
                <p>
                    <strong data-testid="data-name">{name}</strong>
                    " · "
                    <span data-testid="data-date">{T::DataUpdated.text(lang.get())}" "{date}</span>
                </p>
            })}
            <p data-testid="data-origin" data-own=own.to_string()>
                {move || T::DataSource.text(lang.get())}": "
                <span class="origin-name">{origin.clone()}</span>
                " ("{move || if own { T::DataOwnSite.text(lang.get()) } else { T::DataOtherSite.text(lang.get()) }}")"
            </p>
            <p class="small">{move || T::DataFile.text(lang.get())}": "<span class="origin-name">{href.clone()}</span></p>
            {move || bundle().filter(|(_, _, a)| !a.is_empty()).map(|(_, _, attribution)| view! {
                <p class="small">{T::MapData.text(lang.get())}": "{attribution}</p>
            })}
        </section>
    }
}
