"""The use cases: one module per journey (apply, checkout, account, licences, search …).

A journey is plain typed Python. Each public function takes a
:class:`~app.context.RequestContext` (the province the host resolved to, the locale, the session
secret) and the citizen's input, authorizes (who is signed in, may they act on this item,
application, draft or licence), calls the rules (``app.flow``, ``app.catalogue``,
``app.search``), the stores and the adapters, and returns a view model: frozen dataclasses from
``app.journeys.views`` or the journey's own module, plus what the page does next. It never
imports Reflex; ``tests/journeys/`` runs it against a real database.

The Reflex states (``app/state/``) only adapt events: they read the event, build the context
(``app.state.context.context_of``), call one journey function and copy the view model into vars.
"""
