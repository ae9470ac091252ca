"""朗读 (read aloud): a button that reads a passage with the browser's speech synthesis."""

from __future__ import annotations

import json

import reflex as rx
from reflex_base.event import EventChain

from components.i18n import t
from components.icon import icon
from components.js import js

# Speaks the target's text in the page's language; a second press stops. Browsers without
# speech synthesis keep the button hidden (it is revealed only where the API exists).
_SPEAK = """(() => {{
  const s = window.speechSynthesis;
  if (!s) return;
  if (s.speaking) {{ s.cancel(); return; }}
  const el = document.getElementById({target});
  if (!el) return;
  const u = new SpeechSynthesisUtterance(el.innerText);
  u.lang = document.documentElement.lang;
  u.rate = 0.9;
  s.speak(u);
}})"""


def read_aloud(target_id: str) -> rx.Component:
    """``<button>`` 朗读 that reads the element ``target_id``; hidden without speech synthesis.

    The button starts ``hidden`` in the HTML and is shown by a ref callback when
    ``window.speechSynthesis`` exists, so no one meets a button that does nothing.
    """
    if not target_id:
        raise ValueError("read_aloud needs the id of the element to read")
    speak = js(_SPEAK.format(target=json.dumps(target_id)), EventChain)
    reveal = js("((el) => { if (el && window.speechSynthesis) el.hidden = false; })", str)
    return rx.el.button(
        icon("speaker"),
        rx.el.span(t("朗读")),
        type="button",
        hidden=True,
        on_click=speak,
        aria_controls=target_id,
        class_name="yw-read-aloud",
        custom_attrs={"ref": reveal},
    )


def from_props(props: dict) -> rx.Component:
    """The button with the text it reads (``text`` prop), so its ``aria-controls`` resolves."""
    props = dict(props)
    text = props.pop("text", "")
    return rx.fragment(read_aloud(**props), rx.el.p(text, id=props["target_id"]))
