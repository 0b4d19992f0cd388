/*! Linli embed.js — put the Linli finder on any page. No dependencies. Protocol version 1.
 *
 * Load it from the Linli deployment (its folder is where the finder is loaded from):
 *
 *   <script src="https://linli.example.org/embed.js" async></script>
 *
 *   <div data-linli data-kind="canteen" data-lang="zh"></div>
 *   <linli-finder kind="rest_stop" mode="ebike" max-height="640"></linli-finder>
 *
 * Each becomes an <iframe> that loads when it comes near the screen, and grows or shrinks
 * with its content (up to max-height). Options, as data-* attributes on the div or plain
 * attributes on <linli-finder>, are passed to the finder as URL parameters:
 *
 *   kind, mode, lang, lat, lng, needs, open, place, view, layout, accent, title, data,
 *   tiles, tiles-attribution, parent-origin   (see the README's parameter table)
 *
 * and these are for the frame itself:
 *
 *   height      the height before the finder reports its own (CSS px, default 480)
 *   max-height  the most it may grow to (default 720); beyond, it scrolls inside
 *   min-height  the least (default 240)
 *   lazy        "false" to load at once instead of when scrolled near
 *   src         another Linli address (default: the folder embed.js came from)
 *   frame-title the iframe's accessible name (default: the title option, else Linli's name)
 *
 * Messages from the finder arrive as DOM events on the element (they bubble):
 *   linli:ready {name}, linli:select {id, name, kind, route_m, time_s, state},
 *   linli:error {code, detail}, linli:resize {height}    — in event.detail
 *
 * Commands to the finder (queued until it is ready):
 *   element.linli.setMode('ebike')      setKind('canteen' | null)     setLang('en')
 *   element.linli.setOrigin(lat, lng)   select('place-id' | null)     send(type, fields)
 *   or Linli.send(element, 'setMode', {mode: 'ebike'})
 *
 * Elements added after the page loaded: <linli-finder> mounts itself; for a div call
 * Linli.scan() (or Linli.mount(element)).
 *
 * Serve this file with a short cache (e.g. Cache-Control: max-age=300): its URL never changes.
 */
(function () {
  'use strict';
  if (window.Linli && window.Linli.version) return; // loaded twice

  var VERSION = 1;
  var script = document.currentScript;
  var BASE = new URL('./', (script && script.src) || location.href).href;
  var PASSED = ['kind', 'mode', 'lang', 'lat', 'lng', 'needs', 'open', 'place', 'view', 'layout',
    'accent', 'title', 'data', 'tiles', 'tiles-attribution', 'parent-origin'];
  var frames = [];

  function option(el, name) {
    var v = el.hasAttribute('data-' + name) ? el.getAttribute('data-' + name) : null;
    if (v === null && el.localName === 'linli-finder') v = el.getAttribute(name);
    return v === null ? null : String(v);
  }

  function number(el, name, fallback) {
    var n = parseFloat(option(el, name));
    return isFinite(n) && n > 0 ? n : fallback;
  }

  function frameFor(source) {
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].iframe.contentWindow === source) return frames[i];
    }
    return null;
  }

  function post(frame, type, fields) {
    var message = { type: 'linli:' + type, v: VERSION };
    for (var k in fields) if (Object.prototype.hasOwnProperty.call(fields, k)) message[k] = fields[k];
    if (!frame.ready) {
      frame.queue.push(message);
      return;
    }
    frame.iframe.contentWindow.postMessage(message, frame.origin);
  }

  function load(frame) {
    if (frame.loaded) return;
    frame.loaded = true;
    frame.iframe.src = frame.url;
  }

  /** Turns `el` into a Linli frame (once). Returns its command object. */
  function mount(el) {
    if (el.linli) return el.linli;
    var url = new URL(option(el, 'src') || BASE, BASE);
    var params = url.searchParams;
    PASSED.forEach(function (name) {
      var v = option(el, name);
      if (v !== null && v !== '') params.set(name.replace(/-/g, '_'), v);
    });
    if (!params.has('parent_origin')) params.set('parent_origin', location.origin);
    var max = number(el, 'max-height', 720);
    var min = Math.min(number(el, 'min-height', 240), max);
    params.set('max_height', String(max));

    var iframe = document.createElement('iframe');
    iframe.title = option(el, 'frame-title') || option(el, 'title') || '邻里 · 身边的服务 Linli';
    iframe.setAttribute('allow', 'geolocation');
    iframe.style.cssText = 'display:block;width:100%;max-width:100%;border:0;height:' +
      Math.max(min, Math.min(number(el, 'height', 480), max)) + 'px';
    var frame = { el: el, iframe: iframe, url: url.href, origin: url.origin, min: min, max: max,
      ready: false, loaded: false, queue: [] };
    frames.push(frame);
    el.appendChild(iframe);

    var api = {
      send: function (type, fields) { post(frame, type, fields || {}); },
      setMode: function (mode) { post(frame, 'setMode', { mode: mode }); },
      setKind: function (kind) { post(frame, 'setKind', { kind: kind == null ? null : kind }); },
      setLang: function (lang) { post(frame, 'setLang', { lang: lang }); },
      setOrigin: function (lat, lng) { post(frame, 'setOrigin', { lat: +lat, lng: +lng }); },
      select: function (id) { post(frame, 'select', { id: id == null ? null : String(id) }); },
      iframe: iframe
    };
    el.linli = api;

    if (option(el, 'lazy') !== 'false' && 'IntersectionObserver' in window) {
      var observer = new IntersectionObserver(function (entries) {
        for (var i = 0; i < entries.length; i++) {
          if (entries[i].isIntersecting) {
            observer.disconnect();
            load(frame);
          }
        }
      }, { rootMargin: '300px 0px' });
      observer.observe(el);
    } else {
      load(frame);
    }
    return api;
  }

  window.addEventListener('message', function (event) {
    var frame = frameFor(event.source);
    var data = event.data;
    if (!frame || event.origin !== frame.origin || !data || typeof data.type !== 'string' ||
        data.type.indexOf('linli:') !== 0 || data.v !== VERSION) return;
    if (data.type === 'linli:resize' && isFinite(data.height)) {
      frame.iframe.style.height = Math.max(frame.min, Math.min(Math.ceil(data.height), frame.max)) + 'px';
    } else if (data.type === 'linli:ready') {
      frame.ready = true;
      var queued = frame.queue.splice(0);
      for (var i = 0; i < queued.length; i++) frame.iframe.contentWindow.postMessage(queued[i], frame.origin);
    }
    frame.el.dispatchEvent(new CustomEvent(data.type, { detail: data, bubbles: true }));
  });

  function scan(root) {
    var found = (root || document).querySelectorAll('[data-linli]');
    for (var i = 0; i < found.length; i++) mount(found[i]);
  }

  if (window.customElements && !customElements.get('linli-finder')) {
    customElements.define('linli-finder', class extends HTMLElement {
      connectedCallback() { mount(this); }
      setMode(m) { mount(this).setMode(m); }
      setKind(k) { mount(this).setKind(k); }
      setLang(l) { mount(this).setLang(l); }
      setOrigin(lat, lng) { mount(this).setOrigin(lat, lng); }
      select(id) { mount(this).select(id); }
      send(type, fields) { mount(this).send(type, fields); }
    });
  }

  window.Linli = {
    version: VERSION,
    mount: mount,
    scan: scan,
    send: function (el, type, fields) { mount(el).send(type, fields); }
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { scan(); });
  else scan();
})();
