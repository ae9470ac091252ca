"""What a dynamic route (/item/[code]) shows before its JavaScript has run.

Dynamic routes are not prerendered; React Router serves one fallback document for them. This
fills it with the page shell and a readable skeleton instead of a blank screen.
"""

from __future__ import annotations

import reflex as rx

from app.pages.layout import layout
from components.skeleton import skeleton


def page() -> rx.Component:
    return layout(skeleton(6), current=None, stateful=False)
