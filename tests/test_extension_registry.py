"""The one extension mechanism (`espace_famille.registry.Registry`): order, duplicates,
isolation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured

from espace_famille.registry import Registry, demo_steps, retention_steps


@dataclass(frozen=True)
class Item:
    name: str
    order: int = 0


def _registry() -> Registry[Item]:
    return Registry("items", key=lambda item: item.name, order=lambda item: item.order)


def first_rule() -> str:
    return "first"


def second_rule() -> str:
    return "second"


def test_items_come_sorted_by_their_order():
    registry = _registry()
    registry.register(Item("late", 30))
    registry.register(Item("early", 10))

    assert [item.name for item in registry] == ["early", "late"]


def test_items_of_equal_order_keep_their_registration_order():
    registry = _registry()
    for name in ("c", "a", "b"):
        registry.register(Item(name, 5))

    assert [item.name for item in registry] == ["c", "a", "b"]


def test_without_an_order_items_come_as_registered():
    registry: Registry = Registry("rules")
    registry.register(second_rule)
    registry.register(first_rule)

    assert registry.items() == (second_rule, first_rule)


def test_registering_the_same_item_again_changes_nothing():
    registry = _registry()
    registry.register(Item("a"))
    registry.register(Item("a"))

    assert len(registry) == 1


def test_another_item_under_a_known_key_is_refused():
    registry = _registry()
    registry.register(Item("a", 1))

    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry.register(Item("a", 2))
    assert registry.get("a") == Item("a", 1)


def test_register_serves_as_a_decorator_keyed_by_the_function_name():
    registry: Registry = Registry("rules")

    @registry.register
    def rule() -> str:
        return "ok"

    assert rule() == "ok"
    assert (
        f"{__name__}.test_register_serves_as_a_decorator_keyed_by_the_function_name.<locals>.rule"
        in registry
    )


def test_a_check_refuses_a_conflicting_item():
    def one_per_order(item: Item, registered: tuple[Item, ...]) -> None:
        if any(other.order == item.order for other in registered):
            raise ImproperlyConfigured("order taken")

    registry = Registry("items", key=lambda item: item.name, check=one_per_order)
    registry.register(Item("a", 1))

    with pytest.raises(ImproperlyConfigured, match="order taken"):
        registry.register(Item("b", 1))
    assert registry.keys() == ("a",)


def test_overridden_holds_only_the_given_items_then_restores_the_others():
    registry = _registry()
    registry.register(Item("kept"))

    with registry.overridden(Item("only")):
        assert registry.keys() == ("only",)
    assert registry.keys() == ("kept",)


def test_added_puts_items_on_top_then_removes_them_even_after_an_error():
    registry = _registry()
    registry.register(Item("kept"))

    with pytest.raises(RuntimeError), registry.added(Item("extra")):
        assert registry.keys() == ("kept", "extra")
        raise RuntimeError
    assert registry.keys() == ("kept",)


def test_the_apps_fill_the_core_extension_points_in_their_order(db):
    assert [step.name for step in demo_steps] == [
        "structure",
        "famille",
        "famille_requests",
        "documents",
        "inscriptions",
        "reservations",
        "factures",
        "contact",
    ]
    import espace_famille.retention  # noqa: F401  (the core's own purge, registered on import)

    # By name: the apps' purges and the core's (login history, expired Mes données ZIPs).
    assert [step.name for step in retention_steps] == [
        "comptes-inactifs",
        "connexions",
        "conversations",
        "documents",
        "exports",
        "foyers-partis",
    ]
