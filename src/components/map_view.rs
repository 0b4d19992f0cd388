//! The map: the street network from the bundle (no tile server needed), a marker per place
//! that shows its kind by shape and its open state by fill and sign, grouped where they would
//! hide each other, the one starting point (the area centre when none is chosen), and the
//! route to the selected place. Leaflet lives outside Leptos; the effects here only sync it
//! with the app state. Leaflet is loaded by the app itself, so a late `leaflet.js` still
//! brings the map up, and a failed one says so with a retry.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use linli_core::circle::{Coverage, Isochrone};
use linli_core::hours::OpenState;
use linli_core::{BBox, Kind, LngLat, Mode, RoadClass, TileId};
use wasm_bindgen::JsValue;

use crate::components::circle_panel::band_style;
use crate::components::symbols::pin_svg;
use crate::declutter::{group, project, spread, unproject};
use crate::format::open_status;
use crate::i18n::{kind_name, Lang, T};
use crate::layout::Layout;
use crate::leaflet::{self, Layer, Map, MAX_ZOOM};
use crate::state::{use_app, AppState, Load, MapLib, OriginSource, Row};
use crate::url_state::View;

/// Markers are this many CSS pixels square: the tap target (WCAG 2.5.5).
const MARKER_PX: f64 = 44.0;

/// How the map's view is to be fitted: a fit asked for while the map was hidden, done when it
/// shows; and whether the map has been placed.
#[derive(Default)]
struct Fits {
    pending: Option<(LngLat, LngLat, f64)>,
    /// False until the task after the map's creation: the fits made when the map first appears
    /// (the area, the start with its first result, a chosen place's route) place it without
    /// animation; later ones, after a tap, animate.
    placed: bool,
}

type SharedFits = Rc<RefCell<Fits>>;

/// The Leaflet objects of the map, created once the bundle, Leaflet and the element are there.
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
    fits: SharedFits,
    /// The markers, drawn and spare.
    markers_made: Rc<RefCell<MarkersMade>>,
    streets: Rc<RefCell<Streets>>,
}

/// The streets on the map: which parts are drawn, in which groups, and their canvas (made
/// once).
#[derive(Default)]
struct Streets {
    drawn: Vec<TileId>,
    /// Each drawing's tiles and the group of its lines (a tiled dataset's only).
    batches: Vec<(Vec<TileId>, Layer)>,
    renderer: Option<JsValue>,
}

/// On a tiled dataset, the streets of the loaded tiles within this many metres of the starting
/// point are drawn, and those beyond [`STREETS_KEPT_M`] are taken off the map (drawn again when
/// the starting point comes back): the lines of every tile a long ride loaded would otherwise
/// fill the page's memory (about 0.4 MB of JS heap per 2 km tile).
const STREETS_DRAWN_M: f64 = 3_000.0;
const STREETS_KEPT_M: f64 = 4_000.0;

impl Layers {
    /// Fits the map to a rectangle now, or as soon as the map is shown; animated once the map
    /// has been placed (see [`Fits::placed`]).
    fn fit(&self, min: LngLat, max: LngLat, max_zoom: f64) {
        let animate = self.fits.borrow().placed;
        fit_map(&self.map, &self.fits, min, max, max_zoom, animate);
    }
}

/// Fits `map` to a rectangle now, or (when it is hidden) as soon as it is shown, then without
/// animation: there is nothing on screen to follow.
///
/// `animate` is for moves the user follows (after a tap). Leaflet finishes a zoom animation by
/// setting the view it animated to, so a pan or a `setView` made in its ~250 ms is undone: a
/// fit nobody asked to watch is not animated.
fn fit_map(map: &Map, fits: &SharedFits, min: LngLat, max: LngLat, max_zoom: f64, animate: bool) {
    if leaflet::has_size(map) {
        leaflet::fit(map, min, max, 48, max_zoom, animate);
    } else {
        // Leaflet needs a view to exist; the real fit waits for a size.
        let centre = LngLat::new((min.lng + max.lng) / 2.0, (min.lat + max.lat) / 2.0);
        leaflet::set_view(map, centre, 15.0_f64.min(max_zoom));
        fits.borrow_mut().pending = Some((min, max, max_zoom));
    }
}

/// Everything a marker is made from: a redraw keeps the markers whose look is unchanged and
/// makes only the others (a new selection changes two markers, a new minute those whose
/// opening state changed; each new Leaflet marker costs about a millisecond at 4× slowdown).
/// (Compared field by field in this order: the position first, which tells most markers
/// apart at once, so a linear search through a few hundred markers stays cheap.)
#[derive(PartialEq)]
struct MarkerLook {
    /// Latitude and longitude, as bits.
    at: [u64; 2],
    z_offset: i32,
    click: MarkerClick,
    icon: Icon,
    title: String,
}

/// What a marker shows.
#[derive(PartialEq)]
enum Icon {
    /// A place's pin: its id, opening state and kind (the element's `data-*`). The kind, the
    /// state and whether it is selected choose its drawing, which pins that look alike share
    /// (`leaflet::pin_icon`).
    Pin {
        id: String,
        state: OpenState,
        kind: Kind,
        selected: bool,
    },
    /// A string of HTML.
    Html(String),
}

#[derive(PartialEq)]
enum MarkerClick {
    /// Opens the place with this index.
    Open(usize),
    /// Zooms to the group's places: min and max longitude and latitude, as bits.
    Zoom([u64; 4]),
}

/// The Leaflet markers made so far, with their click handlers (dropped with their markers).
#[derive(Default)]
struct MarkersMade {
    /// On the map now.
    drawn: Vec<DrawnMarker>,
    /// Taken off the map lately, oldest first, kept to be put back as they are when their place
    /// comes back (open now and back to all, a kind and back): putting a Leaflet marker back
    /// costs less than making it. At most [`SPARE_MARKERS`].
    spare: Vec<DrawnMarker>,
}

/// A marker (on the map or spare) and its click handler.
struct DrawnMarker {
    look: MarkerLook,
    layer: Layer,
    /// Kept as long as the marker is.
    click: leaflet::Handler,
}

/// How each road class is drawn: (group, colour, weight, dash pattern); lighter lines on the
/// dark background of dark mode.
fn street_style(class: RoadClass, dark: bool) -> (usize, &'static str, f64, &'static str) {
    match (class, dark) {
        (RoadClass::Trunk | RoadClass::Primary | RoadClass::Secondary, false) => {
            (0, "#8c96a3", 4.0, "")
        }
        (RoadClass::Trunk | RoadClass::Primary | RoadClass::Secondary, true) => {
            (0, "#6b7684", 4.0, "")
        }
        (RoadClass::Tertiary | RoadClass::Minor | RoadClass::Service, false) => {
            (1, "#a9b1bb", 2.5, "")
        }
        (RoadClass::Tertiary | RoadClass::Minor | RoadClass::Service, true) => {
            (1, "#555e69", 2.5, "")
        }
        (RoadClass::Footway | RoadClass::Cycleway, false) => (2, "#8d9a7b", 1.5, "4 3"),
        (RoadClass::Footway | RoadClass::Cycleway, true) => (2, "#6f7d5e", 1.5, "4 3"),
        (RoadClass::Steps, false) => (3, "#b0643c", 2.0, "2 2"),
        (RoadClass::Steps, true) => (3, "#c98a5e", 2.0, "2 2"),
    }
}

/// Draws the streets not drawn yet: the streets each loaded part owns (a single bundle is one
/// part that owns them all; a tiled dataset gains parts as its tiles arrive), so each street
/// is drawn once. `drawn` remembers the parts already on the map.
fn draw_streets(map: &Map, state: AppState, streets: &mut Streets) {
    let dark = leaflet::dark_mode();
    state.engine.with_untracked(|engine| {
        let Some(engine) = engine else { return };
        let net = engine.finder().network();
        let mut groups: [leaflet::Lines; 4] = Default::default();
        let mut styles = [("", 0.0, ""); 4];
        // Around the starting point (or the area's centre) on a tiled dataset; all at once for
        // a single bundle.
        let near = engine.finder().manifest().map(|m| {
            let b = engine.finder().bundle().bbox;
            let focus = state
                .origin
                .with_untracked(|o| o.map(|o| o.point))
                .unwrap_or_else(|| {
                    LngLat::new((b.min.lng + b.max.lng) / 2.0, (b.min.lat + b.max.lat) / 2.0)
                });
            let near = |r| m.tiles_near(net.projection(), focus, r);
            (near(STREETS_DRAWN_M), near(STREETS_KEPT_M))
        });
        if let Some((_, kept)) = &near {
            streets.batches.retain(|(tiles, group)| {
                let keep = tiles.iter().any(|t| kept.contains(t));
                if !keep {
                    group.clear_layers();
                }
                keep
            });
            let batches = &streets.batches;
            streets
                .drawn
                .retain(|t| batches.iter().any(|(tiles, _)| tiles.contains(t)));
        }
        let fresh: Vec<TileId> = net
            .loaded_tiles()
            .filter(|t| !streets.drawn.contains(t))
            .filter(|t| near.as_ref().is_none_or(|(drawn, _)| drawn.contains(t)))
            .collect();
        let batch = fresh.clone();
        for tile in fresh {
            let Some((graph, _, owned)) = net.tile_streets(tile) else {
                continue;
            };
            for (i, e) in graph.edges.iter().enumerate().take(owned) {
                let (g, colour, weight, dash) = street_style(e.class, dark);
                styles[g] = (colour, weight, dash);
                let id = linli_core::EdgeId(u32::try_from(i).unwrap_or(u32::MAX));
                groups[g].push(graph.edge_lnglats(id));
            }
            streets.drawn.push(tile);
        }
        if groups.iter().all(leaflet::Lines::is_empty) {
            return;
        }
        let renderer = streets
            .renderer
            .get_or_insert_with(|| leaflet::streets_renderer(map))
            .clone();
        let group = leaflet::group();
        group.show_on(map);
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
                    // Flat ends: a round cap on each of thousands of street ends was half of
                    // every redraw of this canvas (measured at 4x, docs/BROWSER_BENCHMARKS.md).
                    ("lineCap", "butt".into()),
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
            group.push(&layer);
        }
        if near.is_some() {
            streets.batches.push((batch, group));
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
fn create_map(
    el: &web_sys::HtmlElement,
    state: AppState,
    zoom: RwSignal<f64>,
    moved: RwSignal<u32>,
) -> Layers {
    let attribution = state
        .engine
        .with_untracked(|e| e.as_ref().map(|e| e.finder().bundle().attribution.clone()))
        .unwrap_or_default();
    // The data's own attribution ("© OpenStreetMap contributors"), nothing more: on a phone
    // every word of it takes map space.
    let map = leaflet::new_map(el, &escape(&attribution));
    if let Some((url, tiles_attribution)) = state.tiles.get_value() {
        leaflet::tiles(&url, &escape(&tiles_attribution)).show_on(&map);
    }
    // The streets (thousands of segments) in a task of their own, so the map, its markers and
    // the list are not held up by them.
    // That task also ends the map's placement (`Fits::placed`): the effects that wait for
    // the map run before it, in this task's microtasks.
    let m = map.clone();
    let streets = Rc::new(RefCell::new(Streets::default()));
    let drawn = Rc::clone(&streets);
    let fits = SharedFits::default();
    let placing_done = Rc::clone(&fits);
    set_timeout(
        move || {
            placing_done.borrow_mut().placed = true;
            draw_streets(&m, state, &mut drawn.borrow_mut());
        },
        std::time::Duration::ZERO,
    );
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
    // The benchmark script and the tests read the map through this handle.
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__linliMap".into(), &map);
    }
    let layers = Layers {
        map: map.clone(),
        markers,
        origin,
        route,
        circle,
        coverage,
        overlay_renderer: leaflet::canvas_renderer(),
        fits,
        markers_made: Rc::default(),
        streets,
    };
    if let Some(bbox) = state
        .engine
        .with_untracked(|e| e.as_ref().map(|e| e.finder().bundle().bbox))
    {
        layers.fit(bbox.min, bbox.max, MAX_ZOOM);
    }
    let m = map.clone();
    let update = move || state.map_centre.set(leaflet::center(&m));
    update();
    leaflet::on_move_end(&map, move || {
        update();
        moved.update(|n| *n = n.wrapping_add(1));
    });
    let m = map.clone();
    zoom.set(map.get_zoom());
    leaflet::on_zoom_end(&map, move || zoom.set(m.get_zoom()));
    layers
}

/// Street parts of a coverage drawn in one task (800 took 60–240 ms at 4× slowdown when a
/// whole city's coverage was shown; 250 keep each task near a frame's worth).
const COVERAGE_CHUNK: usize = 250;

/// Draws band parts (edge, from, to, band) as one multi-polyline per band, widest band first.
fn draw_bands(
    group: &Layer,
    renderer: &JsValue,
    net: &linli_core::Network,
    parts: impl Iterator<Item = (linli_core::EdgeId, f64, f64, usize)>,
) {
    let mut lines: [leaflet::Lines; 4] = Default::default();
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

/// "12 个服务点：…（点击放大）" / "12 places: … (tap to zoom in)".
fn cluster_title(names: &[String], lang: Lang) -> String {
    let shown = names.iter().take(6).cloned().collect::<Vec<_>>();
    let more = if names.len() > 6 { "…" } else { "" };
    match lang {
        Lang::Zh => format!(
            "{} 个服务点：{}{more}（{}）",
            names.len(),
            shown.join("、"),
            T::ClusterHint.text(lang)
        ),
        Lang::En => format!(
            "{} places: {}{more} ({})",
            names.len(),
            shown.join(", "),
            T::ClusterHint.text(lang)
        ),
    }
}

/// Lists longer than this get markers only for the places in view (and a margin).
const MARKERS_WHOLE_LIST: usize = 400;

/// How many markers taken off the map are kept for reuse (`MarkersMade::spare`).
const SPARE_MARKERS: usize = 200;

/// The number `leaflet::pin_icon` knows a pin's drawing by: one per kind × state × selected
/// (bit fields, so a new kind or state cannot make two drawings share a number).
fn pin_drawing(kind: Kind, state: OpenState, selected: bool) -> u32 {
    (kind as u32) << 8 | (state as u32) << 1 | u32::from(selected)
}

/// Draws the markers of `rows` (the selected place first, so it is never grouped away); with
/// `in_view`, only of those inside the map's view grown by half its size each way.
fn draw_markers(ls: &Layers, state: AppState, rows: &[Row], zoom: f64, lang: Lang, in_view: bool) {
    let Some(engine) = state.engine.get_untracked() else {
        return;
    };
    let selected = state.selected.get_untracked();
    let now = state.now.get_untracked();
    // The markers on the map now: those drawn again as they are stay.
    let MarkersMade {
        drawn: mut before,
        mut spare,
    } = std::mem::take(&mut *ls.markers_made.borrow_mut());
    let mut drawn: Vec<DrawnMarker> = Vec::new();
    // Keeps the marker of this look if it is on the map, else puts it back if it is spare,
    // else makes it at `p` (with CSS class `class` and the click handler `on_click` gives it).
    let mut show = |look: MarkerLook,
                    p: LngLat,
                    class: &str,
                    on_click: &dyn Fn(&Layer) -> leaflet::Handler| {
        let (layer, click) = match before.iter().position(|m| m.look == look) {
            Some(i) => {
                let m = before.swap_remove(i);
                (m.layer, m.click)
            }
            None if let Some(i) = spare.iter().position(|m| m.look == look) => {
                let m = spare.remove(i);
                ls.markers.push(&m.layer);
                (m.layer, m.click)
            }
            None => {
                let icon = match &look.icon {
                    Icon::Pin {
                        id,
                        state,
                        kind,
                        selected,
                    } => leaflet::pin_icon(
                        id,
                        state.as_str(),
                        kind.code(),
                        pin_drawing(*kind, *state, *selected),
                        || pin_svg(*kind, *state, *selected),
                    ),
                    Icon::Html(html) => JsValue::from_str(html),
                };
                let layer =
                    leaflet::html_marker(p, &icon, class, 44, &look.title, true, look.z_offset);
                let click = on_click(&layer);
                ls.markers.push(&layer);
                (layer, click)
            }
        };
        drawn.push(DrawnMarker { look, layer, click });
    };
    let services = engine.finder().services();
    let view = if in_view {
        leaflet::bounds(&ls.map).map(|(min, max)| {
            let (dx, dy) = ((max.lng - min.lng) / 2.0, (max.lat - min.lat) / 2.0);
            (
                LngLat::new(min.lng - dx, min.lat - dy),
                LngLat::new(max.lng + dx, max.lat + dy),
            )
        })
    } else {
        None
    };
    let shown = |r: &&Row| {
        view.is_none_or(|(min, max)| {
            let p = services[r.service].location;
            (min.lng..=max.lng).contains(&p.lng) && (min.lat..=max.lat).contains(&p.lat)
        })
    };
    let mut order: Vec<&Row> = Vec::new();
    order.extend(rows.iter().filter(|r| Some(r.service) == selected));
    order.extend(
        rows.iter()
            .filter(|r| Some(r.service) != selected)
            .filter(shown),
    );
    let statuses: Vec<linli_core::hours::HoursStatus> =
        order.iter().map(|r| r.status(&engine, now)).collect();
    let points: Vec<[f64; 2]> = order
        .iter()
        .map(|r| project(services[r.service].location, zoom))
        .collect();
    let at_max = zoom >= MAX_ZOOM - 0.01;
    for g in group(&points, MARKER_PX) {
        if g.members.len() == 1 || at_max {
            // One place, or places zoom cannot separate: spread them around the spot.
            let offsets = spread(g.members.len(), MARKER_PX);
            for (&i, off) in g.members.iter().zip(offsets) {
                let row = order[i];
                let status = &statuses[i];
                let s = &services[row.service];
                let chosen = selected == Some(row.service);
                let spot = if g.members.len() == 1 {
                    g.at
                } else {
                    [g.at[0] + off[0], g.at[1] + off[1]]
                };
                let icon = Icon::Pin {
                    id: s.id.clone(),
                    state: status.state,
                    kind: s.kind,
                    selected: chosen,
                };
                let title = format!(
                    "{} ({}) · {}",
                    s.name,
                    kind_name(s.kind, lang),
                    open_status(status, now, lang)
                );
                let p = unproject(spot, zoom);
                let service = row.service;
                let look = MarkerLook {
                    icon,
                    title,
                    z_offset: if chosen { 500 } else { 0 },
                    at: [p.lat.to_bits(), p.lng.to_bits()],
                    click: MarkerClick::Open(service),
                };
                show(look, p, "linli-marker", &|marker| {
                    leaflet::on_layer_click(marker, move || state.open_place(service))
                });
            }
        } else {
            let names: Vec<String> = g
                .members
                .iter()
                .map(|&i| services[order[i].service].name.clone())
                .collect();
            let open = g
                .members
                .iter()
                .filter(|&&i| statuses[i].state.is_open())
                .count();
            let html = format!(
                r#"<span class="cluster" data-count="{}" data-open="{open}"><span class="cluster-count">{}</span></span>"#,
                g.members.len(),
                g.members.len()
            );
            let p = unproject(g.at, zoom);
            let bounds = BBox::around(
                g.members
                    .iter()
                    .map(|&i| services[order[i].service].location),
            );
            let look = MarkerLook {
                icon: Icon::Html(html),
                title: cluster_title(&names, lang),
                z_offset: 100,
                at: [p.lat.to_bits(), p.lng.to_bits()],
                click: MarkerClick::Zoom(bounds.map_or([0; 4], |b| {
                    [b.min.lng, b.min.lat, b.max.lng, b.max.lat].map(f64::to_bits)
                })),
            };
            show(look, p, "linli-cluster", &|marker| {
                let (map, fits) = (ls.map.clone(), ls.fits.clone());
                leaflet::on_layer_click(marker, move || {
                    if let Some(b) = bounds {
                        fit_map(&map, &fits, b.min, b.max, MAX_ZOOM, true);
                    }
                })
            });
        }
    }
    // Markers not drawn again go off the map, kept spare (the oldest spares go for good).
    for m in before {
        ls.markers.remove(&m.layer);
        spare.push(m);
    }
    let over = spare.len().saturating_sub(SPARE_MARKERS);
    spare.drain(..over);
    *ls.markers_made.borrow_mut() = MarkersMade { drawn, spare };
}

/// The map with its layers, and what shows instead while Leaflet loads or when it failed.
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
    let zoom = RwSignal::new(0.0_f64);
    // Bumped after every pan or zoom (markers of long lists follow the view).
    let moved = RwSignal::new(0_u32);

    let load_leaflet = move || {
        state.map_lib.set(MapLib::Loading);
        leaflet::load(move |ok| {
            if ok {
                state.map_lib.set(MapLib::Ready);
            } else if state.map_lib.get_untracked() != MapLib::Ready {
                state.map_lib.set(MapLib::Failed);
            }
        });
    };
    // Leaflet is downloaded at once, but run (100–140 ms at 4× slowdown) only once the first
    // results are on screen, or the data has failed: run on arrival, it fell between the
    // data's preparation and the first results and put them off by that much. The map waits
    // for the results anyway.
    leaflet::download_early();
    let leaflet_asked = StoredValue::new(false);
    Effect::new(move |_| {
        let settled = state.load.with(|l| !matches!(l, Load::Loading(_)));
        if settled && !leaflet_asked.get_value() {
            leaflet_asked.set_value(true);
            crate::data::after_paint(load_leaflet);
        }
    });

    // Create the map once the element, the bundle and Leaflet are there, in a task of its own.
    // Leaflet is only run after the first results have been painted (above), so nothing of the
    // map delays the list on screen.
    let scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        let ready = state.engine.with(Option::is_some) && state.map_lib.get() == MapLib::Ready;
        if !ready || node.get().is_none() || scheduled.get_value() {
            return;
        }
        scheduled.set_value(true);
        set_timeout(
            move || {
                if let Some(el) = node.get_untracked() {
                    layers.set(Some(create_map(&el, state, zoom, moved)));
                }
            },
            std::time::Duration::ZERO,
        );
    });

    // A tiled dataset's tiles arrive after the map is made: their streets are drawn as they
    // come (in a task of their own, like the first ones).
    Effect::new(move |_| {
        state.engine.track();
        state.origin.track();
        let Some((map, streets)) =
            layers.with(|l| l.as_ref().map(|l| (l.map.clone(), Rc::clone(&l.streets))))
        else {
            return;
        };
        set_timeout(
            move || draw_streets(&map, state, &mut streets.borrow_mut()),
            std::time::Duration::ZERO,
        );
    });

    // When the map appears (a layout or view change), give Leaflet its new size and do the
    // fit that waited for it.
    Effect::new(move |_| {
        let _ = (state.layout(), state.view.get(), state.selected.get());
        if layers.with(Option::is_none) {
            return;
        }
        set_timeout(
            move || {
                let Some(ls) = layers.get_untracked() else {
                    return;
                };
                if leaflet::has_size(&ls.map) {
                    ls.map.invalidate_size();
                    let pending = ls.fits.borrow_mut().pending.take();
                    if let Some((min, max, z)) = pending {
                        leaflet::fit(&ls.map, min, max, 48, z, false);
                    }
                }
            },
            std::time::Duration::ZERO,
        );
    });

    // Markers for the places in the list (of a long list, those in view, again after every
    // pan). Drawn in a task of their own, after the list: a tap that changes the list (a mode,
    // a kind, a filter) is then two shorter tasks instead of one long one, and the list is on
    // screen first. Changes that come together are drawn once.
    let marker_draw_queued = StoredValue::new(false);
    Effect::new(move |_| {
        lang.track();
        state.selected.track();
        state.now.track();
        zoom.track();
        rows.track();
        if layers.with(Option::is_none) {
            return;
        }
        if rows.with(|r| r.len() > MARKERS_WHOLE_LIST) {
            moved.track();
        }
        if marker_draw_queued.get_value() {
            return;
        }
        marker_draw_queued.set_value(true);
        set_timeout(
            move || {
                // The map may have gone meanwhile (the component was taken down, and the
                // signals it made with it).
                if marker_draw_queued.try_set_value(false).is_some() {
                    return;
                }
                let Some(ls) = layers.get_untracked() else {
                    return;
                };
                let (l, z) = (lang.get_untracked(), zoom.get_untracked());
                rows.with_untracked(|rows| {
                    let many = rows.len() > MARKERS_WHOLE_LIST;
                    draw_markers(&ls, state, rows, z, l, many);
                });
            },
            std::time::Duration::ZERO,
        );
    });

    // The one starting point: the chosen one, or the area centre with its label.
    Effect::new(move |_| {
        let point = query_point.get();
        let origin = state.origin.get();
        let l = lang.get();
        let Some(ls) = layers.get() else { return };
        ls.origin.clear_layers();
        let Some(p) = point else { return };
        let (html, class, title) = match origin {
            Some(o) => (
                format!(
                    r#"<span class="pin-origin" data-origin="{}"></span>"#,
                    o.source.code()
                ),
                "linli-origin",
                T::YouAreHere.text(l).to_string(),
            ),
            None => (
                format!(
                    r#"<span class="pin-origin centre" data-origin="centre"></span><span class="pin-label">{}</span>"#,
                    escape(T::AreaCentre.text(l))
                ),
                "linli-origin linli-origin-centre",
                T::OriginCentre.text(l).to_string(),
            ),
        };
        let marker =
            leaflet::html_marker(p, &JsValue::from_str(&html), class, 28, &title, false, 1000);
        ls.origin.push(&marker);
    });

    // The route to the selected place, and zoom to it.
    let route_fitted = StoredValue::new(None::<(usize, u64, u64, Mode)>);
    Effect::new(move |_| {
        let selected = state.selected.get();
        let point = query_point.get();
        let mode = state.mode.get();
        let Some(ls) = layers.get() else { return };
        ls.route.clear_layers();
        // Tracked: on a tiled dataset the route waits for its tiles (asked for here), and the
        // engine is replaced when they arrive.
        state.tiles_retry.track();
        if selected.is_none() {
            route_fitted.set_value(None);
        }
        let (Some(i), Some(p), Some(engine)) = (selected, point, state.engine.get()) else {
            return;
        };
        let route = match engine.route_step(p, mode, i) {
            Ok(route) => route,
            Err(tiles) => {
                crate::tiled::request(state, tiles);
                None
            }
        };
        if let Some(route) = route {
            let casing = leaflet::svg_polyline(
                &route.points,
                &[
                    ("color", "#ffffff".into()),
                    ("weight", 9.into()),
                    ("opacity", 0.9.into()),
                    ("className", "linli-route-casing".into()),
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
            // The stretches the e-bike is pushed: dotted over the line (with a gap of the
            // casing's colour), so the difference is in the pattern, not the colour.
            let net = engine.finder().network();
            for stretch in route.stretches.iter().filter(|s| s.pushed) {
                let points = net.edge_slice(stretch.edge, stretch.from_m, stretch.to_m);
                let gap = leaflet::svg_polyline(
                    &points,
                    &[
                        ("color", "#ffffff".into()),
                        ("weight", 6.into()),
                        ("className", "linli-route-pushed-gap".into()),
                    ],
                );
                let dots = leaflet::svg_polyline(
                    &points,
                    &[
                        ("color", "#1f5fbf".into()),
                        ("weight", 5.into()),
                        ("dashArray", "1 9".into()),
                        ("lineCap", "round".into()),
                        ("className", "linli-route-pushed".into()),
                    ],
                );
                ls.route.push(&gap);
                ls.route.push(&dots);
            }
            // Zoomed once per route (a tile arriving later draws it again, in place).
            let key = Some((i, p.lng.to_bits(), p.lat.to_bits(), mode));
            if route_fitted.get_value() != key {
                route_fitted.set_value(key);
                if let Some(b) = BBox::around(route.points.iter().copied()) {
                    // After the detail's first paint: the fit reads the map's size, which in
                    // this task would lay the new detail out before it is painted (a forced
                    // layout of ~36 ms at 4×, traced), and its zoom is nothing to wait for.
                    crate::data::after_paint(move || {
                        if route_fitted.try_get_value() == Some(key)
                            && state.selected.try_get_untracked() == Some(Some(i))
                        {
                            ls.fit(b.min, b.max, 17.0);
                        }
                    });
                }
            }
        }
    });

    // After "use my location" (or a link with a starting point): show the start and the first
    // result together.
    let shown = StoredValue::new(0_u32);
    Effect::new(move |_| {
        let asked = state.show_nearest.get();
        let Some(ls) = layers.get() else { return };
        if asked == shown.get_value() || state.selected.get_untracked().is_some() {
            return;
        }
        let (Some(p), Some(engine)) = (query_point.get_untracked(), state.engine.get_untracked())
        else {
            return;
        };
        let Some(first) = rows.with_untracked(|r| r.first().map(|r| r.service)) else {
            return;
        };
        shown.set_value(asked);
        let target = engine.finder().services()[first].location;
        if let Some(b) = BBox::around([p, target]) {
            ls.fit(b.min, b.max, 16.0);
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

    // The coverage colouring: a city's is drawn [`COVERAGE_CHUNK`] street parts at a time
    // (consecutive edges, so each chunk is one compact area), with a turn for the browser
    // between chunks; a new coverage stops the drawing of the previous one.
    let draws = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let cov = coverage.get();
        let Some(ls) = layers.get() else { return };
        ls.coverage.clear_layers();
        draws.update_value(|n| *n += 1);
        let run = draws.get_value();
        let Some(cov) = cov else { return };
        leptos::task::spawn_local(async move {
            for chunk in cov.parts.chunks(COVERAGE_CHUNK) {
                let Some(engine) = state.engine.get_untracked() else {
                    return;
                };
                if draws.try_get_value() != Some(run) {
                    return;
                }
                draw_bands(
                    &ls.coverage,
                    &ls.overlay_renderer,
                    engine.finder().network(),
                    chunk.iter().map(|p| (p.edge, p.from_m, p.to_m, p.band)),
                );
                drop(engine);
                crate::data::next_task().await;
            }
        });
    });

    // Show a place asked for (a worst-served street).
    Effect::new(move |_| {
        let target = state.fly_to.get();
        let Some(ls) = layers.get() else { return };
        if let Some(p) = target {
            ls.fit(p, p, 17.0);
        }
    });

    on_cleanup(move || {
        if let Some(ls) = layers.get_untracked() {
            ls.map.remove_map();
        }
    });

    let status = move || {
        let l = lang.get();
        match state.map_lib.get() {
            MapLib::Ready => None,
            MapLib::Loading => Some(
                view! { <p class="map-status" data-testid="map-loading" role="status">{T::MapLoading.text(l)}</p> }
                    .into_any(),
            ),
            MapLib::Failed => Some(
                view! {
                    <div class="map-status map-error" data-testid="map-error" role="alert">
                        <p>{T::MapFailed.text(l)}</p>
                        <button class="primary" data-testid="map-retry" on:click=move |_| load_leaflet()>
                            {T::Retry.text(l)}
                        </button>
                    </div>
                }
                .into_any(),
            ),
        }
    };
    // In the full-screen map (phones), the way back to the list or the detail.
    let back = move || {
        let l = lang.get();
        (state.view.get() == View::Map && state.layout() != Layout::Wide).then(|| {
            let text = if state.selected.get().is_some() {
                T::BackToDetail
            } else {
                T::ShowList
            };
            view! {
                <button class="map-back primary" data-testid="view-list"
                    on:click=move |_| crate::history::close_map(state)>
                    <span aria-hidden="true">"☰ "</span>{text.text(l)}
                </button>
            }
        })
    };

    view! {
        <div class="map-area">
            <div
                class="map"
                data-testid="map"
                node_ref=node
                role="region"
                aria-label=move || T::MapLabel.text(lang.get())
            ></div>
            {status}
            {back}
        </div>
    }
}
