"""Actors of the marketplace suites: a poster, an applicant and a stranger, plus anon and service."""

from __future__ import annotations

from typing import Callable

import pytest

from tests.support.postgrest import Caller


@pytest.fixture
def poster(db):
    return db.create_user("poster@example.test", user_metadata={"username": "poster"})


@pytest.fixture
def applicant(db):
    return db.create_user("applicant@example.test", user_metadata={"username": "applicant"})


@pytest.fixture
def stranger(db):
    return db.create_user("stranger@example.test", user_metadata={"username": "stranger"})


@pytest.fixture
def as_actor(db, poster, applicant, stranger) -> Callable[[str], Caller]:
    """Caller for an actor name used in the matrices: anon, stranger, poster/owner, applicant, service."""
    users = {"poster": poster, "owner": poster, "applicant": applicant, "stranger": stranger}

    def caller(actor: str) -> Caller:
        if actor == "anon":
            return db.as_anon()
        if actor == "service":
            return db.as_service()
        return db.as_user(users[actor])

    return caller
