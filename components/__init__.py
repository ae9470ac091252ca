"""Yiwang's component library: pure functions from typed props to ``rx.Component``.

Components read design tokens (``var(--yw-…)``) and translate through :mod:`components.i18n`;
they know nothing of app state, pages or the database. Each component is one folder with its
code, ``style.css``, ``examples.yaml`` and a README.
"""
