"""The gate library as data: truth tables against Boolean algebra, directions, bad names."""
import itertools

import pytest

from circuits.gates import GATES, get_gate, threshold_gate
from llg.errors import ParameterError

BOOLEAN = {
    "NOT": lambda a: 1 - a[0],
    "COPY": lambda a: a[0],
    "NAND2": lambda a: 1 - (a[0] & a[1]),
    "NOR2": lambda a: 1 - (a[0] | a[1]),
    "AND2": lambda a: a[0] & a[1],
    "OR2": lambda a: a[0] | a[1],
    "MAJ3": lambda a: int(sum(a) >= 2),
    "MAJ5": lambda a: int(sum(a) >= 3),
}


@pytest.mark.parametrize("name", list(GATES))
def test_truth_table_matches_boolean_function(name):
    g = get_gate(name)
    assert set(BOOLEAN) == set(GATES)
    for bits in itertools.product((0, 1), repeat=g.n_inputs):
        assert g.evaluate("".join(map(str, bits))) == BOOLEAN[name](bits), (name, bits)


def test_conventions_preset_threshold_direction():
    # logic 0 = P; preset 0 switches P -> AP (negative llg current), preset 1 AP -> P
    assert get_gate("NAND2").direction == "P-AP" and get_gate("NAND2").current_sign == -1
    assert get_gate("MAJ3").direction == "AP-P" and get_gate("MAJ3").current_sign == +1
    table = {n: (g.preset, g.threshold) for n, g in GATES.items()}
    assert table == {"NOT": (0, 1), "COPY": (1, 1), "NAND2": (0, 1), "NOR2": (0, 2),
                     "AND2": (1, 1), "OR2": (1, 2), "MAJ3": (1, 2), "MAJ5": (1, 3)}
    # the gate current pushes the inputs the other way: inputs in the switched state are at risk
    g = get_gate("NAND2")
    assert g.input_disturb_direction == "AP-P" and g.disturbable_input == 1
    assert get_gate("MAJ5").input_disturb_direction == "P-AP"


def test_patterns_order_and_counts():
    g = get_gate("NOR2")
    assert g.patterns() == ["00", "01", "10", "11"]
    assert [g.low_count(p) for p in g.patterns()] == [2, 1, 1, 0]
    assert [g.should_switch(p) for p in g.patterns()] == [True, False, False, False]


def test_unknown_gate_lists_known_ones():
    with pytest.raises(ParameterError, match="unknown gate 'XOR2'.*NAND2.*MAJ5"):
        get_gate("XOR2")


def test_fan_in_beyond_library():
    with pytest.raises(ParameterError, match="fan-in 7 is beyond the library.*MAJ exists with 3, 5"):
        get_gate("MAJ7")
    with pytest.raises(ParameterError, match="give 3 bits"):
        get_gate("MAJ3").evaluate("0101")
    with pytest.raises(ParameterError, match="n_inputs"):
        threshold_gate(99, 1, 0)
    with pytest.raises(ParameterError, match="threshold"):
        threshold_gate(3, 4, 0)


def test_aliases_and_case():
    assert get_gate("buffer") is GATES["COPY"]
    assert get_gate("maj3") is GATES["MAJ3"]
