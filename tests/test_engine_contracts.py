"""The engine's small promises: recorded values are frozen, indices are checked
at both ends, messages point at the right place. Each test here was written
to kill a mutant (scripts/mutation_test.py) that the other tests let live."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine import Activation, Network, Param, get_activation, run
from engine._checks import check_index, require_finite


def test_check_index_bounds_and_types():
    assert check_index(0, 3, "f", "an index") == 0 and check_index(2, 3, "f", "an index") == 2
    assert check_index(np.int64(1), 3, "f", "an index") == 1
    assert type(check_index(np.int64(1), 3, "f", "an index")) is int
    for bad in (-1, 3):
        with pytest.raises(ValueError, match=rf"f: expected an index in 0..2, got {bad}"):
            check_index(bad, 3, "f", "an index")
    for bad in (True, 1.0, "1", None):
        with pytest.raises(ValueError, match=r"f: expected an integer an index in 0..2, got"):
            check_index(bad, 3, "f", "an index")


def test_require_finite_points_at_the_first_bad_entry():
    require_finite(np.array([1.0, 2.0]), "v")
    with pytest.raises(ValueError, match=r"v: expected finite numbers, got nan at index \[0, 1\]"):
        require_finite(np.array([[0.0, np.nan], [np.inf, 0.0]]), "v")


def test_activation_records_are_frozen_and_fall_back_to_their_name():
    sig = get_activation("sigmoid")
    with pytest.raises(dataclasses.FrozenInstanceError):
        sig.name = "other"  # type: ignore[misc]
    plainless = Activation("soft", r"\mathrm{soft}", np.tanh, np.tanh)
    assert plainless.symbol == "soft" and plainless.plain == ""


def test_trace_records_are_frozen_and_hash_by_identity():
    net = Network.random((2, 2), seed=0)
    tr = run(net, [0.1, 0.2], [0.0, 1.0])
    lt = tr.layer(1)
    for record, field in ((tr, "cost"), (lt, "z")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, field, 0.0)
        assert hash(record) == hash(record) and record == record
    again = run(net, [0.1, 0.2], [0.0, 1.0])
    assert again != tr and again.layer(1) != lt       # identity, never array comparison
    assert tr.z(1).flags.writeable is False and tr.layer(1).dC_dw.flags.writeable is False


def test_batches_of_the_wrong_rank_are_refused():
    net = Network.random((4, 2), seed=0)
    with pytest.raises(ValueError, match=r"x: expected shape \(4,\) or \(n_examples, 4\), got \(1, 4, 1\)"):
        run(net, np.zeros((1, 4, 1)), [0.0, 1.0])
    with pytest.raises(ValueError, match=r"x: expected at least one example, got shape \(0, 4\)"):
        run(net, np.zeros((0, 4)), np.zeros((0, 2)))


def test_param_records_are_frozen():
    p = Param("w", 1, 0, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.j = 1  # type: ignore[misc]
    assert p == Param("w", 1, 0, 0) and len({p, Param("w", 1, 0, 0)}) == 1
