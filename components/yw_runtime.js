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

// Server text (app/text ``localized``): "\x1e" + JSON {locale: text} holds a text
// in every locale the server has it in; a plain string reads the same in every locale.
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
const parsed = new Map();
function local(s) {
  if (typeof s !== "string" || s.charCodeAt(0) !== 0x1e) return null;
  let o = parsed.get(s);
  if (!o) {
    try {
      o = JSON.parse(s.slice(1));
    } catch (e) {
      o = { zh_Hans: s.slice(1) };
    }
    if (parsed.size > 2000) parsed.clear();
    parsed.set(s, o);
  }
  return o;
}
// The locale shown: the picked one, or null for the build's default (d).
const shown = (L, d) => L || d;

// server_text(): the text in the device's locale, else the source (zh_Hans) text.
export function ywS(L, s, d) {
  const o = local(s);
  if (!o) return s == null ? "" : String(s);
  const code = shown(L, d);
  return o[code] ?? o.zh_Hans ?? "";
}

// server_lang(): the BCP 47 tag of what ywS shows (zh-Hans where it fell back).
export function ywSL(L, s, d) {
  const code = shown(L, d);
  const o = local(s);
  if (!o) return HAN.test(String(s ?? "")) && !code.startsWith("zh") ? "zh-Hans" : code.replace("_", "-");
  return code in o ? code.replace("_", "-") : "zh-Hans";
}

if (typeof window !== "undefined") {
  // for scripts the server sends (document titles after a step): pick like ywS
  window.__ywPick = (s) => ywS(loc, s, (cfg() && cfg().default) || "zh_Hans");
}
