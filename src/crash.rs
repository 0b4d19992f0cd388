//! The last line of defence: if the app ever panics (a bug; bad input is an error, not a
//! panic), the page says so in plain words with a reload link, instead of freezing silently.
//! Written with plain DOM calls, since the app's own rendering may be what failed.

use crate::i18n::{Lang, T};

/// Logs the panic to the console and shows the message (once).
pub fn on_panic(info: &std::panic::PanicHookInfo<'_>) {
    console_error_panic_hook::hook(info);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if doc.get_element_by_id("linli-crash").is_some() {
        return;
    }
    let lang = doc
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .map_or(Lang::Zh, |l| Lang::from_param(Some(&l)));
    let (Ok(panel), Ok(text), Ok(link), Some(body)) = (
        doc.create_element("div"),
        doc.create_element("p"),
        doc.create_element("a"),
        doc.body(),
    ) else {
        return;
    };
    let _ = panel.set_attribute("id", "linli-crash");
    let _ = panel.set_attribute("class", "crash");
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("data-testid", "crash");
    text.set_text_content(Some(T::Crashed.text(lang)));
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let _ = link.set_attribute("href", &here);
    let _ = link.set_attribute("class", "button primary");
    link.set_text_content(Some(T::Reload.text(lang)));
    let _ = panel.append_child(&text);
    let _ = panel.append_child(&link);
    let _ = body.prepend_with_node_1(&panel);
}
