//! The map: the street network from the bundle (no tile server needed), markers per kind, the
//! starting point and the route to the selected place. Leaflet lives outside Leptos; the effects
//! here only sync it with the app state.

use leptos::prelude::*;
use linli_core::{LngLat, RoadClass};
use wasm_bindgen::JsValue;

use std::sync::Arc;

use linli_core::circle::{Coverage, Isochrone};

use crate::components::circle_panel::band_style;
use crate::components::symbols::kind_class;
use crate::i18n::{kind_name, T};
use crate::leaflet::{self, Layer, Map};
use crate::state::{use_app, OriginSource, Row};

/// The Leaflet objects of the map, created once the bundle and the element are there.
#[derive(Clone)]
struct Layers {
    map: Map,
    markers: Layer,
    origin: Layer,
    route: Layer,
    /// The service circle's bands and the coverage colouring, on one canvas renderer.
    circle: Layer,
    coverage: Layer,
    overlay_renderer: JsValue,
}

/// How each road class is drawn: (group, colour, weight, dash pattern).
fn street_style(class: RoadClass) -> (usize, &'static str, f64, &'static str) {
    match class {
        RoadClass::Trunk | RoadClass::Primary | RoadClass::Secondary => (0, "#8c96a3", 4.0, ""),
        RoadClass::Tertiary | RoadClass::Minor | RoadClass::Service => (1, "#a9b1bb", 2.5, ""),
        RoadClass::Footway | RoadClass::Cycleway => (2, "#8d9a7b", 1.5, "4 3"),
        RoadClass::Steps => (3, "#b0643c", 2.0, "2 2"),
    }
}

fn draw_streets(map: &Map, state: crate::state::AppState) {
    state.engine.with_untracked(|engine| {
        let Some(engine) = engine else { return };
        let graph = engine.finder().network().graph();
        let mut groups: [Vec<Vec<LngLat>>; 4] = Default::default();
        let mut styles = [("", 0.0, ""); 4];
        for (i, e) in graph.edges.iter().enumerate() {
            let (g, colour, weight, dash) = street_style(e.class);
            styles[g] = (colour, weight, dash);
            let id = linli_core::EdgeId(u32::try_from(i).unwrap_or(u32::MAX));
            groups[g].push(graph.edge_lnglats(id).collect());
        }
        let renderer = leaflet::canvas_renderer();
        for (lines, (colour, weight, dash)) in groups.iter().zip(styles) {
            if lines.is_empty() {
                continue;
            }
            let layer = leaflet::multi_polyline(
                lines,
                &[
                    ("color", colour.into()),
                    ("weight", weight.into()),
                    ("opacity", 0.9.into()),
                    (
                        "dashArray",
                        if dash.is_empty() {
                            JsValue::NULL
                        } else {
                            dash.into()
                        },
                    ),
                ],
                &renderer,
            );
            layer.show_on(map);
        }
    });
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Creates the map, draws the streets and fits the area.
fn create_map(el: &web_sys::HtmlElement, state: crate::state::AppState) -> Layers {
    let lang = state.lang;
    let attribution = state
        .engine
        .with_untracked(|e| e.as_ref().map(|e| e.finder().bundle().attribution.clone()))
        .unwrap_or_default();
    let map = leaflet::new_map(
        el,
        &format!(
            "{}: {}",
            T::Attribution.text(lang.get_untracked()),
            escape(&attribution)
        ),
    );
    if let Some((url, tiles_attribution)) = state.tiles.get_value() {
        leaflet::tiles(&url, &escape(&tiles_attribution)).show_on(&map);
    }
    draw_streets(&map, state);
    if let Some(bbox) = state
        .engine
        .with_untracked(|e| e.as_ref().map(|e| e.finder().bundle().bbox))
    {
        leaflet::fit(&map, bbox.min, bbox.max, 8);
    }
    let (markers, origin, route) = (leaflet::group(), leaflet::group(), leaflet::group());
    let (circle, coverage) = (leaflet::group(), leaflet::group());
    coverage.show_on(&map);
    circle.show_on(&map);
    route.show_on(&map);
    markers.show_on(&map);
    origin.show_on(&map);
    // A tap chooses the starting point, or, in the coverage view, asks which place is nearest.
    leaflet::on_click(&map, move |p| {
        if state.coverage_on.get_untracked() {
            let found = state.engine.get_untracked().and_then(|e| {
                let services = linli_core::circle::services_of(
                    e.finder(),
                    state.coverage_kind.get_untracked(),
                    state.coverage_at.get_untracked(),
                );
                e.minutes_at(state.mode.get_untracked(), &services, p)
            });
            state.coverage_tap.set(Some((p, found)));
        } else {
            state.set_origin(p, OriginSource::Map);
        }
    });
    // The benchmark script pans the map through this handle.
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__linliMap".into(), &map);
    }
    let m = map.clone();
    let update = move || state.map_centre.set(leaflet::center(&m));
    update();
    leaflet::on_move_end(&map, update);
    Layers {
        map,
        markers,
        origin,
        route,
        circle,
        coverage,
        overlay_renderer: leaflet::canvas_renderer(),
    }
}

/// Draws band parts (edge, from, to, band) as one multi-polyline per band, widest band first.
fn draw_bands(
    group: &Layer,
    renderer: &JsValue,
    net: &linli_core::Network,
    parts: impl Iterator<Item = (linli_core::EdgeId, f64, f64, usize)>,
) {
    let mut lines: [Vec<Vec<LngLat>>; 4] = Default::default();
    for (edge, from, to, band) in parts {
        lines[band.min(3)].push(net.edge_slice(edge, from, to));
    }
    for band in (0..4).rev() {
        if lines[band].is_empty() {
            continue;
        }
        let (colour, weight, dash) = band_style(band);
        let layer = leaflet::multi_polyline(
            &lines[band],
            &[
                ("color", colour.into()),
                ("weight", weight.into()),
                ("opacity", 0.85.into()),
                ("lineCap", "round".into()),
                (
                    "dashArray",
                    if dash.is_empty() {
                        JsValue::NULL
                    } else {
                        dash.into()
                    },
                ),
            ],
            renderer,
        );
        group.push(&layer);
    }
}

/// The map with its layers.
#[component]
pub fn MapView(
    rows: Memo<Vec<Row>>,
    query_point: Memo<Option<LngLat>>,
    circle: Memo<Option<Arc<Isochrone>>>,
    coverage: Memo<Option<Arc<Coverage>>>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let node = NodeRef::<leptos::html::Div>::new();
    // A local signal (Leaflet objects are not Send), so the effects below re-run once it is set.
    let layers: RwSignal<Option<Layers>, LocalStorage> = RwSignal::new_local(None);

    // Create the map once both the element and the bundle exist, in a task of its own after
    // the list has rendered (drawing thousands of street segments should not delay it).
    let scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        let ready = state.engine.with(Option::is_some);
        if !ready || node.get().is_none() || scheduled.get_value() {
            return;
        }
        scheduled.set_value(true);
        set_timeout(
            move || {
                if let Some(el) = node.get_untracked() {
                    if leaflet::available() {
                        layers.set(Some(create_map(&el, state)));
                    }
                }
            },
            std::time::Duration::ZERO,
        );
    });

    // Markers for the places in the list: shape and colour per kind, name as title.
    Effect::new(move |_| {
        let rows = rows.get();
        let l = lang.get();
        let selected = state.selected.get();
        let Some(ls) = layers.get() else { return };
        let Some(engine) = state.engine.get_untracked() else {
            return;
        };
        ls.markers.clear_layers();
        for row in rows.iter().rev() {
            let s = &engine.finder().services()[row.service];
            let chosen = selected == Some(row.service);
            let html = format!(
                r#"<span class="pin {} {}" data-service-id="{}"></span>"#,
                kind_class(s.kind),
                if chosen { "pin-selected" } else { "" },
                escape(&s.id)
            );
            let title = format!("{} ({})", s.name, kind_name(s.kind, l));
            let marker = leaflet::html_marker(
                s.location,
                &html,
                "linli-marker",
                if chosen { 30 } else { 24 },
                &title,
                true,
            );
            let service = row.service;
            leaflet::on_layer_click(&marker, move || state.selected.set(Some(service)));
            ls.markers.push(&marker);
        }
    });

    // The starting point.
    Effect::new(move |_| {
        let point = query_point.get();
        let has_origin = state.origin.with(Option::is_some);
        let l = lang.get();
        let Some(ls) = layers.get() else { return };
        ls.origin.clear_layers();
        if let (Some(p), true) = (point, has_origin) {
            let marker = leaflet::html_marker(
                p,
                r#"<span class="pin pin-origin"></span>"#,
                "linli-origin",
                22,
                T::YouAreHere.text(l),
                false,
            );
            ls.origin.push(&marker);
        }
    });

    // The route to the selected place, and zoom to it.
    Effect::new(move |_| {
        let selected = state.selected.get();
        let point = query_point.get();
        let mode = state.mode.get();
        let Some(ls) = layers.get() else { return };
        ls.route.clear_layers();
        let (Some(i), Some(p), Some(engine)) = (selected, point, state.engine.get_untracked())
        else {
            return;
        };
        if let Some(route) = engine.route(p, mode, i) {
            let casing = leaflet::svg_polyline(
                &route.points,
                &[
                    ("color", "#ffffff".into()),
                    ("weight", 9.into()),
                    ("opacity", 0.9.into()),
                ],
            );
            let line = leaflet::svg_polyline(
                &route.points,
                &[
                    ("color", "#1f5fbf".into()),
                    ("weight", 5.into()),
                    ("className", "linli-route".into()),
                ],
            );
            ls.route.push(&casing);
            ls.route.push(&line);
            leaflet::fit_layer(&ls.map, &line, 40);
        }
    });

    // The service circle.
    Effect::new(move |_| {
        let iso = circle.get();
        let Some(ls) = layers.get() else { return };
        ls.circle.clear_layers();
        let (Some(iso), Some(engine)) = (iso, state.engine.get_untracked()) else {
            return;
        };
        let net = engine.finder().network();
        draw_bands(
            &ls.circle,
            &ls.overlay_renderer,
            net,
            iso.parts.iter().map(|p| (p.edge, p.from_m, p.to_m, p.band)),
        );
    });

    // The coverage colouring.
    Effect::new(move |_| {
        let cov = coverage.get();
        let Some(ls) = layers.get() else { return };
        ls.coverage.clear_layers();
        let (Some(cov), Some(engine)) = (cov, state.engine.get_untracked()) else {
            return;
        };
        let net = engine.finder().network();
        draw_bands(
            &ls.coverage,
            &ls.overlay_renderer,
            net,
            cov.parts.iter().map(|p| (p.edge, p.from_m, p.to_m, p.band)),
        );
    });

    // Show a place asked for (a worst-served street).
    Effect::new(move |_| {
        let target = state.fly_to.get();
        let Some(ls) = layers.get() else { return };
        if let Some(p) = target {
            leaflet::set_view(&ls.map, p, 17.0);
        }
    });

    on_cleanup(move || {
        if let Some(ls) = layers.get_untracked() {
            ls.map.remove_map();
        }
    });

    view! {
        <div
            class="map"
            data-testid="map"
            node_ref=node
            role="region"
            aria-label=move || T::MapLabel.text(lang.get())
        ></div>
    }
}
