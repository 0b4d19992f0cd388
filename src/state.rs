//! The app's state, shared through context, and the values derived from it.

use std::sync::Arc;

use chrono::{NaiveDateTime, Timelike};
use leptos::prelude::*;
use linli_core::hours::{beijing_time, HoursStatus, OpenState};
use linli_core::sort::SortDyn;
use linli_core::{Amenities, Kind, LngLat, Mode, QueryError, Reach};

use crate::config::Config;
use crate::data::{now_ms, publish_timings, Engine, LoadError, Progress, Timings};
use crate::geolocate::GeoError;
use crate::i18n::Lang;
use crate::layout::{Layout, Screen};
use crate::url_state::{round6, OpenChoice, UrlState, View};

/// Something about the link worth telling the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The link's starting point is outside the map's area: ranked from the area centre.
    UrlOriginOutside,
    /// The link names a place this data does not have.
    UnknownPlace(String),
}

/// Leaflet, which the app loads itself (see `leaflet::load`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MapLib {
    /// Downloading `leaflet.js`.
    #[default]
    Loading,
    /// `L` is there.
    Ready,
    /// It failed or took too long; the map area says so and offers a retry.
    Failed,
}

/// Where the starting point came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginSource {
    /// The `lat`/`lng` URL parameters.
    Url,
    /// The device's location.
    Gps,
    /// A tap on the map (or the map-centre button).
    Map,
    /// A street chosen in the search box.
    Search,
    /// The host page (`linli:setOrigin`, see `embed.rs`).
    Host,
}

impl OriginSource {
    /// `url`, `gps`, `map` for `data-origin`.
    pub const fn code(self) -> &'static str {
        match self {
            OriginSource::Url => "url",
            OriginSource::Gps => "gps",
            OriginSource::Map => "map",
            OriginSource::Search => "search",
            OriginSource::Host => "host",
        }
    }
}

/// A chosen starting point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Origin {
    /// Where.
    pub point: LngLat,
    /// How it was chosen.
    pub source: OriginSource,
}

/// What the page has made ahead, hidden, while idle after the first results and the search
/// index (`AppState::warm_up`), each in a task of its own, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum WarmUp {
    /// Nothing yet.
    #[default]
    Nothing,
    /// The search box's suggestion rows.
    SearchRows,
    /// The folded controls (travel mode, open, services, circle) on phones.
    FoldedControls,
}

/// The state of the "use my location" request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locating {
    /// Nothing asked.
    #[default]
    Idle,
    /// Waiting for the device.
    Busy,
    /// It failed.
    Failed(GeoError),
    /// It worked, but the position is outside the map's area.
    Outside,
}

/// Loading the bundle.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// Downloading.
    Loading(Progress),
    /// Failed.
    Failed(LoadError),
    /// Not loaded: the bundle is on an origin this deployment does not allow
    /// (`data_origin.rs`).
    Refused(crate::data_origin::Refusal),
    /// Ready (the engine is in [`AppState::engine`]).
    Ready,
}

/// A tapped street point and, if any place of the kind can be reached from it, the minutes to
/// the nearest one and its index.
pub type CoverageTap = (LngLat, Option<(f64, usize)>);

/// One line of the results list.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Service index.
    pub service: usize,
    /// Its distance.
    pub reach: Reach,
    /// Its hours now, when the order or the filter needed them; otherwise they are worked out
    /// only for the rows shown ([`Row::status`]).
    pub status: Option<HoursStatus>,
}

impl Row {
    /// Its hours at `now` (the rows' time).
    pub fn status(&self, engine: &Engine, now: NaiveDateTime) -> HoursStatus {
        match &self.status {
            Some(s) => s.clone(),
            None => engine.status(self.service, now),
        }
    }
}

/// Everything the components share. Copy: signals are handles.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Interface language.
    pub lang: RwSignal<Lang>,
    /// The loaded bundle.
    pub engine: RwSignal<Option<Arc<Engine>>>,
    /// Loading progress or failure.
    pub load: RwSignal<Load>,
    /// Timings of decode and preparation.
    pub timings: RwSignal<Timings>,
    /// The chosen starting point, if any.
    pub origin: RwSignal<Option<Origin>>,
    /// The name of the street chosen as the starting point in the search box.
    pub origin_name: RwSignal<Option<String>>,
    /// Bumped by every load, so that a superseded load's result is dropped.
    pub load_generation: StoredValue<u32>,
    /// Travel mode.
    pub mode: RwSignal<Mode>,
    /// Kind filter.
    pub kind: RwSignal<Option<Kind>>,
    /// Services the user needs.
    pub needs: RwSignal<Amenities>,
    /// Open places first, only, or not.
    pub open: RwSignal<OpenChoice>,
    /// The service shown in detail.
    pub selected: RwSignal<Option<usize>>,
    /// List or full-screen map (phones).
    pub view: RwSignal<View>,
    /// Now, in Beijing.
    pub now: RwSignal<NaiveDateTime>,
    /// "Use my location" progress.
    pub locating: RwSignal<Locating>,
    /// The map's centre, kept up to date by the map.
    pub map_centre: RwSignal<Option<LngLat>>,
    /// "My circle": show the streets within 5, 10, 15 minutes of the starting point.
    pub circle_on: RwSignal<bool>,
    /// The coverage view: streets coloured by minutes to the nearest service.
    pub coverage_on: RwSignal<bool>,
    /// The kind whose coverage is shown.
    pub coverage_kind: RwSignal<Kind>,
    /// Count only services open at this Beijing time (None: all services).
    pub coverage_at: RwSignal<Option<NaiveDateTime>>,
    /// What a tap on a street in the coverage view found.
    pub coverage_tap: RwSignal<Option<CoverageTap>>,
    /// On a tiled dataset, the coverage view covers the whole area (every tile fetched),
    /// not only what is loaded: asked for with "load the whole area".
    pub coverage_whole: RwSignal<bool>,
    /// The whole-area coverage run and its result (`tiled::drive_whole_coverage`).
    pub coverage_job: RwSignal<crate::tiled::WholeCoverage>,
    /// Ask the map to show this place.
    pub fly_to: RwSignal<Option<LngLat>>,
    /// Optional raster tiles from the host page.
    pub tiles: StoredValue<Option<(String, String)>>,
    /// The bundle URL.
    pub data_url: StoredValue<String>,
    /// A message about the link (starting point outside the area, unknown place).
    pub notice: RwSignal<Option<Notice>>,
    /// Ask the map to show the starting point and the first result (after "use my location");
    /// a counter, so that asking again re-runs the fit.
    pub show_nearest: RwSignal<u32>,
    /// Leaflet's loading state.
    pub map_lib: RwSignal<MapLib>,
    /// The window and the rendered text size, for the layout.
    pub screen: RwSignal<Screen>,
    /// A layout the link asks for (`layout=`), instead of the automatic one.
    pub forced_layout: StoredValue<Option<Layout>>,
    /// The folded controls (mode, open, services, circle) are shown.
    pub more_open: RwSignal<bool>,
    /// Tiles of a tiled dataset on their way (`tiled.rs`): the list says it is loading.
    pub tiles_loading: RwSignal<usize>,
    /// The last tile that could not be fetched or used (shown with a retry).
    pub tiles_error: RwSignal<Option<LoadError>>,
    /// Bumped by the retry: the views ask for the tiles they need again.
    pub tiles_retry: RwSignal<u32>,
    /// On a tiled dataset, how many of the nearest places the list makes exact (a screenful,
    /// raised by "more places").
    pub tiles_want: RwSignal<usize>,
    /// Raised a stage at a time, in tasks of their own, while the page is idle after the first
    /// results and the search index (`start_loading`): views then make ahead, hidden, what
    /// their first use would otherwise make (and compile) in a tap's task: the search box's
    /// suggestion rows, then the folded controls.
    pub warm_up: RwSignal<WarmUp>,
    /// A `place=` id waiting for the bundle.
    pub pending_place: StoredValue<Option<String>>,
    /// URL parameters that are not the user's state (kept in every URL written).
    pub other_params: StoredValue<Vec<(String, String)>>,
    /// How far the list was scrolled when a place was opened, to return there.
    pub list_scroll: StoredValue<i32>,
    /// The host sizes the frame to the content up to this height (`max_height=`, CSS px):
    /// the layout is chosen for that height, and the list flows (`embed.rs`).
    pub frame_max_height: StoredValue<Option<f64>>,
}

/// On a tiled dataset, the places the list makes exact first, and how many more each "more
/// places" adds.
pub const TILED_SCREENFUL: usize = 10;

/// Now in Beijing, from the browser's clock (the only place the app reads it).
pub fn beijing_now() -> NaiveDateTime {
    #[allow(clippy::cast_possible_truncation)]
    let ms = js_sys::Date::now() as i64;
    beijing_time(ms).unwrap_or_default()
}

impl AppState {
    /// The state for a link: the host's configuration and the user's state.
    pub fn new(config: &Config, url: &UrlState) -> AppState {
        AppState {
            lang: RwSignal::new(url.lang),
            engine: RwSignal::new(None),
            load: RwSignal::new(Load::Loading(Progress::default())),
            timings: RwSignal::new(Timings::default()),
            origin: RwSignal::new(url.origin.map(|point| Origin {
                point,
                source: OriginSource::Url,
            })),
            origin_name: RwSignal::new(None),
            load_generation: StoredValue::new(0),
            mode: RwSignal::new(url.mode),
            kind: RwSignal::new(url.kind),
            needs: RwSignal::new(url.needs),
            open: RwSignal::new(url.open),
            selected: RwSignal::new(None),
            view: RwSignal::new(url.view),
            now: RwSignal::new(beijing_now()),
            locating: RwSignal::new(Locating::Idle),
            map_centre: RwSignal::new(None),
            circle_on: RwSignal::new(false),
            coverage_on: RwSignal::new(false),
            coverage_kind: RwSignal::new(url.kind.unwrap_or(Kind::Centre)),
            coverage_at: RwSignal::new(None),
            coverage_tap: RwSignal::new(None),
            coverage_whole: RwSignal::new(false),
            coverage_job: RwSignal::new(crate::tiled::WholeCoverage::Idle),
            fly_to: RwSignal::new(None),
            tiles: StoredValue::new(
                config
                    .tiles
                    .clone()
                    .map(|t| (t, config.tiles_attribution.clone().unwrap_or_default())),
            ),
            data_url: StoredValue::new(config.data_url.clone()),
            notice: RwSignal::new(None),
            show_nearest: RwSignal::new(if url.origin.is_some() { 1 } else { 0 }),
            map_lib: RwSignal::new(MapLib::Loading),
            screen: RwSignal::new(Screen::default()),
            forced_layout: StoredValue::new(config.layout),
            more_open: RwSignal::new(false),
            tiles_loading: RwSignal::new(0),
            tiles_error: RwSignal::new(None),
            tiles_retry: RwSignal::new(0),
            tiles_want: RwSignal::new(TILED_SCREENFUL),
            warm_up: RwSignal::new(WarmUp::Nothing),
            pending_place: StoredValue::new(url.place.clone()),
            other_params: StoredValue::new(url.other.clone()),
            list_scroll: StoredValue::new(0),
            frame_max_height: StoredValue::new(config.max_height),
        }
    }

    /// The state as a link carries it (tracks every signal it reads).
    pub fn url_state(self) -> UrlState {
        let place = match self.selected.get() {
            Some(i) => self
                .engine
                .with(|e| e.as_ref().map(|e| e.finder().services()[i].id.clone())),
            None => None,
        };
        UrlState {
            origin: self.origin.get().map(|o| o.point),
            mode: self.mode.get(),
            kind: self.kind.get(),
            needs: self.needs.get(),
            open: self.open.get(),
            place,
            lang: self.lang.get(),
            view: self.view.get(),
            other: self.other_params.get_value(),
        }
    }

    /// [`AppState::url_state`] without tracking.
    pub fn url_state_untracked(self) -> UrlState {
        untrack(|| self.url_state())
    }

    /// The index of the service with this id.
    pub fn service_index(self, id: &str) -> Option<usize> {
        self.engine.with_untracked(|e| {
            e.as_ref()
                .and_then(|e| e.finder().services().iter().position(|s| s.id == id))
        })
    }

    /// Once the bundle is there: check the link's starting point and open the link's place.
    fn check_link(self) {
        let outside = self
            .origin
            .get_untracked()
            .is_some_and(|o| o.source == OriginSource::Url && !self.inside_area(o.point));
        if outside {
            self.origin.set(None);
            self.notice.set(Some(Notice::UrlOriginOutside));
        }
        if let Some(id) = self.pending_place.get_value() {
            self.pending_place.set_value(None);
            match self.service_index(&id) {
                Some(i) => self.selected.set(Some(i)),
                None => self.notice.set(Some(Notice::UnknownPlace(id))),
            }
        }
    }

    /// Is the point within the map's area (1 km margin)? True while nothing is loaded.
    pub fn inside_area(self, point: LngLat) -> bool {
        self.engine.with_untracked(|e| {
            e.as_ref()
                .is_none_or(|e| e.finder().bundle().bbox.contains_with_margin(point, 1000.0))
        })
    }

    /// Starts (or restarts) loading the bundle; then, in a task of its own after the first
    /// results, builds the search index.
    pub fn start_loading(self) {
        self.load.set(Load::Loading(Progress::default()));
        let url = self.data_url.get_value();
        let generation = self.load_generation.get_value().wrapping_add(1);
        self.load_generation.set_value(generation);
        let current = move || self.load_generation.get_value() == generation;
        leptos::task::spawn_local(async move {
            let load = self.load;
            if let Err(refusal) = crate::data_origin::permit(&url).await {
                if current() {
                    load.set(Load::Refused(refusal));
                }
                return;
            }
            let result = crate::data::load(&url, move |p| {
                if current() {
                    load.set(Load::Loading(p));
                }
            })
            .await;
            if !current() {
                return;
            }
            match result {
                Ok((engine, timings)) => {
                    self.timings.set(timings);
                    self.engine.set(Some(engine.clone()));
                    self.check_link();
                    self.load.set(Load::Ready);
                    crate::data::next_task().await;
                    crate::data::build_search(&engine).await;
                    crate::data::next_task().await;
                    for stage in [WarmUp::SearchRows, WarmUp::FoldedControls] {
                        if self.warm_up.get_untracked() < stage {
                            self.warm_up.set(stage);
                            crate::data::next_task().await;
                        }
                    }
                    crate::components::service_detail::rehearse(self).await;
                    crate::data::next_task().await;
                    crate::components::service_detail::prepare_type();
                }
                Err(e) => self.load.set(Load::Failed(e)),
            }
        });
    }

    /// Sets the starting point (rounded as the URL keeps it), unless it is outside the map's
    /// area (then says so and keeps ranking from the area centre).
    pub fn set_origin(self, point: LngLat, source: OriginSource) {
        let point = LngLat::new(round6(point.lng), round6(point.lat));
        if self.inside_area(point) {
            self.origin_name.set(None);
            self.origin.set(Some(Origin { point, source }));
            self.locating.set(Locating::Idle);
            self.notice.set(None);
        } else {
            self.locating.set(Locating::Outside);
        }
    }

    /// Opens a place's detail (the URL gets a history entry, so Back closes it), remembering
    /// where the list was scrolled. The detail is made in a task of its own: a tap is handled
    /// inside the browser's frame, so a detail made in the tap's task was laid out and painted
    /// in that same task too (61–76 ms at 4× slowdown, traced).
    pub fn open_place(self, service: usize) {
        if self.selected.get_untracked().is_none() {
            self.list_scroll.set_value(panel_scroll().unwrap_or(0));
        }
        set_timeout(
            move || {
                self.view.set(View::List);
                self.selected.set(Some(service));
            },
            std::time::Duration::ZERO,
        );
    }

    /// The layout now. In a frame sized to its content, for the height it may grow to.
    pub fn layout(self) -> Layout {
        self.forced_layout.get_value().unwrap_or_else(|| {
            let screen = self.screen.get();
            match self.frame_max_height.get_value() {
                Some(height) => crate::layout::choose(Screen { height, ..screen }),
                None => crate::layout::choose(screen),
            }
        })
    }

    /// Does the page flow to its content's height (a frame sized by the host, showing the
    /// list or the detail on a phone layout)? Otherwise it fills the window.
    pub fn flows(self) -> bool {
        self.frame_max_height.get_value().is_some()
            && self.layout() != Layout::Wide
            && self.view.get() == View::List
    }
}

/// The panel (list or detail) element, which scrolls on phones.
fn panel() -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector("[data-testid=panel]")
        .ok()
        .flatten()
}

/// Does the panel scroll by itself? (Not when the page flows in a frame sized to its
/// content: then the page scrolls.)
fn panel_scrolls(p: &web_sys::Element) -> bool {
    p.scroll_height() > p.client_height()
}

/// How far the panel (or the flowing page) is scrolled.
pub fn panel_scroll() -> Option<i32> {
    let p = panel()?;
    if panel_scrolls(&p) {
        Some(p.scroll_top())
    } else {
        #[allow(clippy::cast_possible_truncation)]
        web_sys::window()
            .and_then(|w| w.scroll_y().ok())
            .map(|y| y as i32)
    }
}

/// Scrolls the panel (or the flowing page) to `top`.
pub fn set_panel_scroll(top: i32) {
    if let Some(p) = panel() {
        if panel_scrolls(&p) {
            p.set_scroll_top(top);
        } else if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, f64::from(top));
        }
    }
}

/// The state from context.
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// The one starting point, used for the list, the detail, the route line and the circle: the
/// chosen origin, or the centre of the area (shown on the map as a pin).
pub fn query_point(state: AppState) -> Memo<Option<LngLat>> {
    Memo::new(move |_| {
        state.origin.get().map(|o| o.point).or_else(|| {
            state
                .engine
                .with(|e| e.as_ref().map(|e| e.finder().bundle().bbox.center()))
        })
    })
}

/// Every service ranked from the query point in the chosen mode (one search).
pub fn ranked(
    state: AppState,
    point: Memo<Option<LngLat>>,
) -> Memo<Option<Result<Vec<Reach>, QueryError>>> {
    Memo::new(move |_| {
        let engine = state.engine.get()?;
        let point = point.get()?;
        let mode = state.mode.get();
        let t0 = now_ms();
        let result = if engine.is_tiled() {
            ranked_tiled(state, &engine, point, mode)
        } else {
            engine.nearest(point, mode)
        };
        publish_timings(state.timings.get_untracked(), now_ms() - t0);
        Some(result)
    })
}

/// On a tiled dataset: the places that pass the filters, nearest first, as far as they are
/// exact (up to [`AppState::tiles_want`]); asks for the tiles the search needs next. Each tile
/// that arrives replaces the engine, and this runs again.
fn ranked_tiled(
    state: AppState,
    engine: &Engine,
    point: LngLat,
    mode: Mode,
) -> Result<Vec<Reach>, QueryError> {
    let kind = state.kind.get();
    let needs = state.needs.get();
    let open_now = state.open.get() == OpenChoice::Only;
    let now = state.now.get();
    let want = state.tiles_want.get();
    state.tiles_retry.track();
    let include = |i: usize, s: &linli_core::Service| {
        kind.is_none_or(|k| k == s.kind)
            && s.amenities.contains_all(needs)
            && (!open_now || engine.status(i, now).state.is_open())
    };
    let (reaches, need) = engine.nearest_among(point, mode, include, want)?;
    crate::data::publish_timing("tilesSearchDone", if need.is_empty() { 1.0 } else { 0.0 });
    if need.is_empty() {
        crate::tiled::prefetch_around(state, point);
    }
    crate::tiled::request(state, need);
    Ok(reaches)
}

/// The ranked services that pass the filters, with their hours now.
pub fn rows(
    state: AppState,
    ranked: Memo<Option<Result<Vec<Reach>, QueryError>>>,
) -> Memo<Vec<Row>> {
    Memo::new(move |_| {
        let Some(engine) = state.engine.get() else {
            return Vec::new();
        };
        let kind = state.kind.get();
        let needs = state.needs.get();
        let open = state.open.get();
        let open_now = open == OpenChoice::Only;
        let now = state.now.get();
        let by_open = open_first(open, now);
        ranked.with(|r| {
            let Some(Ok(reaches)) = r else {
                return Vec::new();
            };
            let mut rows: Vec<Row> = reaches
                .iter()
                .filter_map(|reach| {
                    let s = &engine.finder().services()[reach.service];
                    if kind.is_some_and(|k| k != s.kind) || !s.amenities.contains_all(needs) {
                        return None;
                    }
                    // Hours only where the order or the filter needs them.
                    let status = (open_now || by_open).then(|| engine.status(reach.service, now));
                    if open_now && !status.as_ref().is_some_and(|s| s.state.is_open()) {
                        return None;
                    }
                    Some(Row {
                        service: reach.service,
                        reach: *reach,
                        status,
                    })
                })
                .collect();
            if by_open {
                sort_open_first(&mut rows);
            }
            rows
        })
    })
}

/// The limits of the service circle, minutes (one definition, in the core).
pub use linli_core::circle::CIRCLE_MINUTES;

/// Evening and night in Beijing (19:00–07:00), when many places are closed and the open ones
/// come first unless the user chose otherwise.
pub fn is_evening(now: NaiveDateTime) -> bool {
    let h = now.hour();
    !(7..19).contains(&h)
}

/// Do open places come first?
pub fn open_first(choice: OpenChoice, now: NaiveDateTime) -> bool {
    match choice {
        OpenChoice::Auto => is_evening(now),
        OpenChoice::First => true,
        OpenChoice::All | OpenChoice::Only => false,
    }
}

/// Open (and closing soon) places first, then those whose hours are unknown, then closed ones;
/// places that cannot be reached stay last. Nearest first within each group (a stable sort
/// of the route ranking).
pub fn sort_open_first(rows: &mut [Row]) {
    rows.sort_by_key_dyn(|r| {
        let state = r.status.as_ref().map_or(OpenState::Unknown, |s| s.state);
        open_first_key(r.reach.route_m.is_some(), state)
    });
}

/// The sort key of [`sort_open_first`]: unreachable last, then open, unknown, closed.
pub fn open_first_key(reachable: bool, state: OpenState) -> (bool, u8) {
    let group = match state {
        OpenState::Open | OpenState::Closing => 0,
        OpenState::Unknown => 1,
        OpenState::Closed | OpenState::Holiday => 2,
    };
    (!reachable, group)
}

/// The isochrone from the query point, while "my circle" is on.
pub fn circle(
    state: AppState,
    point: Memo<Option<LngLat>>,
) -> Memo<Option<Arc<linli_core::circle::Isochrone>>> {
    Memo::new(move |_| {
        if !state.circle_on.get() {
            return None;
        }
        let engine = state.engine.get()?;
        let p = point.get()?;
        let t0 = now_ms();
        state.tiles_retry.track();
        let iso = match engine.isochrone(p, state.mode.get(), &CIRCLE_MINUTES) {
            Ok(iso) => iso,
            Err(QueryError::TilesNeeded { tiles }) => {
                // Not even the starting point's streets are loaded yet.
                crate::tiled::request(state, tiles);
                return None;
            }
            Err(_) => return None,
        };
        crate::data::publish_timing("isochroneMs", now_ms() - t0);
        // On a tiled dataset, the tiles the circle reaches next (drawn exact up to
        // `exact_minutes` meanwhile).
        crate::tiled::request(state, iso.missing_tiles.clone());
        Some(Arc::new(iso))
    })
}

/// The coverage of the chosen kind, while the coverage view is on: of what is loaded, or, once
/// the whole area of a tiled dataset was asked for, the result of the run in slices
/// (`tiled::drive_whole_coverage`, started here; `None` while it runs).
pub fn coverage(state: AppState) -> Memo<Option<Arc<linli_core::circle::Coverage>>> {
    crate::tiled::drive_whole_coverage(state);
    Memo::new(move |_| {
        if !state.coverage_on.get() {
            return None;
        }
        if state.coverage_whole.get() {
            let key = crate::tiled::CoverageKey::wanted(state);
            let whole = state.coverage_job.with(|j| match j {
                crate::tiled::WholeCoverage::Done { key: k, coverage } if Some(*k) == key => {
                    Some(coverage.clone())
                }
                _ => None,
            });
            if key.is_some() {
                return whole;
            }
        }
        let engine = state.engine.get()?;
        let services = linli_core::circle::services_of(
            engine.finder(),
            state.coverage_kind.get(),
            state.coverage_at.get(),
        );
        let t0 = now_ms();
        let cov = engine.coverage(state.mode.get(), &services, &CIRCLE_MINUTES);
        crate::data::publish_timing("coverageMs", now_ms() - t0);
        Some(Arc::new(cov))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    #[test]
    fn open_places_come_first_in_the_evening_unless_chosen_otherwise() {
        assert!(!open_first(OpenChoice::Auto, at("2026-11-24 11:30")));
        assert!(!open_first(OpenChoice::Auto, at("2026-11-24 18:59")));
        assert!(open_first(OpenChoice::Auto, at("2026-11-24 19:00")));
        assert!(open_first(OpenChoice::Auto, at("2026-11-24 22:30")));
        assert!(open_first(OpenChoice::Auto, at("2026-11-25 06:59")));
        assert!(!open_first(OpenChoice::Auto, at("2026-11-25 07:00")));
        assert!(open_first(OpenChoice::First, at("2026-11-24 11:30")));
        assert!(!open_first(OpenChoice::All, at("2026-11-24 22:30")));
    }

    #[test]
    fn open_first_keeps_the_route_order_within_each_group() {
        // (name, reachable, state) in route order, as the finder ranks them.
        let mut rows = [
            ("near-closed", true, OpenState::Closed),
            ("near-unknown", true, OpenState::Unknown),
            ("mid-open", true, OpenState::Open),
            ("mid-holiday", true, OpenState::Holiday),
            ("far-closing", true, OpenState::Closing),
            ("far-open", true, OpenState::Open),
            ("unreachable-open", false, OpenState::Open),
        ];
        rows.sort_by_key(|(_, reachable, state)| open_first_key(*reachable, *state));
        let names: Vec<&str> = rows.iter().map(|r| r.0).collect();
        assert_eq!(
            names,
            [
                "mid-open",
                "far-closing",
                "far-open",
                "near-unknown",
                "near-closed",
                "mid-holiday",
                "unreachable-open"
            ]
        );
    }
}
