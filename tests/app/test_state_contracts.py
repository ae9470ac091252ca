"""Thin contract checks of the states the pages bind to (what they decide is tested without
Reflex in tests/journeys/): the event reaches the journey and its answer lands in the vars the
pages read, the redirects and scripts are what the page runs."""

from __future__ import annotations

import asyncio

import reflex as rx
from reflex.istate.data import RouterData

from app.state.items import ItemsState
from app.state.licences import LicenceVerifyState
from app.state.search import SearchState


def _state(cls, path: str = "/", host: str = "localhost:3000"):
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    root.router = RouterData.from_router_data(
        {"pathname": path.split("?")[0], "asPath": path, "headers": {"host": host}}
    )
    return state


def test_the_search_box_moves_through_its_suggestions_and_opens_one() -> None:
    state = _state(SearchState)
    state.suggestions = [
        {"id": f"yw-search-box-opt-{i}", "label": str(i), "href": f"/item/{i}"} for i in range(2)
    ]
    SearchState.key.fn(state, "ArrowDown")
    assert (state.active, state.expanded, state.active_id) == (0, True, "yw-search-box-opt-0")
    SearchState.key.fn(state, "ArrowUp")
    assert state.active == 1
    spec = SearchState.key.fn(state, "Enter")
    assert spec is not None and "/item/1" in str(spec.args) and not state.expanded
    SearchState.key.fn(state, "Escape")
    assert state.active == -1


def test_an_empty_search_is_no_search_and_keeps_no_recent() -> None:
    state = _state(SearchState, "/search/?q=%20&audience=nobody&online=1")
    asyncio.run(SearchState.load.fn(state))
    assert (state.query, state.audience, state.online) == ("", "", True)
    assert not state.searched and state.results == [] and state.recent == []


def test_the_verifier_page_copies_the_verdict() -> None:
    state = _state(LicenceVerifyState, "/licence/verify?code=")
    LicenceVerifyState.load.fn(state)
    assert state.checked and state.status == "" and state.checked_text
    forged = _state(LicenceVerifyState, "/licence/verify?code=" + "x" * 40)
    LicenceVerifyState.load.fn(forged)
    assert forged.status == "forged" and forged.holder_name == "" and forged.number == ""


def test_the_item_list_pages_link_to_their_neighbours() -> None:
    state = _state(ItemsState)
    state.audience, state.page, state.total = "个人", 2, 25
    assert state.pages == 3 and state.title == "个人"
    assert state.previous_href.endswith("page=1") and state.next_href.endswith("page=3")
    state.page = 3
    assert state.next_href == ""
