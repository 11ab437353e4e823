"""Named parameters and their state: PyTorch's names (checked against torch's own naming of the
same attribute tree), labels that name parameters in pictures and traces, state dicts that load
all or nothing, and save/load as JSON that gives a trained model back bit for bit."""

from __future__ import annotations

import json
import math
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_lite import MLP, Layer, Module, Neuron, StateError, Value, explain, load, save
from micrograd_lite.state import IncompatibleKeys, ParameterName


def names_of(module: Module) -> list[str]:
    return [name for name, _ in module.named_parameters()]


# -- names -----------------------------------------------------------------------------------------


def test_names_in_pytorchs_style_for_mlp_layer_and_neuron() -> None:
    mlp = MLP(3, [4, 4, 1], seed=0)
    names = names_of(mlp)
    assert names[:5] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.w.2",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert "layers.0.neurons.3.w.1" in names and "layers.0.neurons.3.b" in names
    assert names[-1] == "layers.2.neurons.0.b" and len(names) == len(set(names)) == 41
    assert names_of(Layer(2, 4, seed=0))[-3:] == ["neurons.3.w.0", "neurons.3.w.1", "neurons.3.b"]
    assert names_of(Neuron(2, seed=0)) == ["w.0", "w.1", "b"]
    assert names_of(Neuron(2, seed=0, bias=False)) == ["w.0", "w.1"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLP(3, [4, 4, 1], seed=0),
        lambda: MLP(2, [3, 1], seed=0, bias=False, fused=False),
        lambda: Layer(3, 2, seed=0),
        lambda: Neuron(4, seed=0),
        lambda: Neuron(2, seed=0, bias=False),
    ],
)
def test_parameters_and_named_parameters_list_the_same_values_in_order(
    make: Callable[[], Module],
) -> None:
    module = make()
    params = module.parameters()
    named = [p for _, p in module.named_parameters()]
    assert len(named) == len(params) and all(a is b for a, b in zip(named, params, strict=True))
    assert list(module.state_dict().values()) == [p.data for p in params]


def test_names_and_numbers_agree_with_a_torch_twin_of_the_mlp() -> None:
    """The oracle: torch's own named_parameters() of the same attribute tree (ModuleList,
    ParameterList) gives our names; our state_dict loads into it by name and the twin, in
    float64, predicts our numbers, before and after SGD steps taken in each library."""
    torch = pytest.importorskip("torch")
    f64 = torch.float64
    Base: Any = torch.nn.Module  # torch is untyped here (importorskip)

    class TNeuron(Base):  # type: ignore[misc]
        def __init__(self, nin: int, act: str) -> None:
            super().__init__()
            self.w = torch.nn.ParameterList([torch.zeros((), dtype=f64) for _ in range(nin)])
            self.b = torch.nn.Parameter(torch.zeros((), dtype=f64))
            self.act = act

        def forward(self, xs: list[Any]) -> Any:
            total = self.b
            for w, x in zip(self.w, xs, strict=True):  # micrograd's order: b + w0*x0 + ...
                total = total + w * x
            return {"relu": torch.relu, "tanh": torch.tanh}.get(self.act, lambda t: t)(total)

    class TLayer(Base):  # type: ignore[misc]
        def __init__(self, nin: int, nout: int, act: str) -> None:
            super().__init__()
            self.neurons = torch.nn.ModuleList([TNeuron(nin, act) for _ in range(nout)])

        def forward(self, xs: list[Any]) -> list[Any]:
            return [n(xs) for n in self.neurons]

    class TMLP(Base):  # type: ignore[misc]
        def __init__(self, sizes: list[int], acts: list[str]) -> None:
            super().__init__()
            pairs = zip(sizes, sizes[1:], acts, strict=False)
            self.layers = torch.nn.ModuleList([TLayer(i, o, a) for i, o, a in pairs])

        def forward(self, xs: list[Any]) -> Any:
            for layer in self.layers:
                xs = layer(xs)
            return xs[0]

    ours = MLP(3, [4, 4, 1], activation="tanh", seed=4)
    twin = TMLP([3, 4, 4, 1], ["tanh", "tanh", "linear"])
    # the same names; the order is micrograd's (w before b), torch puts a module's own
    # parameters (b) before its sub-modules' (the ParameterList w)
    assert sorted(name for name, _ in twin.named_parameters()) == sorted(names_of(ours))
    twin.load_state_dict({k: torch.tensor(v, dtype=f64) for k, v in ours.state_dict().items()})
    data = [([2.0, 3.0, -1.0], 1.0), ([3.0, -1.0, 0.5], -1.0), ([0.5, 1.0, 1.0], -1.0)]
    worst = 0.0
    for _ in range(5):
        loss = Value(0.0)
        for x, y in data:
            out = ours(x)
            assert isinstance(out, Value)
            loss = loss + (out - y) ** 2
        t_loss = sum((twin([torch.tensor(v, dtype=f64) for v in x]) - y) ** 2 for x, y in data)
        ours.zero_grad()
        twin.zero_grad()
        loss.backward()
        t_loss.backward()
        worst = max(worst, abs(loss.data - t_loss.item()) / abs(t_loss.item()))
        with torch.no_grad():
            for p in twin.parameters():
                p -= 0.05 * p.grad
        for p in ours.parameters():
            p.data -= 0.05 * p.grad
    theirs = {k: v.item() for k, v in twin.state_dict().items()}
    for name, value in ours.state_dict().items():
        worst = max(worst, abs(value - theirs[name]) / max(abs(theirs[name]), 1e-3))
    assert worst < 1e-12, worst  # float64 both; tanh may differ in the last bits between libms


class Scaled(Module):
    """A user's own module: a Value, a list of them, a sub-Module, a dict, a private cache."""

    def __init__(self, body: Module | None = None) -> None:
        self.scale = Value(2.0)
        self.body = body if body is not None else MLP(2, [2, 1], seed=0)
        self.heads = [Neuron(2, seed=1), Neuron(2, seed=2)]
        self.offsets = {"x": Value(0.5), "y": (Value(0.25), Value(-0.25))}
        self._cache = [Value(99.0)]  # private: not a parameter
        self.tag = Value(3.0, label="mine")  # the user's label stays


def test_a_users_module_names_values_lists_dicts_and_submodules() -> None:
    model = Scaled()
    names = names_of(model)
    assert names[0] == "scale" and names[1] == "body.layers.0.neurons.0.w.0"
    assert names[10:] == [
        "heads.0.w.0",
        "heads.0.w.1",
        "heads.0.b",
        "heads.1.w.0",
        "heads.1.w.1",
        "heads.1.b",
        "offsets.x",
        "offsets.y.0",
        "offsets.y.1",
        "tag",
    ]
    assert model.parameters() == [p for _, p in model.named_parameters()]  # the default: the walk
    assert 99.0 not in model.state_dict().values()


def test_a_shared_value_or_module_is_named_once_and_a_cycle_ends() -> None:
    class Tied(Module):
        def __init__(self) -> None:
            self.a = Neuron(1, weights=[1.0])
            self.b = self.a  # the same module twice: its Values are named once, first path
            self.w = [self.a.w[0]]
            self.me = self  # a cycle

    assert names_of(Tied()) == ["a.w.0", "a.b"]


def test_an_overridden_parameters_sets_the_order_and_what_counts() -> None:
    class Reordered(Module):
        def __init__(self) -> None:
            self.w = Value(1.0)
            self.b = Value(2.0)
            self.frozen = Value(3.0)  # held, but not a parameter by this module's own account

        def parameters(self) -> list[Value]:
            return [self.b, self.w]

    model = Reordered()
    assert names_of(model) == ["b", "w"] and model.state_dict() == {"b": 2.0, "w": 1.0}

    class Hidden(Module):
        def parameters(self) -> list[Value]:
            return [Value(1.0)]  # held by no attribute: nameless

    with pytest.raises(StateError, match=r"Hidden.named_parameters: parameters\(\)\[0\]"):
        names_of(Hidden())


# -- labels ----------------------------------------------------------------------------------------


def test_names_become_labels_when_the_module_is_built() -> None:
    mlp = MLP(2, [3, 1], seed=0)
    assert [p.label for p in mlp.parameters()] == names_of(mlp)
    assert [p.label for p in Neuron(2, seed=0).parameters()] == ["w.0", "w.1", "b"]
    model = Scaled()  # the MLP built inside is named as the user's module's part
    assert model.body.parameters()[0].label == "body.layers.0.neurons.0.w.0"
    assert model.tag.label == "mine" and model._cache[0].label == ""


def test_a_module_built_first_is_relabelled_longer_never_shorter_and_a_users_label_stays() -> None:
    body = MLP(2, [1], seed=0)
    body.layers[0].neurons[0].b.label = "bias"  # type: ignore[union-attr]
    assert body.parameters()[0].label == "layers.0.neurons.0.w.0"
    Scaled(body)
    assert [p.label for p in body.parameters()] == [
        "body.layers.0.neurons.0.w.0",
        "body.layers.0.neurons.0.w.1",
        "bias",
    ]
    names_of(body)  # naming from the part does not undo the whole's longer labels
    assert body.parameters()[0].label == "body.layers.0.neurons.0.w.0"
    assert type(body.parameters()[0].label) is ParameterName


def test_labels_name_parameters_in_chain_rule_traces() -> None:
    n = Neuron(2, weights=[0.5, -1.0], bias=0.25, activation="tanh")
    out = n([Value(1.0, label="x1"), Value(2.0, label="x2")])
    out.backward()
    assert str(explain(out, n.w[1])).splitlines() == [
        "d(tanh(v1))/d(w.1) = d(tanh(v1))/dv1 * dv1/d(w.1) = 0.28041 * 2 = 0.56083",
        "  d(tanh(v1))/dv1 = 1 - tanh(v1)^2 = 0.28041",
        "  dv1/d(w.1) = x2 = 2",
        "where v1 = w.0*x1 + w.1*x2 + b",
    ]


# -- state dicts -----------------------------------------------------------------------------------


def test_state_dict_round_trip_into_a_fresh_model() -> None:
    trained, fresh = MLP(3, [4, 1], seed=0), MLP(3, [4, 1], seed=1)
    assert fresh.load_state_dict(trained.state_dict()) == IncompatibleKeys([], [])
    assert fresh.state_dict() == trained.state_dict()
    assert all(type(v) is float for v in fresh.state_dict().values())
    fresh.load_state_dict({k: int(v > 0) for k, v in trained.state_dict().items()})  # ints too
    assert set(fresh.state_dict().values()) <= {0.0, 1.0}


def test_every_problem_is_named_at_once_and_nothing_loads() -> None:
    model = Neuron(3, seed=0)
    before = model.state_dict()
    bad: dict[str, object] = {
        "w.0": "0.5",
        "w.1": math.nan,
        "b": -math.inf,
        "w.9": 1.0,
        "bias": 0.0,
    }  # w.2 missing
    with pytest.raises(StateError) as info:
        model.load_state_dict(bad)
    assert str(info.value) == (
        "Neuron.load_state_dict: the state does not fit this Neuron; nothing was loaded:\n"
        "  missing (1): 'w.2'\n"
        "  unexpected (2): 'w.9', 'bias'\n"
        "  not a real number (1): 'w.0' = '0.5' (type str)\n"
        "  not finite (JSON has no NaN or inf: a state holds finite numbers) (2): "
        "'w.1' = nan (type float), 'b' = -inf (type float)"
    )
    assert isinstance(info.value, ValueError) and model.state_dict() == before
    with pytest.raises(StateError, match=r"not a real number \(1\): 'w.0' = True"):
        model.load_state_dict({**before, "w.0": True})
    with pytest.raises(StateError, match=r"not finite .*'b' = 10000"):
        model.load_state_dict({**before, "b": 10**400})
    with pytest.raises(TypeError, match=r"expected a dict of name -> number.*type list"):
        model.load_state_dict([1.0, 2.0])  # type: ignore[arg-type]
    assert model.state_dict() == before


def test_strict_false_skips_and_returns_the_names_as_torch_does() -> None:
    torch = pytest.importorskip("torch")
    model = Neuron(2, seed=0)
    state = {"w.0": 0.5, "extra": 1.0}
    result = model.load_state_dict(state, strict=False)
    assert result == IncompatibleKeys(missing_keys=["w.1", "b"], unexpected_keys=["extra"])
    assert model.w[0].data == 0.5
    twin = torch.nn.Module()
    twin.w = torch.nn.ParameterList([torch.zeros(()), torch.zeros(())])
    twin.b = torch.nn.Parameter(torch.zeros(()))
    theirs = twin.load_state_dict({k: torch.tensor(v) for k, v in state.items()}, strict=False)
    assert sorted(theirs.missing_keys) == sorted(result.missing_keys)  # torch's order: b first
    assert theirs.unexpected_keys == result.unexpected_keys
    with pytest.raises(StateError, match="not finite"):  # a bad number is refused even so
        model.load_state_dict({"w.0": math.nan}, strict=False)


# -- save and load -------------------------------------------------------------------------------


def test_a_model_saved_after_training_loads_into_a_fresh_mlp_and_predicts_bit_for_bit(
    tmp_path: Path,
) -> None:
    data = [([2.0, 3.0, -1.0], 1.0), ([3.0, -1.0, 0.5], -1.0), ([0.5, 1.0, 1.0], -1.0)]
    model = MLP(3, [4, 4, 1], seed=0)
    for _ in range(5):  # a few SGD steps, as micrograd's demo takes them
        loss = Value(0.0)
        for x, y in data:
            out = model(x)
            assert isinstance(out, Value)
            loss = loss + (out - y) ** 2
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.05 * p.grad
    save(model, tmp_path / "model.json")
    fresh = MLP(3, [4, 4, 1], seed=1)
    fresh.load_state_dict(load(tmp_path / "model.json"))
    for x in [[2.0, 3.0, -1.0], [0.1, -0.2, 0.3], [1e3, -1e-3, 7.0]]:
        ours, theirs = model(x), fresh(x)
        assert isinstance(ours, Value) and isinstance(theirs, Value)
        assert ours.data == theirs.data  # exactness is the claim: the same floats, bit for bit
    assert [p.data for p in fresh.parameters()] == [p.data for p in model.parameters()]


def test_the_file_is_indented_json_in_parameter_order_with_repr_floats(tmp_path: Path) -> None:
    model = Neuron(2, weights=[0.1, -1 / 3], bias=1e-300)
    save(model, str(tmp_path / "n.json"))  # a str path too
    assert (tmp_path / "n.json").read_text() == (
        '{\n  "w.0": 0.1,\n  "w.1": -0.3333333333333333,\n  "b": 1e-300\n}\n'
    )
    assert json.loads((tmp_path / "n.json").read_text()) == model.state_dict()


@given(xs=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=5))
def test_every_finite_float_round_trips_exactly(xs: list[float]) -> None:
    with tempfile.TemporaryDirectory() as folder:  # hypothesis reruns: no function fixture
        path = Path(folder, "s.json")
        save({f"p{i}": x for i, x in enumerate(xs)}, path)  # a state dict itself, as torch.save
        back = load(path)
    assert len(back) == len(xs)
    for x, y in zip(xs, back.values(), strict=True):
        assert type(y) is float and struct.pack("<d", x) == struct.pack("<d", y)  # -0.0 too


def test_anything_with_a_state_dict_saves_nested_states_lists_for_tuples(tmp_path: Path) -> None:
    class Optimizer:  # duck-typed: what an optimizer's state_dict() may hold
        def state_dict(self) -> dict[str, object]:
            return {
                "state": {"0": {"step": 3, "exp_avg": [0.1, -0.2]}},
                "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "amsgrad": False}],
                "note": None,
            }

    save(Optimizer(), tmp_path / "opt.json")
    back = load(tmp_path / "opt.json")
    want = Optimizer().state_dict()
    want["param_groups"] = [{"lr": 1e-3, "betas": [0.9, 0.999], "amsgrad": False}]
    assert back == want and back["state"] == {"0": {"step": 3, "exp_avg": [0.1, -0.2]}}


def test_save_refuses_what_json_cannot_give_back_naming_each_place(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    model = Neuron(2, weights=[1.0, 2.0])
    model.w[1].data = math.nan
    with pytest.raises(StateError) as info:
        save(model, path)
    assert str(info.value) == (
        f"save: cannot write {str(path)!r}: JSON cannot hold\n"
        "  state['w.1'] = nan: JSON has no NaN or inf"
    )
    state: dict[Any, object] = {"a": {0: 1.0}, "b": [Value(1.0), math.inf], "c": object()}
    with pytest.raises(StateError) as info:
        save(state, path)
    message = str(info.value)
    assert "state['a']: the key 0 (type int): JSON keys are strings" in message
    assert "state['b'][0] = Value(data=1.0, grad=0.0) (type Value)" in message
    assert "(save its .data, or the Module that holds it)" in message
    assert "state['b'][1] = inf" in message and "state['c'] = <object object" in message
    assert not path.exists()  # nothing written
    with pytest.raises(TypeError, match=r"save: expected a Module, an optimizer or a state dict"):
        save(Value(1.0), path)  # type: ignore[arg-type]

    class Odd:
        def state_dict(self) -> list[float]:
            return [1.0]

    with pytest.raises(TypeError, match=r"Odd.state_dict\(\) must return a dict"):
        save(Odd(), path)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{'w.0': 1.0}", r"is not a saved state: not JSON \(Expecting property name .* line 1"),
        ('{"w.0": 1.0,\n}', r"not JSON \(.* at line 2, column 1\)"),
        ("[1.0, 2.0]", r"holds a JSON array, not a saved state"),
        ("3.5", r"holds a JSON number, not a saved state"),
        (
            '{"w.0": NaN, "b": {"x": [1, -Infinity]}}',
            r"state\['w.0'\] = nan.*\n.*\['x'\]\[1\] = -inf",
        ),
        ('{"w.0": 1e999}', r"state\['w.0'\] = inf"),
        ('{"w.0": 1.0, "w.0": 2.0}', r"repeats the key 'w.0'"),
    ],
)
def test_load_refuses_a_file_that_is_not_a_saved_state_naming_it(
    tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "state.json"
    path.write_text(text)
    with pytest.raises(StateError, match=words) as info:
        load(path)
    assert str(info.value).startswith(f"load: {str(path)!r} ") and isinstance(
        info.value, ValueError
    )


def test_load_of_a_missing_or_binary_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nowhere\.json"):
        load(tmp_path / "nowhere.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(StateError, match=r"bin.json' is not a saved state: it is not UTF-8"):
        load(tmp_path / "bin.json")
