// Yiwang client runtime: the language and the elder mode of this device, switched in the
// browser without a backend round trip. The inline head script (components/runtime.py) has
// already applied the stored choice to <html lang dir data-mode> before the first paint and
// left its configuration in window.__yw. Server rendering (prerender) sees the build's default
// locale and the standard mode; the client catches up right after hydration.
import { useSyncExternalStore } from "react";

const cfg = () => (typeof window === "undefined" ? null : window.__yw);
const subs = new Set();
const cats = {};
let loc = null; // a non-default locale whose catalog is loaded; null: the build's default
let mode = null; // "elder" or "standard"; null until the client knows
const emit = () => subs.forEach((f) => f());
const sub = (f) => {
  subs.add(f);
  return () => subs.delete(f);
};
const keep = (key, value) => {
  try {
    localStorage.setItem(key, value);
  } catch (e) {
    // storage can be disabled (private mode); the cookie still remembers
  }
  document.cookie = `${key}=${value};path=/;max-age=31536000;samesite=lax`;
};
const fill = (s, p) => (p ? s.replace(/\{(\w+)\}/g, (m, k) => (k in p ? String(p[k]) : m)) : s);

function applyLang(code) {
  const c = cfg();
  const html = document.documentElement;
  html.lang = code.replace("_", "-");
  html.dir = c.rtl.includes(code) ? "rtl" : "ltr";
  html.dataset.locale = code; // the catalog of `code` is in use (tests and tools wait for it)
}

// Switch the language: fetch its catalog once, then re-render every translated string.
export function ywSetLocale(code) {
  const c = cfg();
  if (!c || !c.locales.includes(code)) return Promise.resolve();
  keep("yw_locale", code);
  const done = () => {
    loc = code === c.default ? null : code;
    applyLang(code);
    emit();
  };
  if (code === c.default || cats[code]) return Promise.resolve(done());
  return fetch(`${c.base}${code}.json?v=${c.v}`)
    .then((r) => r.json())
    .then((j) => {
      cats[code] = j;
      done();
    })
    .catch(() => applyLang(loc || c.default));
}

export function ywSetMode(value) {
  mode = value === "elder" ? "elder" : "standard";
  document.documentElement.dataset.mode = mode;
  keep("yw_mode", mode);
  emit();
}

export const useYwLocale = () =>
  useSyncExternalStore(sub, () => loc, () => null);

export const useYwMode = () =>
  useSyncExternalStore(
    sub,
    () => mode || document.documentElement.dataset.mode || "standard",
    () => "standard",
  );

// t(): the message in locale L (null: the default, whose text is `d` or the source id itself).
export function ywT(L, id, p, d) {
  const s = L ? (cats[L] && cats[L].m[id]) || id : d || id;
  return fill(s, p);
}

// nt(): plural forms; every shipped locale has one form (zh) or "n != 1" (en, ug).
export function ywNT(L, one, other, n, p, d) {
  const forms = L ? cats[L] && cats[L].p[one] : d;
  const s = forms ? forms[forms.length > 1 && n !== 1 ? 1 : 0] : n === 1 ? one : other;
  return fill(s, { ...p, n });
}

if (typeof window !== "undefined" && window.__yw) {
  // mirror the device's choices into cookies for the server; load the stored language
  keep("yw_mode", document.documentElement.dataset.mode || "standard");
  if (window.__yw.want) ywSetLocale(window.__yw.want);
}
