// Registers Linli's service worker (sw.js, beside index.html) once the page has loaded and
// settled, and tells the app when a newer version or newer data is ready.
//
// To the app: a `linli-update` event on window, detail {what: "data" | "app"}; the last one
// is also kept in window.__linliPendingUpdate for an app that starts listening later. From
// the app: a `linli-update-apply` event on window, to use the update now (the waiting worker
// takes over and the page reloads; a bundle already replaced in the cache needs a reload
// only). Without an update the waiting worker takes over the next time the page opens.
(() => {
  if (!('serviceWorker' in navigator)) return;
  const container = navigator.serviceWorker;

  const announce = (what) => {
    window.__linliPendingUpdate = what;
    window.dispatchEvent(new CustomEvent('linli-update', { detail: { what } }));
  };

  // A bundle the worker found changed on the server.
  container.addEventListener('message', (event) => {
    const data = event.data || {};
    if (data.type === 'linli-sw:update') announce(data.what === 'app' ? 'app' : 'data');
  });
  container.startMessages();

  // A newer worker waiting: ask it what it brings. Not on the first install (nothing to update).
  const offer = (worker) => {
    if (!container.controller) return;
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => announce(event.data && event.data.what === 'data' ? 'data' : 'app');
    worker.postMessage({ type: 'linli-sw:what' }, [channel.port2]);
  };

  window.addEventListener('linli-update-apply', async () => {
    const registration = await container.getRegistration();
    if (registration && registration.waiting) {
      container.addEventListener('controllerchange', () => location.reload(), { once: true });
      registration.waiting.postMessage({ type: 'linli-sw:skip-waiting' });
    } else {
      location.reload();
    }
  });

  const register = async () => {
    let registration;
    try {
      registration = await container.register('sw.js');
    } catch (error) {
      console.warn(`Linli: the offline copy could not be set up: ${error.message}`);
      return;
    }
    if (registration.waiting) offer(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed') offer(worker);
      });
    });
    // Look for a newer version now (browsers also do on navigation, at most once a day
    // past their HTTP cache).
    registration.update().catch(() => {});
  };

  // After the first results, when the page is idle: the worker's downloads do not compete
  // with the page's own.
  const later = () => {
    if ('requestIdleCallback' in window) requestIdleCallback(register, { timeout: 5000 });
    else setTimeout(register, 1000);
  };
  if (document.readyState === 'complete') later();
  else window.addEventListener('load', later, { once: true });
})();
