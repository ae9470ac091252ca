"""The inline head script that applies this device's language and elder mode before paint.

It runs before the first paint of the prerendered page (so an elder-mode or Uyghur page never
flashes in the standard layout or the wrong direction), then leaves its configuration in
``window.__yw`` for ``yw_runtime.js``. Precedence for the elder mode: the ``?elder=1`` /
``?elder=0`` query parameter of a host container, then the choice stored on this device, then a
host container's user-agent marker (``ELDER_UA_MARKERS``). For the language: ``?lang=``, then
the stored choice, then the build's default. Query choices are remembered on the device.
"""

from __future__ import annotations

import json

import reflex as rx

from components.i18n import (
    CATALOG_URL_BASE,
    LOCALE_COOKIE,
    RTL_LOCALES,
    SHIPPED_LOCALES,
    html_lang,
)

MODE_COOKIE = "yw_mode"
# User-agent tokens by which host containers (浙里办, WeChat/Alipay mini programs, provincial
# apps) announce their elder / care UI style; matched as whole words, case-insensitively.
ELDER_UA_MARKERS: tuple[str, ...] = ("ElderMode", "CareMode", "YiwangElder")

_SCRIPT = """(function(){var c=window.__yw=%(config)s,d=document.documentElement,
q=new URLSearchParams(location.search),s;try{s=localStorage}catch(e){}
function g(k){var v;try{v=s.getItem(k)}catch(e){}
return v||(document.cookie.match("(?:^|; )"+k+"=([^;]*)")||[])[1]}
function p(k,v){try{s.setItem(k,v)}catch(e){}
document.cookie=k+"="+v+";path=/;max-age=31536000;samesite=lax"}
var e=q.get("elder"),l=(q.get("lang")||"").replace("-","_");
if(e==="1"||e==="0")p(%(mode)s,e==="1"?"elder":"standard");
if(c.locales.indexOf(l)+1)p(%(loc)s,l);
d.setAttribute("data-mode",(g(%(mode)s)||(%(ua)s.test(navigator.userAgent)&&"elder"))==="elder"?"elder":"standard");
l=g(%(loc)s);if(l!==c.default&&c.locales.indexOf(l)+1){c.want=l;d.lang=l.replace("_","-");d.dir=c.rtl.indexOf(l)+1?"rtl":"ltr"}
})();"""


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
        "mode": json.dumps(MODE_COOKIE),
        "loc": json.dumps(LOCALE_COOKIE),
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
