"""Neuron, Layer, MLP: micrograd's init and calls, explicit and seeded weights, shape errors,
and a fused neuron that gives the unfused graph's floats bit for bit."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_lite import MLP, SGD, Layer, Neuron, ShapeError, TraceError, Value, compile


def test_default_init_draws_from_global_random_as_micrograd() -> None:
    random.seed(7)
    n = Neuron(3)
    random.seed(7)
    expected = [random.uniform(-1, 1) for _ in range(3)]
    assert [w.data for w in n.w] == expected
    assert n.b is not None and n.b.data == 0.0


def test_seed_gives_private_reproducible_init_and_leaves_global_random_alone() -> None:
    random.seed(1)
    state = random.getstate()
    a, b = MLP(2, [3, 1], seed=5), MLP(2, [3, 1], seed=5)
    assert random.getstate() == state
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    rng = random.Random(5)
    c = MLP(2, [3, 1], rng=rng)
    assert [p.data for p in c.parameters()] == [p.data for p in a.parameters()]


def test_explicit_weights_and_bias_choices() -> None:
    n = Neuron(2, weights=[0.5, -1.0], bias=False, activation="linear")
    assert n.parameters() == n.w and n([2.0, 3.0]).data == -2.0
    layer = Layer(2, 2, weights=[[1.0, -1.0], [-1.0, 1.0]], bias=False)
    outs = layer([0.0, 1.0])
    assert isinstance(outs, list) and [o.data for o in outs] == [0.0, 1.0]


def test_mlp_of_nested_explicit_weights_computes_xor_exactly() -> None:
    # the bias-free 2-2-1 relu net that represents XOR: |a - b|
    net = MLP(2, [2, 1], bias=False, weights=[[[1, -1], [-1, 1]], [[1, 1]]])
    assert [net([a, b]).data for a, b in ((0, 0), (0, 1), (1, 0), (1, 1))] == [0, 1, 1, 0]  # type: ignore[union-attr]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_activation_choice(activation: str) -> None:
    n = Neuron(1, weights=[2.0], activation=activation)
    out = n([-0.5])
    assert out.op == {"relu": "ReLU", "linear": "affine"}.get(activation, activation)


def test_call_semantics_and_repr_as_micrograd() -> None:
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337
    assert isinstance(model([1.0, 2.0]), Value)
    assert repr(Neuron(2)) == "ReLUNeuron(2)" and repr(Neuron(2, nonlin=False)) == "LinearNeuron(2)"
    assert repr(model).startswith("MLP of [Layer of [ReLUNeuron(2)")


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Neuron(2)([1.0, 2.0, 3.0]), "expected 2 inputs, got 3"),
        (lambda: Neuron(2)(Value(1.0)), "expected a list of 2 inputs"),
        (lambda: Neuron(0), "at least 1, got 0"),
        (lambda: MLP(2, []), "non-empty list"),
        (lambda: MLP(2, [3, 0]), "at least 1, got 0"),
        (lambda: Neuron(2, weights=[1.0]), "expected 2 weights, got 1"),
        (lambda: Layer(2, 2, weights=[[1.0, 1.0]]), "expected 2 weight rows, got 1"),
        (lambda: MLP(2, [1])([1.0]), "expected 2 inputs, got 1"),
    ],
)
def test_wrong_sizes_are_value_errors_saying_expected_and_got(make, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ShapeError, match=words) as info:
        make()
    assert isinstance(info.value, ValueError)


def test_unknown_activation_is_named_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"'softmax'.*'leaky_relu'.*'linear'.*'softplus'"):
        Neuron(2, activation="softmax")


@pytest.mark.parametrize("name", ["softplus", "leaky_relu", "sigmoid", "tanh", "relu"])
def test_every_table_activation_is_a_neuron_activation(name: str) -> None:
    n = Neuron(1, activation=name, weights=[2.0], bias=-3.0)
    out = n([1.0])
    assert out.op.startswith(name if name != "relu" else "ReLU")
    assert out.inputs[0].op == "affine" and out.inputs[0].data == -1.0


def test_sgd_step_and_zero_grad() -> None:
    w = Value(1.0)
    opt = SGD([w], lr=0.1)
    (w * 3.0).backward()
    opt.step()
    assert w.data == 1.0 - 0.1 * 3.0
    opt.zero_grad()
    assert w.grad == 0.0
    with pytest.raises(ValueError, match="lr"):
        SGD([w], lr=float("nan"))


@given(
    seed=st.integers(0, 1000),
    nin=st.integers(1, 6),
    bias=st.booleans(),
    xs=st.lists(st.floats(-3, 3, allow_nan=False), min_size=6, max_size=6),
)
def test_fused_neuron_is_bit_identical_to_micrograds_graph(
    seed: int, nin: int, bias: bool, xs: list[float]
) -> None:
    fused = Neuron(nin, seed=seed, bias=bias, activation="tanh")
    plain = Neuron(nin, seed=seed, bias=bias, activation="tanh", fused=False)
    ins_f = [Value(x) for x in xs[:nin]]
    ins_p = [Value(x) for x in xs[:nin]]
    out_f, out_p = fused(ins_f), plain(ins_p)
    assert out_f.data == out_p.data
    (out_f * out_f).backward()
    (out_p * out_p).backward()
    assert [p.grad for p in fused.parameters()] == [p.grad for p in plain.parameters()]
    assert [v.grad for v in ins_f] == [v.grad for v in ins_p]


def test_fused_and_unfused_mlp_training_give_the_same_floats() -> None:
    data = [([0.5, -1.0], 1.0), ([-0.3, 0.8], -1.0), ([1.2, 0.1], 1.0)]
    runs = []
    for fused in (True, False):
        model = MLP(2, [4, 4, 1], seed=3, fused=fused)
        for _ in range(5):
            losses = [(1 + -y * model(x)).relu() for x, y in data]  # type: ignore[operator]
            loss = sum(losses) * (1.0 / len(losses))
            model.zero_grad()
            loss.backward()  # type: ignore[union-attr]
            for p in model.parameters():
                p.data -= 0.1 * p.grad
        runs.append([p.data for p in model.parameters()])
    assert runs[0] == runs[1]


def test_seed_may_be_a_random_instance_and_nonlin_an_activation_name() -> None:
    a = MLP(2, [3, 1], seed=random.Random(9))
    b = MLP(2, [3, 1], seed=9)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert Neuron(1, nonlin="tanh", weights=[1.0])([0.5]).op == "tanh"
    with pytest.raises(TypeError, match="type str"):
        Neuron(2, seed="9")  # type: ignore[arg-type]


# -- plays with Python and numpy ------------------------------------------------------------------


def test_float_and_format_read_data_and_an_empty_spec_stays_the_repr() -> None:
    v = Value(2.0 / 3.0)
    assert float(v) == v.data and math.isfinite(v)
    assert format(v, ".3f") == "0.667" and f"{v:>8.2e}" == "6.67e-01"
    assert format(v) == f"{v}" == repr(v) == "Value(data=0.6666666666666666, grad=0.0)"
    with pytest.raises(ValueError, match="Unknown format code"):
        format(v, ".3q")  # float's own refusal: the spec is data's


def test_compile_still_refuses_float_and_format_of_a_traced_value() -> None:
    for fn in (lambda x: x * float(x), lambda x: x * float(format(x, ".3f"))):
        with pytest.raises(TraceError, match=r"float\(\)|formatting"):
            compile(fn, [1.0])
    w = Value(3.0)  # captured: float() reads it, so the compiled function checks it is unchanged
    cf = compile(lambda x: x * float(w), [1.0])
    assert cf(2.0)[0] == 6.0
    w.data = 4.0
    with pytest.raises(TraceError, match="changed since"):
        cf(2.0)


def test_a_1d_numpy_array_gives_the_same_numbers_as_the_list() -> None:
    np = pytest.importorskip("numpy")
    net = MLP(3, [4, 4, 1], seed=0)
    for xs in ([1.0, -2.0, 0.5], [1, 2, 3]):  # floats and ints: tolist() gives Python numbers
        out, want = net(np.array(xs)), net(xs)
        assert isinstance(out, Value) and isinstance(want, Value) and out.data == want.data
        out.backward()
        want.backward()
    layer = Layer(3, 2, seed=1)
    outs, wants = layer(np.array([0.25, 0.5, -1.0])), layer([0.25, 0.5, -1.0])
    assert isinstance(outs, list) and isinstance(wants, list)
    assert [o.data for o in outs] == [w.data for w in wants]
    n = Neuron(1, weights=[2.0], bias=0.5)
    assert n(np.array([1.5])).data == n(np.array(1.5)).data == n(np.float64(1.5)).data == 3.5
    assert Neuron(2, weights=[1.0, 1.0], activation="linear")(np.array([2.0, 3.0])).data == 5.0


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda np: MLP(3, [2, 1])(np.ones((2, 3))), r"MLP: .*2-D array of shape \(2, 3\)"),
        (lambda np: MLP(3, [2, 1])(np.ones((1, 3))), r"MLP: .*2-D array of shape \(1, 3\)"),
        (lambda np: Layer(3, 2)(np.ones((3, 1))), r"Layer: .*2-D array of shape \(3, 1\)"),
        (lambda np: Neuron(3)(np.ones((1, 1, 3))), r"Neuron\(3\): .*3-D array"),
        (lambda np: MLP(3, [2, 1])(np.ones(2)), r"Neuron\(3\): expected 3 inputs, got 2"),
        (lambda np: Neuron(2)(np.ones(3)), r"Neuron\(2\): expected 2 inputs, got 3"),
    ],
)
def test_a_numpy_array_of_the_wrong_shape_is_a_shape_error(call, words: str) -> None:  # type: ignore[no-untyped-def]
    np = pytest.importorskip("numpy")
    with pytest.raises(ShapeError, match=words):
        call(np)


def test_lectures_all_tanh_mlp() -> None:
    net = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=0)
    assert [[n.activation for n in layer.neurons] for layer in net.layers] == [
        ["tanh"] * 4,
        ["tanh"] * 4,
        ["tanh"],
    ]
    out = net([2.0, 3.0, -1.0])
    assert isinstance(out, Value) and out.op == "tanh"
    default = MLP(3, [4, 4, 1])  # micrograd's: relu hidden layers, a linear output
    assert [layer.neurons[0].activation for layer in default.layers] == ["relu", "relu", "linear"]
    hidden = MLP(3, [4, 1], activation="tanh")  # the output stays linear unless asked
    assert [layer.neurons[0].activation for layer in hidden.layers] == ["tanh", "linear"]
