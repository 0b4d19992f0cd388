//! The app's state, shared through context, and the values derived from it.

use std::sync::Arc;

use chrono::NaiveDateTime;
use leptos::prelude::*;
use linli_core::hours::{beijing_time, HoursStatus};
use linli_core::{Amenities, Kind, LngLat, Mode, QueryError, Reach};

use crate::config::Config;
use crate::data::{now_ms, publish_timings, Engine, LoadError, Progress, Timings};
use crate::geolocate::GeoError;
use crate::i18n::Lang;

/// Where the starting point came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginSource {
    /// The `lat`/`lng` URL parameters.
    Url,
    /// The device's location.
    Gps,
    /// A tap on the map (or the map-centre button).
    Map,
}

impl OriginSource {
    /// `url`, `gps`, `map` for `data-origin`.
    pub const fn code(self) -> &'static str {
        match self {
            OriginSource::Url => "url",
            OriginSource::Gps => "gps",
            OriginSource::Map => "map",
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
    /// Its hours now.
    pub status: HoursStatus,
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
    /// Travel mode.
    pub mode: RwSignal<Mode>,
    /// Kind filter.
    pub kind: RwSignal<Option<Kind>>,
    /// Services the user needs.
    pub needs: RwSignal<Amenities>,
    /// Show only places open now.
    pub open_now: RwSignal<bool>,
    /// The service shown in detail.
    pub selected: RwSignal<Option<usize>>,
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
    /// Ask the map to show this place.
    pub fly_to: RwSignal<Option<LngLat>>,
    /// Optional raster tiles from the host page.
    pub tiles: StoredValue<Option<(String, String)>>,
    /// The bundle URL.
    pub data_url: StoredValue<String>,
}

/// Now in Beijing, from the browser's clock (the only place the app reads it).
pub fn beijing_now() -> NaiveDateTime {
    #[allow(clippy::cast_possible_truncation)]
    let ms = js_sys::Date::now() as i64;
    beijing_time(ms).unwrap_or_default()
}

impl AppState {
    /// The state for a configuration.
    pub fn new(config: &Config) -> AppState {
        AppState {
            lang: RwSignal::new(config.lang),
            engine: RwSignal::new(None),
            load: RwSignal::new(Load::Loading(Progress::default())),
            timings: RwSignal::new(Timings::default()),
            origin: RwSignal::new(config.origin.map(|point| Origin {
                point,
                source: OriginSource::Url,
            })),
            mode: RwSignal::new(config.mode),
            kind: RwSignal::new(config.kind),
            needs: RwSignal::new(Amenities::EMPTY),
            open_now: RwSignal::new(false),
            selected: RwSignal::new(None),
            now: RwSignal::new(beijing_now()),
            locating: RwSignal::new(Locating::Idle),
            map_centre: RwSignal::new(None),
            circle_on: RwSignal::new(false),
            coverage_on: RwSignal::new(false),
            coverage_kind: RwSignal::new(config.kind.unwrap_or(Kind::Centre)),
            coverage_at: RwSignal::new(None),
            coverage_tap: RwSignal::new(None),
            fly_to: RwSignal::new(None),
            tiles: StoredValue::new(
                config
                    .tiles
                    .clone()
                    .map(|t| (t, config.tiles_attribution.clone().unwrap_or_default())),
            ),
            data_url: StoredValue::new(config.data_url.clone()),
        }
    }

    /// Starts (or restarts) loading the bundle.
    pub fn start_loading(self) {
        self.load.set(Load::Loading(Progress::default()));
        let url = self.data_url.get_value();
        leptos::task::spawn_local(async move {
            let load = self.load;
            match crate::data::load(&url, move |p| load.set(Load::Loading(p))).await {
                Ok((engine, timings)) => {
                    self.timings.set(timings);
                    self.engine.set(Some(engine));
                    self.load.set(Load::Ready);
                }
                Err(e) => self.load.set(Load::Failed(e)),
            }
        });
    }

    /// Sets the starting point, unless it is outside the map's area (then says so).
    pub fn set_origin(self, point: LngLat, source: OriginSource) {
        let inside = self.engine.with_untracked(|e| {
            e.as_ref()
                .is_none_or(|e| e.finder().bundle().bbox.contains_with_margin(point, 1000.0))
        });
        if inside {
            self.origin.set(Some(Origin { point, source }));
            self.locating.set(Locating::Idle);
        } else {
            self.locating.set(Locating::Outside);
        }
    }
}

/// The state from context.
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// The point results are ranked from: the chosen origin, or the centre of the area.
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
        let result = engine.nearest(point, mode);
        publish_timings(state.timings.get_untracked(), now_ms() - t0);
        Some(result)
    })
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
        let open_now = state.open_now.get();
        let now = state.now.get();
        ranked.with(|r| {
            let Some(Ok(reaches)) = r else {
                return Vec::new();
            };
            reaches
                .iter()
                .filter_map(|reach| {
                    let s = &engine.finder().services()[reach.service];
                    if kind.is_some_and(|k| k != s.kind) || !s.amenities.contains_all(needs) {
                        return None;
                    }
                    let status = engine.hours(reach.service).status(now);
                    if open_now && !status.state.is_open() {
                        return None;
                    }
                    Some(Row {
                        service: reach.service,
                        reach: *reach,
                        status,
                    })
                })
                .collect()
        })
    })
}

/// The limits of the service circle, minutes (one definition, in the core).
pub use linli_core::circle::CIRCLE_MINUTES;

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
        let iso = engine
            .isochrone(p, state.mode.get(), &CIRCLE_MINUTES)
            .ok()?;
        crate::data::publish_timing("isochroneMs", now_ms() - t0);
        Some(Arc::new(iso))
    })
}

/// The coverage of the chosen kind, while the coverage view is on.
pub fn coverage(state: AppState) -> Memo<Option<Arc<linli_core::circle::Coverage>>> {
    Memo::new(move |_| {
        if !state.coverage_on.get() {
            return None;
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
