"""ddmin on synthetic predicates: the result still fails, is 1-minimal, keeps order, and the
trial budget holds."""

from __future__ import annotations

import random

from harken.fuzz.minimize import minimize


def test_finds_the_two_culprits_in_order():
    items = list(range(40))
    calls = []

    def fails(subset):
        calls.append(subset)
        return 7 in subset and 31 in subset

    smallest, trials = minimize(items, fails)
    assert smallest == [7, 31]
    assert trials == len(calls)


def test_single_culprit_and_one_minimal():
    rng = random.Random(5)
    items = [rng.randrange(1000) for _ in range(64)]
    culprit = items[41]
    smallest, _ = minimize(items, lambda subset: culprit in subset)
    assert smallest == [culprit]


def test_result_is_one_minimal_for_an_order_dependent_failure():
    # Fails when an 'open' comes before a 'close' (like a dialogue started, then answered).
    items = ["noise", "open", "noise", "x", "close", "noise"]

    def fails(subset):
        return "open" in subset and "close" in subset[subset.index("open") :]

    smallest, _ = minimize(items, fails)
    assert smallest == ["open", "close"]
    for i in range(len(smallest)):
        assert not fails(smallest[:i] + smallest[i + 1 :])


def test_budget_is_respected_and_the_result_still_fails():
    items = list(range(200))
    smallest, trials = minimize(items, lambda s: 3 in s and 150 in s and 199 in s, max_trials=5)
    assert trials <= 5
    assert {3, 150, 199} <= set(smallest)


def test_a_predicate_that_never_reduces_keeps_everything():
    items = [1, 2, 3]
    smallest, _ = minimize(items, lambda s: s == [1, 2, 3])
    assert smallest == [1, 2, 3]
