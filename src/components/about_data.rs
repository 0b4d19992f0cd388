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
    // One reactive piece: the data arrives once, the language may change.
    let panel = move || {
        let l = lang.get();
        let bundle = state.engine.with(|e| {
            e.as_ref().map(|e| {
                let b = e.finder().bundle();
                (b.name.clone(), b.build_date.clone(), b.attribution.clone())
            })
        });
        let (name_date, attribution) = match bundle {
            Some((name, date, attribution)) => (
                Some(view! {
                    <p>
                        <strong data-testid="data-name">{name}</strong>
                        " · "
                        <span data-testid="data-date">{T::DataUpdated.text(l)}" "{date}</span>
                    </p>
                }),
                (!attribution.is_empty()).then(|| {
                    view! {
                        <p class="small">{T::MapData.text(l)}{attribution}</p>
                    }
                }),
            ),
            None => (None, None),
        };
        let site = if own {
            T::DataOwnSite
        } else {
            T::DataOtherSite
        };
        view! {
            <h2 id="about-data-title">{T::AboutData.text(l)}</h2>
            {name_date}
            <p data-testid="data-origin" data-own=own.to_string()>
                {T::DataSource.text(l)}<span class="origin-name">{origin.clone()}</span>{site.text(l)}
            </p>
            <p class="small">{T::DataFile.text(l)}<span class="origin-name">{href.clone()}</span></p>
            {attribution}
        }
    };
    view! {
        <section class="about-data" data-testid="about-data" aria-labelledby="about-data-title">
            {panel}
        </section>
    }
}
