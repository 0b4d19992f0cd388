// What the browser benchmark scripts (perf.mjs, tiles-perf.mjs, task-trace.mjs) share: the
// phone they emulate, the first-result probe they put in the page, and how they summarise.

/** The phone every benchmark page is opened as (a mid-size Android phone, Chinese, Shenzhen). */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

/**
 * Runs in the page before its own scripts (`context.addInitScript`): notes performance.now()
 * (milliseconds since navigation start) in `window.__firstResultMs` when the first result is in
 * the DOM and visible.
 */
export function recordFirstResult() {
  const observer = new MutationObserver(() => {
    const el = document.querySelector('[data-testid=result]');
    if (el && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) {
      window.__firstResultMs = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

/** The median of `xs` (the mean of the middle two for an even count). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** `bytes` as "12.3 KiB". */
export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
