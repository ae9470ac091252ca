"""The inline head script that applies this device's language and elder mode before paint.

It runs before the first paint of the prerendered page (so an elder-mode or Uyghur page never
flashes in the standard layout or the wrong direction), then leaves its configuration in
``window.__yw`` for ``yw_runtime.js``. Precedence for the elder mode: the ``?elder=1`` /
``?elder=0`` query parameter of a host container, then the choice stored on this device, then a
host container's user-agent marker (``ELDER_UA_MARKERS``). For the language: ``?lang=``, then
the stored choice, then the build's default. Query choices are remembered on the device. It is
kept tiny because Reflex ships head elements in the JavaScript bundle as well as in the HTML.
"""

from __future__ import annotations

import json

import reflex as rx

from components.locales import CATALOG_URL_BASE, RTL_LOCALES, SHIPPED_LOCALES, html_lang

# The device remembers its choices in localStorage under these keys; yw_runtime.js mirrors
# them into cookies of the same names, which server-side handlers read.
MODE_COOKIE = "yw_mode"
# User-agent tokens by which host containers (浙里办, WeChat/Alipay mini programs, provincial
# apps) announce their elder / care UI style; matched as whole words, case-insensitively.
ELDER_UA_MARKERS: tuple[str, ...] = ("ElderMode", "CareMode", "YiwangElder")

_SCRIPT = """(function(){var c=window.__yw=%(config)s,d=document.documentElement;
try{var s=localStorage,q=location.search,m=/[?&]elder=([01])/.exec(q),l=/[?&]lang=([\\w-]+)/.exec(q);
if(m)s.yw_mode=m[1]>0?"elder":"standard";if(l)s.yw_locale=l[1].replace("-","_");l=s.yw_locale;
if(s.yw_mode?s.yw_mode=="elder":%(ua)s.test(navigator.userAgent))d.dataset.mode="elder";
if(l!=c.default&&c.locales.indexOf(l)>=0){c.want=l;d.lang=l.replace("_","-");
if(c.rtl.indexOf(l)>=0)d.dir="rtl"}}catch(e){}})();"""


def boot_script_source(default_locale: str, catalog_version: str) -> str:
    config = {
        "default": default_locale,
        "locales": list(SHIPPED_LOCALES),
        "rtl": sorted(RTL_LOCALES),
        "base": CATALOG_URL_BASE,
        "v": catalog_version,
    }
    ua = "/\\b(?:" + "|".join(ELDER_UA_MARKERS) + ")\\b/i"
    return _SCRIPT.replace("\n", "") % {
        "config": json.dumps(config, separators=(",", ":")),
        "ua": ua,
    }


def boot_script(default_locale: str, catalog_version: str) -> rx.Component:
    """``<script>`` for the head, written raw (React would escape its text)."""
    assert html_lang(default_locale)  # a valid code
    return rx.el.script(
        custom_attrs={
            "dangerouslySetInnerHTML": {
                "__html": boot_script_source(default_locale, catalog_version)
            }
        }
    )
