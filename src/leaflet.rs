//! Thin bindings to the parts of Leaflet 1.9 Linli uses (the global `L`), and the loading of
//! `leaflet.js` itself: the app inserts the script and waits for it (with a deadline, a
//! visible error and a retry), so the map cannot miss a late Leaflet.
//!
//! Own bindings rather than leptos-leaflet's components: the street network is drawn as a few
//! line layers of our own on one canvas renderer (`linliLines` in index.html: thousands of
//! segments kept in typed arrays; one Leaflet polyline each, or a `LatLng` per point, would be
//! slow on phones), and markers are plain `L.marker`s with HTML icons carrying shape, colour and text.

use js_sys::{Array, Object, Reflect};
use linli_core::LngLat;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `L.Map`.
    #[derive(Clone, Debug)]
    pub type Map;
    /// Any `L.Layer`.
    #[derive(Clone, Debug)]
    pub type Layer;

    #[wasm_bindgen(js_namespace = L, js_name = map)]
    fn l_map(element: &web_sys::HtmlElement, options: &JsValue) -> Map;
    #[wasm_bindgen(method, js_name = fitBounds)]
    fn fit_bounds(this: &Map, bounds: &JsValue, options: &JsValue);
    #[wasm_bindgen(method, js_name = invalidateSize)]
    pub fn invalidate_size(this: &Map);
    #[wasm_bindgen(method, js_name = setView)]
    fn set_view_raw(this: &Map, center: &JsValue, zoom: f64);
    #[wasm_bindgen(method, js_name = getCenter)]
    fn get_center(this: &Map) -> JsValue;
    #[wasm_bindgen(method, js_name = on)]
    fn on_event(this: &Map, event: &str, handler: &JsValue);
    #[wasm_bindgen(method, js_name = remove)]
    pub fn remove_map(this: &Map);
    #[wasm_bindgen(method, getter, js_name = attributionControl)]
    fn attribution_control(this: &Map) -> JsValue;
    #[wasm_bindgen(method, js_name = getZoom)]
    pub fn get_zoom(this: &Map) -> f64;
    #[wasm_bindgen(method, js_name = getMaxZoom)]
    pub fn get_max_zoom(this: &Map) -> f64;
    #[wasm_bindgen(method, js_name = getContainer)]
    fn get_container(this: &Map) -> web_sys::HtmlElement;
    #[wasm_bindgen(method, js_name = getBounds)]
    fn get_map_bounds(this: &Map) -> JsValue;
    #[wasm_bindgen(method, js_name = getBoundsZoom)]
    fn get_bounds_zoom(this: &Map, bounds: &JsValue, inside: bool, padding: &JsValue) -> f64;
    #[wasm_bindgen(method, js_name = project)]
    fn project(this: &Map, latlng: &JsValue, zoom: f64) -> JsValue;
    #[wasm_bindgen(method, js_name = createPane)]
    fn create_pane(this: &Map, name: &str) -> JsValue;

    #[wasm_bindgen(js_namespace = L, js_name = polyline)]
    fn l_polyline(latlngs: &JsValue, options: &JsValue) -> Layer;
    /// `linliLines(flat, ends, options)` from index.html: many lines as one layer drawn on a
    /// canvas renderer, handed over as one `Float64Array` of `lat, lng` pairs and the end of
    /// each line in it. The points stay in typed arrays there (no `LatLng` per point).
    #[wasm_bindgen(catch, js_name = linliLines)]
    fn linli_lines(flat: &[f64], ends: &[u32], options: &JsValue) -> Result<Layer, JsValue>;
    /// `linliCanvas(options)` from index.html: Leaflet's canvas renderer that keeps its drawing
    /// after a short pan.
    #[wasm_bindgen(catch, js_name = linliCanvas)]
    fn linli_canvas(options: &JsValue) -> Result<JsValue, JsValue>;
    /// `linliPin(id, state, kind, drawing, svg)` from index.html, behind [`pin_icon`]: null
    /// when drawing number `drawing` is not known there yet and `svg` is empty.
    #[wasm_bindgen(js_name = linliPin)]
    fn linli_pin(id: &str, state: &str, kind: &str, drawing: u32, svg: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = L, js_name = marker)]
    fn l_marker(latlng: &JsValue, options: &JsValue) -> Layer;
    #[wasm_bindgen(js_namespace = L, js_name = divIcon)]
    fn l_div_icon(options: &JsValue) -> JsValue;
    #[wasm_bindgen(js_namespace = L, js_name = canvas)]
    fn l_canvas(options: &JsValue) -> JsValue;
    #[wasm_bindgen(js_namespace = L, js_name = tileLayer)]
    fn l_tile_layer(url: &str, options: &JsValue) -> Layer;
    #[wasm_bindgen(js_namespace = L, js_name = layerGroup)]
    fn l_layer_group() -> Layer;

    #[wasm_bindgen(method, js_name = addTo)]
    fn add_to(this: &Layer, map: &Map) -> Layer;
    #[wasm_bindgen(method, js_name = addLayer)]
    fn add_layer(this: &Layer, layer: &Layer);
    #[wasm_bindgen(method, js_name = clearLayers)]
    pub fn clear_layers(this: &Layer);
    #[wasm_bindgen(method, js_name = removeLayer)]
    fn remove_layer(this: &Layer, layer: &Layer);
    #[wasm_bindgen(method, js_name = on)]
    fn on_layer(this: &Layer, event: &str, handler: &JsValue);
}

/// Is Leaflet loaded?
pub fn available() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w, &"L".into()).ok())
        .is_some_and(|l| !l.is_undefined() && !l.is_null())
}

/// How long `leaflet.js` may take before the map area shows an error (and a retry), ms. A
/// script that arrives later still brings the map up.
pub const LOAD_DEADLINE_MS: i32 = 15_000;

/// Where `leaflet.js` is: the `content` of `<meta id="leaflet-js">` in index.html (its
/// content-hashed name), else `leaflet.js` beside the page.
fn script_url(doc: &web_sys::Document) -> String {
    doc.get_element_by_id("leaflet-js")
        .and_then(|l| l.get_attribute("content"))
        .unwrap_or_else(|| "leaflet.js".to_string())
}

/// Starts downloading `leaflet.js` without running it (a `<link rel="preload">`), unless the
/// page has Leaflet or the link is there already. [`load`] then runs the downloaded copy.
pub fn download_early() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if available()
        || doc
            .query_selector("link[data-linli-leaflet]")
            .ok()
            .flatten()
            .is_some()
    {
        return;
    }
    let (Ok(link), Some(head)) = (doc.create_element("link"), doc.head()) else {
        return;
    };
    let _ = link.set_attribute("rel", "preload");
    let _ = link.set_attribute("as", "script");
    let _ = link.set_attribute("href", &script_url(&doc));
    let _ = link.set_attribute("data-linli-leaflet", "");
    let _ = head.append_child(&link);
}

/// Loads Leaflet (unless the page already has it) and reports through `done(true)` when `L`
/// is there, `done(false)` when the script failed or the deadline passed; a late script
/// reports `true` afterwards. Each call inserts a fresh `<script>` (a retry).
pub fn load(done: impl Fn(bool) + 'static) {
    if available() {
        done(true);
        return;
    }
    let Some((window, doc)) = web_sys::window().and_then(|w| w.document().map(|d| (w, d))) else {
        done(false);
        return;
    };
    if let Ok(Some(old)) = doc.query_selector("script[data-linli-leaflet]") {
        old.remove();
    }
    let Ok(script) = doc.create_element("script") else {
        done(false);
        return;
    };
    let done = std::rc::Rc::new(done);
    let on_load = {
        let done = done.clone();
        Closure::once_into_js(move || done(available()))
    };
    let on_error = {
        let done = done.clone();
        Closure::once_into_js(move || done(false))
    };
    let on_deadline = {
        let done = done.clone();
        Closure::once_into_js(move || {
            if !available() {
                done(false);
            }
        })
    };
    let _ = script.set_attribute("src", &script_url(&doc));
    let _ = script.set_attribute("data-linli-leaflet", "");
    let _ = script.add_event_listener_with_callback("load", on_load.unchecked_ref());
    let _ = script.add_event_listener_with_callback("error", on_error.unchecked_ref());
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        on_deadline.unchecked_ref(),
        LOAD_DEADLINE_MS,
    );
    match doc.head() {
        Some(head) => {
            let _ = head.append_child(&script);
        }
        None => done(false),
    }
}

/// Does the user ask for less motion (`prefers-reduced-motion: reduce`)?
pub fn reduced_motion() -> bool {
    media_matches("(prefers-reduced-motion: reduce)")
}

/// Is the page in dark mode (`prefers-color-scheme: dark`)?
pub fn dark_mode() -> bool {
    media_matches("(prefers-color-scheme: dark)")
}

fn media_matches(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// A plain JS object from key/value pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

fn latlng(p: LngLat) -> JsValue {
    Array::of2(&p.lat.into(), &p.lng.into()).into()
}

/// Two numbers of a JS object, by name: `x` and `y` of an `L.Point`, `lng` and `lat` of an
/// `L.LatLng`.
fn pair(o: &JsValue, a: &str, b: &str) -> Option<(f64, f64)> {
    let a = Reflect::get(o, &a.into()).ok()?.as_f64()?;
    let b = Reflect::get(o, &b.into()).ok()?.as_f64()?;
    Some((a, b))
}

/// An `L.Point`'s `x` and `y`.
fn point(p: &JsValue) -> Option<(f64, f64)> {
    pair(p, "x", "y")
}

/// An `L.LatLng` as a `LngLat`.
fn lnglat_of(ll: &JsValue) -> Option<LngLat> {
    pair(ll, "lng", "lat").map(|(lng, lat)| LngLat::new(lng, lat))
}

fn line(points: &[LngLat]) -> JsValue {
    points.iter().map(|p| latlng(*p)).collect::<Array>().into()
}

/// Creates a map in `element`.
pub fn new_map(element: &web_sys::HtmlElement, attribution_prefix: &str) -> Map {
    let animate = !reduced_motion();
    let map = l_map(
        element,
        &obj(&[
            ("zoomControl", true.into()),
            ("zoomSnap", 0.25.into()),
            ("minZoom", 11.into()),
            ("maxZoom", MAX_ZOOM.into()),
            ("keyboard", true.into()),
            ("zoomAnimation", animate.into()),
            ("fadeAnimation", animate.into()),
            ("markerZoomAnimation", animate.into()),
            ("inertia", animate.into()),
            ("tapTolerance", 15.into()),
        ]),
    );
    // Leaflet's own prefix links to leaflet.com with a flag; keep only the data attribution.
    let control = map.attribution_control();
    if let Ok(set_prefix) = Reflect::get(&control, &"setPrefix".into()) {
        if let Some(f) = set_prefix.dyn_ref::<js_sys::Function>() {
            let _ = f.call1(&control, &attribution_prefix.into());
        }
    }
    map
}

/// The deepest zoom.
pub const MAX_ZOOM: f64 = 19.0;

/// Does the map's element have a size (it has none while hidden)?
pub fn has_size(map: &Map) -> bool {
    let el = map.get_container();
    el.client_width() > 0 && el.client_height() > 0
}

/// How far (screen pixels) a fit may leave the map from the centre it would choose, at the zoom
/// it would choose, without moving it: the rectangle is still in view, at most this much
/// closer to one edge than the padding asks.
const FIT_SLACK_PX: f64 = 8.0;

/// Fits the map to a rectangle, zooming in at most to `max_zoom`; animated only when `animate`
/// and the user has not asked for less motion.
///
/// A fit that would keep the zoom and move the centre by a few pixels (opening the first
/// result, whose route the map already frames with the start) leaves the map where it is:
/// such a move redrew the streets' canvas whole, at 4× slowdown the longest task of the tap (the
/// canvas now keeps its drawing after a short pan; the move's own handlers still run).
pub fn fit(map: &Map, min: LngLat, max: LngLat, padding_px: u32, max_zoom: f64, animate: bool) {
    let (sw, ne) = (latlng(min), latlng(max));
    let bounds = Array::of2(&sw, &ne);
    let both_sides = f64::from(padding_px) * 2.0;
    let padding = Array::of2(&both_sides.into(), &both_sides.into());
    let zoom = map.get_bounds_zoom(&bounds, false, &padding).min(max_zoom);
    if zoom == map.get_zoom() {
        // Leaflet's fit centres the middle of the rectangle's projected corners.
        let at = |p: &JsValue| point(&map.project(p, zoom));
        if let (Some(now), Some(sw), Some(ne)) = (at(&map.get_center()), at(&sw), at(&ne)) {
            let (x, y) = ((sw.0 + ne.0) / 2.0, (sw.1 + ne.1) / 2.0);
            if (now.0 - x).hypot(now.1 - y) <= FIT_SLACK_PX {
                return;
            }
        }
    }
    map.fit_bounds(
        &bounds,
        &obj(&[
            (
                "padding",
                Array::of2(&padding_px.into(), &padding_px.into()).into(),
            ),
            ("maxZoom", max_zoom.into()),
            ("animate", (animate && !reduced_motion()).into()),
        ]),
    );
}

/// Centres the map on `p` at `zoom`, at once.
pub fn set_view(map: &Map, p: LngLat, zoom: f64) {
    map.set_view_raw(&latlng(p), zoom);
}

/// The map's view: its south-west and north-east corners.
pub fn bounds(map: &Map) -> Option<(LngLat, LngLat)> {
    let b = map.get_map_bounds();
    let corner = |name: &str| -> Option<LngLat> {
        let f = Reflect::get(&b, &name.into()).ok()?;
        lnglat_of(&f.dyn_ref::<js_sys::Function>()?.call0(&b).ok()?)
    };
    Some((corner("getSouthWest")?, corner("getNorthEast")?))
}

/// The map's centre.
pub fn center(map: &Map) -> Option<LngLat> {
    lnglat_of(&map.get_center())
}

/// Calls `f` with the position of every click or tap on the map. The handler lives as long as
/// the map (it is handed to Leaflet and never dropped).
pub fn on_click(map: &Map, f: impl Fn(LngLat) + 'static) {
    let handler = Closure::<dyn Fn(JsValue)>::new(move |ev: JsValue| {
        if let Some(p) = Reflect::get(&ev, &"latlng".into())
            .ok()
            .and_then(|ll| lnglat_of(&ll))
        {
            f(p);
        }
    });
    map.on_event("click", handler.as_ref());
    handler.forget();
}

/// Calls `f` after every pan or zoom. The handler lives as long as the map.
pub fn on_move_end(map: &Map, f: impl Fn() + 'static) {
    on_map_event(map, "moveend", f);
}

/// Calls `f` after every zoom. The handler lives as long as the map.
pub fn on_zoom_end(map: &Map, f: impl Fn() + 'static) {
    on_map_event(map, "zoomend", f);
}

fn on_map_event(map: &Map, event: &str, f: impl Fn() + 'static) {
    let handler = Closure::<dyn Fn(JsValue)>::new(move |_| f());
    map.on_event(event, handler.as_ref());
    handler.forget();
}

/// A canvas renderer with Leaflet's `options` that keeps its drawing after a short pan
/// (`linliCanvas` in index.html; Leaflet's own on a page without it).
fn canvas(options: &[(&str, JsValue)]) -> JsValue {
    let options = obj(options);
    linli_canvas(&options).unwrap_or_else(|_| l_canvas(&options))
}

/// A canvas renderer, shared by the bulk layers (the service circle's and coverage's bands).
pub fn canvas_renderer() -> JsValue {
    canvas(&[("padding", 0.5.into())])
}

/// A canvas renderer in a pane of its own under everything else drawn on the map (style/main.css
/// gives `.leaflet-linli-streets-pane` its place), so the streets, drawn a moment after the
/// map appears, never cover a route or a coverage layer drawn before them. Like
/// [`canvas_renderer`], it keeps its drawing after a short pan that leaves the view well
/// inside the canvas instead of drawing every street again.
pub fn streets_renderer(map: &Map) -> JsValue {
    let _ = map.create_pane("linli-streets");
    canvas(&[("padding", 0.5.into()), ("pane", "linli-streets".into())])
}

/// Many lines as one flat list of `lat, lng` numbers and where each line ends in it (in
/// numbers), for one multi-polyline.
#[derive(Debug, Default)]
pub struct Lines {
    flat: Vec<f64>,
    ends: Vec<u32>,
}

impl Lines {
    /// Adds a line.
    pub fn push(&mut self, points: impl IntoIterator<Item = LngLat>) {
        for p in points {
            self.flat.push(p.lat);
            self.flat.push(p.lng);
        }
        self.ends
            .push(u32::try_from(self.flat.len()).unwrap_or(u32::MAX));
    }

    /// No lines?
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// A multi-polyline (many lines, one layer) drawn with `renderer` (a canvas one): the layer
/// `linliLines` in index.html makes. A page without it gets an empty layer rather than a
/// stopped app.
pub fn multi_polyline(lines: &Lines, style: &[(&str, JsValue)], renderer: &JsValue) -> Layer {
    let mut options: Vec<(&str, JsValue)> = style.to_vec();
    options.push(("renderer", renderer.clone()));
    options.push(("interactive", false.into()));
    linli_lines(&lines.flat, &lines.ends, &obj(&options)).unwrap_or_else(|_| l_layer_group())
}

/// A polyline on the default (SVG) renderer, so it is a DOM element with `class_name`.
pub fn svg_polyline(points: &[LngLat], style: &[(&str, JsValue)]) -> Layer {
    let mut options: Vec<(&str, JsValue)> = style.to_vec();
    options.push(("interactive", false.into()));
    l_polyline(&line(points), &obj(&options))
}

/// A place's pin for [`html_marker`]: `<span class="pin">` with the place's id, opening state
/// and kind as `data-*` attributes around a copy of drawing number `drawing`. The page keeps
/// each drawing parsed once (`linliPin` in index.html); `svg` makes it
/// (`symbols::pin_svg`) and is called only the first time a drawing is asked for.
pub fn pin_icon(
    id: &str,
    state: &str,
    kind: &str,
    drawing: u32,
    svg: impl FnOnce() -> String,
) -> JsValue {
    let pin = linli_pin(id, state, kind, drawing, "");
    if pin.is_null() {
        linli_pin(id, state, kind, drawing, &svg())
    } else {
        pin
    }
}

/// A marker with an HTML icon (`html`: a string of HTML, or an element such as
/// [`pin_icon`]'s); `title` is its tooltip. Markers are tappable but not keyboard
/// targets: every marker's action (open that place) is also a full-size button in the results
/// list, which keyboard and screen-reader users reach in order (WCAG 2.5.8 "equivalent"), and
/// dozens of overlapping pins would make a poor tab sequence. `interactive: false` makes it a
/// plain picture. `z_offset` lifts it above the others (the selected place, the start).
pub fn html_marker(
    p: LngLat,
    html: &JsValue,
    class_name: &str,
    size_px: u32,
    title: &str,
    interactive: bool,
    z_offset: i32,
) -> Layer {
    let icon = l_div_icon(&obj(&[
        ("html", html.clone()),
        ("className", class_name.into()),
        (
            "iconSize",
            Array::of2(&size_px.into(), &size_px.into()).into(),
        ),
    ]));

    l_marker(
        &latlng(p),
        &obj(&[
            ("icon", icon),
            ("title", title.into()),
            ("alt", title.into()),
            ("keyboard", false.into()),
            ("interactive", interactive.into()),
            ("riseOnHover", true.into()),
            ("zIndexOffset", z_offset.into()),
        ]),
    )
}

/// An event handler handed to Leaflet; it must be kept as long as its layer is on the map,
/// and dropping it frees it (markers are redrawn often, so their handlers are not leaked).
pub type Handler = Closure<dyn Fn(JsValue)>;

/// Calls `f` when the layer is clicked (or activated with Enter on a focused marker), as long
/// as the returned handler is kept.
#[must_use = "the handler stops working when dropped"]
pub fn on_layer_click(layer: &Layer, f: impl Fn() + 'static) -> Handler {
    let handler = Closure::<dyn Fn(JsValue)>::new(move |_| f());
    layer.on_layer("click", handler.as_ref());
    handler
}

/// A raster tile layer.
pub fn tiles(url: &str, attribution: &str) -> Layer {
    l_tile_layer(
        url,
        &obj(&[("attribution", attribution.into()), ("maxZoom", 19.into())]),
    )
}

/// An empty group to put layers in.
pub fn group() -> Layer {
    l_layer_group()
}

impl Layer {
    /// Adds this layer to the map.
    pub fn show_on(&self, map: &Map) {
        self.add_to(map);
    }

    /// Adds `layer` to this group.
    pub fn push(&self, layer: &Layer) {
        self.add_layer(layer);
    }

    /// Takes `layer` out of this group (and off the map).
    pub fn remove(&self, layer: &Layer) {
        self.remove_layer(layer);
    }
}
