"""SGD, Adam, AdamW and the lr schedules: torch.optim's numbers step by step, torch's refusals,
state dicts that round-trip through JSON and resume a run float for float."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from micrograd_lite import (
    MLP,
    SGD,
    Adam,
    AdamW,
    CosineAnnealingLR,
    LinearLR,
    OperandTypeError,
    SettingError,
    ShapeError,
    StepLR,
    Value,
)
from micrograd_lite.optim import LRScheduler, Optimizer

# Both sides compute in float64 in the same order of operations (the optimizers' docstrings
# follow torch's source), so they differ at most where a torch kernel fuses a multiply-add:
# ~1e-16 per step. 1e-12 relative (to max(|value|, 1e-3), so values near 0 are judged on an
# absolute 1e-15) leaves room for 50 steps of that and catches any change of formula.
RTOL = 1e-12
FLOOR = 1e-3
STEPS = 50

DATA = [
    ([1.0, -0.5, 2.0], 1.0),
    ([-1.5, 0.3, 0.1], -1.0),
    ([0.2, 2.2, -0.7], 0.5),
    ([0.9, -1.1, -1.3], -0.25),
]


def wrong(x: object) -> Any:
    """A deliberately ill-typed argument (these tests check the runtime refusals)."""
    return x


def problem(seed: int = 0) -> tuple[MLP, list[Value]]:
    """A 3-4-4-1 tanh MLP, and its parameters plus one the loss never uses (its grad stays 0)."""
    model = MLP(3, [4, 4, 1], activation="tanh", seed=seed)
    return model, [*model.parameters(), Value(0.7, label="unused")]


def loss_of(model: MLP) -> Value:
    total = Value(0.0)
    for x, y in DATA:
        out = model(x)
        assert isinstance(out, Value)
        total = total + (out - y) ** 2
    return total / len(DATA)


def train(model: MLP, optimizer: Optimizer, steps: int) -> list[list[float]]:
    """`steps` updates; the parameters after each."""
    seen = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss_of(model).backward()
        optimizer.step()
        seen.append([p.data for p in optimizer.params])
    return seen


def relative_gap(ours: float, theirs: float) -> float:
    return abs(ours - theirs) / max(abs(theirs), FLOOR)


def beside_torch(
    make_ours: Callable[[list[Value]], Optimizer],
    make_theirs: Callable[[list[Any]], Any],
    schedule: Callable[[Optimizer], LRScheduler] | None = None,
    their_schedule: Callable[[Any], Any] | None = None,
) -> float:
    """STEPS updates of ours and torch's from the same start, with our engine's gradients
    handed to torch as .grad; asserts every parameter at every step and returns the worst gap."""
    torch = pytest.importorskip("torch")
    model, params = problem()
    ours = make_ours(params)
    tensors = [torch.tensor(p.data, dtype=torch.float64, requires_grad=True) for p in params]
    theirs = make_theirs(tensors)
    sched = schedule(ours) if schedule else None
    their_sched = their_schedule(theirs) if their_schedule else None
    worst = 0.0
    for step in range(1, STEPS + 1):
        ours.zero_grad()
        loss_of(model).backward()
        for p, t in zip(params, tensors, strict=True):
            t.grad = torch.tensor(p.grad, dtype=torch.float64)
        ours.step()
        theirs.step()
        if sched and their_sched:
            sched.step()
            their_sched.step()
            assert relative_gap(ours.lr, their_sched.get_last_lr()[0]) <= RTOL
        for i, (p, t) in enumerate(zip(params, tensors, strict=True)):
            gap = relative_gap(p.data, t.item())
            assert gap <= RTOL, f"step {step}, parameter {i}: ours {p.data!r}, torch {t.item()!r}"
            worst = max(worst, gap)
    assert params[-1].grad == 0.0  # the unused parameter stepped on a zero grad, as torch's
    return worst


SGD_CASES: list[dict[str, Any]] = [
    {"lr": 0.1},
    {"lr": 0.1, "weight_decay": 0.05},
    {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "dampening": 0.3},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1, "nesterov": True},
    {"lr": 0.02, "momentum": 0.99, "dampening": 0.9, "weight_decay": 0.01},
]
ADAM_CASES: list[dict[str, Any]] = [
    {},
    {"lr": 0.01},
    {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6},
    {"lr": 0.02, "weight_decay": 0.1},
    {"lr": 0.01, "betas": (0.3, 0.5)},  # 1 - beta1 >= 0.5: torch's other lerp formula
    {"lr": 0.01, "betas": (0.0, 0.0), "eps": 1e-12},
]
ADAMW_CASES: list[dict[str, Any]] = [
    {},
    {"lr": 0.01},
    {"lr": 0.05, "betas": (0.5, 0.9), "weight_decay": 0.5},
]


@pytest.mark.parametrize("kwargs", SGD_CASES, ids=str)
def test_sgd_matches_torch_at_every_step(kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    beside_torch(lambda ps: SGD(ps, **kwargs), lambda ts: torch.optim.SGD(ts, **kwargs))


@pytest.mark.parametrize("kwargs", ADAM_CASES, ids=str)
def test_adam_matches_torch_at_every_step(kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    beside_torch(lambda ps: Adam(ps, **kwargs), lambda ts: torch.optim.Adam(ts, **kwargs))


@pytest.mark.parametrize("kwargs", ADAMW_CASES, ids=str)
def test_adamw_matches_torch_at_every_step(kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    beside_torch(lambda ps: AdamW(ps, **kwargs), lambda ts: torch.optim.AdamW(ts, **kwargs))


def test_a_schedule_drives_the_optimizer_as_torchs_does() -> None:
    torch = pytest.importorskip("torch")
    beside_torch(
        lambda ps: Adam(ps, lr=0.05),
        lambda ts: torch.optim.Adam(ts, lr=0.05),
        lambda opt: CosineAnnealingLR(opt, T_max=20, eta_min=0.001),
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=20, eta_min=0.001),
    )


def test_plain_sgd_is_still_p_data_minus_lr_grad_bit_for_bit() -> None:
    # the worked examples' figures depend on these exact floats, the decay of -1 included
    for decay in (0.0, 0.05, -1.0):
        model, params = problem()
        by_hand_model, by_hand = problem()
        seen = train(model, SGD(params, 0.1, weight_decay=decay), 10)
        for step in range(10):
            for p in by_hand:
                p.grad = 0.0
            loss_of(by_hand_model).backward()
            for p in by_hand:
                p.data -= 0.1 * (p.grad + decay * p.data) if decay else 0.1 * p.grad
            assert seen[step] == [p.data for p in by_hand]


def test_a_zero_grad_still_steps() -> None:
    w = Value(2.0)
    AdamW([w], lr=0.1, weight_decay=0.5).step()  # grad 0.0: only the decay moves it
    assert w.data == 2.0 * (1 - 0.1 * 0.5)
    v = Value(2.0)
    Adam([v], lr=0.1).step()  # m = v = 0: the step is 0 / (0 + eps)
    assert v.data == 2.0
    u = Value(2.0)
    sgd = SGD([u], lr=0.1, momentum=0.9)
    u.grad = 1.0
    sgd.step()
    u.grad = 0.0
    sgd.step()  # the momentum buffer keeps it moving
    assert u.data == 2.0 - 0.1 - 0.1 * 0.9


def test_adam_without_eps_divides_as_ieee_does_like_torch() -> None:
    # eps = 0 and a zero grad: the step is 0/0. Python floats raise; IEEE (torch) says NaN
    w, v = Value(1.0), Value(1.0)
    v.grad = -1.0
    Adam([w, v], lr=0.1, eps=0.0).step()
    assert math.isnan(w.data) and v.data == pytest.approx(1.1, rel=1e-15)


def test_params_may_be_a_module_or_any_iterable() -> None:
    model, _ = problem()
    for given in (model, model.parameters(), iter(model.parameters())):
        opt = Adam(given)
        assert len(opt.params) == len(model.parameters())
        assert all(a is b for a, b in zip(opt.params, model.parameters(), strict=True))


@pytest.mark.parametrize(
    ("given", "error", "words"),
    [
        (Value(1.0), OperandTypeError, ("one Value", "[v]")),
        ([], SettingError, ("params is empty",)),
        ([Value(1.0), 2.0], OperandTypeError, ("params[1]", "2.0 (type float)")),
        ([{"params": []}], OperandTypeError, ("params[0]", "parameter groups")),
        ("ab", OperandTypeError, ("'ab'",)),
        (5, OperandTypeError, ("5 (type int)",)),
    ],
    ids=["one Value", "empty", "a float", "a group", "a str", "an int"],
)
def test_bad_params_are_refused(
    given: object, error: type[Exception], words: Sequence[str]
) -> None:
    with pytest.raises(error) as info:
        SGD(wrong(given), lr=0.1)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_a_parameter_listed_twice_is_refused() -> None:
    w = Value(1.0)
    with pytest.raises(SettingError, match=r"params\[2\] is params\[0\] again"):
        Adam([w, Value(2.0), w])


def test_zero_grad_and_repr() -> None:
    w = Value(1.0)
    w.grad = 3.0
    opt = SGD([w], lr=0.1, momentum=0.9)
    opt.zero_grad()
    assert w.grad == 0.0
    assert repr(opt) == (
        "SGD(1 parameters, lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False)"
    )


# -- hyperparameters refused as torch refuses them, naming the argument and the value ---------

BAD: list[tuple[str, Any, type[Exception], tuple[str, ...], bool]] = [
    # (id, call as (module, kwargs) applied to ours and torch's, error, words, torch refuses)
    ("SGD lr<0", ("SGD", {"lr": -0.1}), SettingError, ("SGD: lr", "-0.1"), True),
    ("SGD lr nan", ("SGD", {"lr": math.nan}), SettingError, ("lr", "nan"), False),
    ("SGD momentum<0", ("SGD", {"momentum": -0.5}), SettingError, ("momentum", "-0.5"), True),
    ("SGD decay nan", ("SGD", {"weight_decay": math.inf}), SettingError, ("weight_decay",), False),
    ("nesterov alone", ("SGD", {"nesterov": True}), SettingError, ("nesterov", "momentum=0"), True),
    (
        "nesterov dampening",
        ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}),
        SettingError,
        ("nesterov", "dampening=0.1"),
        True,
    ),
    ("SGD lr str", ("SGD", {"lr": "0.1"}), OperandTypeError, ("lr", "'0.1' (type str)"), True),
    ("nesterov=1", ("SGD", {"nesterov": 1}), OperandTypeError, ("nesterov", "1 (type int)"), False),
    ("Adam lr<0", ("Adam", {"lr": -1.0}), SettingError, ("Adam: lr", "-1.0"), True),
    ("Adam eps<0", ("Adam", {"eps": -1e-8}), SettingError, ("eps", "-1e-08"), True),
    ("beta1=1", ("Adam", {"betas": (1.0, 0.999)}), SettingError, ("betas[0]", "1.0"), True),
    ("beta2<0", ("Adam", {"betas": (0.9, -0.1)}), SettingError, ("betas[1]", "-0.1"), True),
    ("one beta", ("Adam", {"betas": (0.9,)}), OperandTypeError, ("betas", "(0.9,)"), True),
    ("Adam decay<0", ("Adam", {"weight_decay": -0.01}), SettingError, ("weight_decay",), True),
    ("AdamW decay<0", ("AdamW", {"weight_decay": -1.0}), SettingError, ("AdamW",), True),
    ("AdamW lr<0", ("AdamW", {"lr": -1e-3}), SettingError, ("AdamW: lr", "-0.001"), True),
]


@pytest.mark.parametrize(
    ("call", "error", "words", "torch_refuses"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_hyperparameters_are_refused_naming_them(
    call: tuple[str, dict[str, Any]],
    error: type[Exception],
    words: Sequence[str],
    torch_refuses: bool,
) -> None:
    name, kwargs = call
    ours: dict[str, Callable[..., Optimizer]] = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}
    with pytest.raises(error) as info:
        ours[name]([Value(1.0)], **kwargs)
    assert all(w in str(info.value) for w in words), str(info.value)
    if torch_refuses:
        torch = pytest.importorskip("torch")
        with pytest.raises((ValueError, TypeError, IndexError)):  # one beta: IndexError
            getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **kwargs)


def test_sgd_accepts_the_worked_examples_negative_weight_decay() -> None:
    w = Value(1.0)
    w.grad = 0.5
    SGD([w], 0.1, weight_decay=-1.0).step()  # torch refuses it; the adding-neuron article's rule
    assert w.data == 1.0 - 0.1 * (0.5 + -1.0 * 1.0)


BAD_SCHEDULES: list[tuple[Callable[[Optimizer], object], type[Exception], tuple[str, ...]]] = [
    (lambda o: StepLR(o, step_size=0), SettingError, ("StepLR: step_size", "0")),
    (lambda o: StepLR(o, step_size=wrong(2.5)), OperandTypeError, ("step_size", "2.5")),
    (lambda o: StepLR(o, 3, gamma=math.nan), SettingError, ("gamma", "nan")),
    (lambda o: CosineAnnealingLR(o, T_max=0), SettingError, ("T_max", "0")),
    (lambda o: CosineAnnealingLR(o, 10, eta_min=math.inf), SettingError, ("eta_min",)),
    (lambda o: LinearLR(o, start_factor=0.0), SettingError, ("start_factor", "(0, 1]")),
    (lambda o: LinearLR(o, start_factor=1.5), SettingError, ("start_factor", "1.5")),
    (lambda o: LinearLR(o, end_factor=-0.1), SettingError, ("end_factor", "[0, 1]")),
    (lambda o: LinearLR(o, total_iters=-1), SettingError, ("total_iters", "-1")),
    (lambda o: StepLR(wrong([o]), 3), OperandTypeError, ("optimizer", "type list")),
]


@pytest.mark.parametrize(
    ("make", "error", "words"), BAD_SCHEDULES, ids=[b[2][0] for b in BAD_SCHEDULES]
)
def test_bad_schedule_settings_are_refused_naming_them(
    make: Callable[[Optimizer], object], error: type[Exception], words: Sequence[str]
) -> None:
    opt = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(error) as info:
        make(opt)
    assert all(w in str(info.value) for w in words), str(info.value)
    assert opt.lr == 0.1 and opt.initial_lr is None  # a refused schedule touched nothing


# -- schedules: torch's learning rates, epoch by epoch ----------------------------------------

SCHEDULES: list[tuple[str, dict[str, Any]]] = [
    ("StepLR", {"step_size": 3}),
    ("StepLR", {"step_size": 1, "gamma": 0.5}),
    ("StepLR", {"step_size": 7, "gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 20, "eta_min": 0.01}),
    ("CosineAnnealingLR", {"T_max": 1}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.05}),
    ("LinearLR", {}),
    ("LinearLR", {"start_factor": 0.5, "end_factor": 0.1, "total_iters": 10}),
    ("LinearLR", {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 30}),
    ("LinearLR", {"start_factor": 0.25, "total_iters": 0}),
]
OURS: dict[str, Callable[..., LRScheduler]] = {
    "StepLR": StepLR,
    "CosineAnnealingLR": CosineAnnealingLR,
    "LinearLR": LinearLR,
}


def their_lrs(torch: Any, chain: Sequence[tuple[str, dict[str, Any]]], epochs: int) -> list[float]:
    tensor = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([tensor], lr=0.3)
    schedules = [getattr(torch.optim.lr_scheduler, name)(opt, **kw) for name, kw in chain]
    lrs = [schedules[-1].get_last_lr()[0]]
    for _ in range(epochs):
        opt.step()  # before the schedules, as torch requires (else it warns)
        for s in schedules:
            s.step()
        lrs.append(schedules[-1].get_last_lr()[0])
    return lrs


def our_lrs(chain: Sequence[tuple[str, dict[str, Any]]], epochs: int) -> list[float]:
    opt = SGD([Value(0.0)], lr=0.3)
    schedules = [OURS[name](opt, **kw) for name, kw in chain]
    lrs = [schedules[-1].get_last_lr()[0]]
    for _ in range(epochs):
        for s in schedules:
            s.step()
        assert opt.lr == schedules[-1].get_last_lr()[0]
        lrs.append(opt.lr)
    return lrs


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULES, ids=str)
def test_schedules_give_torchs_learning_rates(name: str, kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = our_lrs([(name, kwargs)], 60), their_lrs(torch, [(name, kwargs)], 60)
    gaps = [relative_gap(a, b) for a, b in zip(ours, theirs, strict=True)]
    assert max(gaps) <= RTOL, list(zip(ours, theirs, strict=True))


def test_chained_schedules_compose_as_torchs() -> None:
    torch = pytest.importorskip("torch")
    chain: list[tuple[str, dict[str, Any]]] = [
        ("LinearLR", {"start_factor": 0.1, "total_iters": 5}),
        ("StepLR", {"step_size": 4}),
    ]
    ours, theirs = our_lrs(chain, 30), their_lrs(torch, chain, 30)
    assert max(relative_gap(a, b) for a, b in zip(ours, theirs, strict=True)) <= RTOL


def test_linear_lr_is_micrograds_hand_decay() -> None:
    # micrograd's demo.ipynb: `learning_rate = 1.0 - 0.9*k/100` at step k of 100. LinearLR
    # reaches it by a recurrence (torch's), so the floats differ from the closed form in the
    # last bits only: 1e-15 absolute on values between 0.1 and 1.
    opt = SGD([Value(0.0)], lr=1.0)
    schedule = LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)
    for k in range(100):
        assert opt.lr == pytest.approx(1.0 - 0.9 * k / 100, rel=0, abs=1e-15), k
        schedule.step()


# -- state dicts -------------------------------------------------------------------------------

RESUMABLE: list[tuple[type[Optimizer], dict[str, Any]]] = [
    (SGD, {"lr": 0.1}),
    (SGD, {"lr": 0.05, "momentum": 0.9, "dampening": 0.2}),
    (SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    (Adam, {"lr": 0.01, "weight_decay": 0.1}),
    (AdamW, {"lr": 0.02, "betas": (0.8, 0.95)}),
]


@pytest.mark.parametrize(("kind", "kwargs"), RESUMABLE, ids=str)
def test_resuming_from_a_state_dict_gives_the_same_numbers(
    kind: type[Optimizer], kwargs: dict[str, Any]
) -> None:
    model, params = problem()
    opt = kind(params, **kwargs)
    train(model, opt, 20)
    saved = opt.state_dict()
    text = json.dumps(saved)
    assert json.loads(text) == saved  # plain JSON types: floats round-trip exactly
    at_20 = [p.data for p in params]
    straight_on = train(model, opt, 30)

    fresh_model, fresh_params = problem(seed=1)
    for p, x in zip(fresh_params, at_20, strict=True):
        p.data = x
    fresh = kind(fresh_params)  # default settings: the state dict brings the run's own
    fresh.load_state_dict(json.loads(text))
    assert fresh.state_dict() == saved
    assert train(fresh_model, fresh, 30) == straight_on


def test_state_dict_layout() -> None:
    w = Value(1.0)
    sgd = SGD([w, Value(2.0)], lr=0.1, momentum=0.9)
    assert sgd.state_dict() == {
        "optimizer": "SGD",
        "hyperparameters": {
            "lr": 0.1,
            "momentum": 0.9,
            "dampening": 0.0,
            "weight_decay": 0.0,
            "nesterov": False,
        },
        "steps": 0,
        "state": {},  # torch's momentum buffer is None until the first step
    }
    w.grad = 1.0
    sgd.step()
    assert sgd.state_dict()["state"] == {"momentum_buffer": [1.0, 0.0]}
    adam = Adam([w], betas=(0.5, 0.9))
    assert adam.state_dict()["hyperparameters"]["betas"] == [0.5, 0.9]
    assert adam.state_dict()["state"] == {"exp_avg": [0.0], "exp_avg_sq": [0.0]}


def broken(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """A valid Adam state dict of two parameters after one step, changed by `change`."""
    a, b = Value(1.0), Value(-2.0)
    a.grad, b.grad = 0.5, 0.25
    opt = Adam([a, b], lr=0.5)
    opt.step()
    state: dict[str, Any] = json.loads(json.dumps(opt.state_dict()))
    change(state)
    return state


BAD_STATES: list[tuple[str, dict[str, Any], type[Exception], tuple[str, ...]]] = [
    (
        "another optimizer",
        broken(lambda s: s.update(optimizer="AdamW")),
        ShapeError,
        ("state_dict['optimizer'] is 'AdamW'",),
    ),
    ("no steps", broken(lambda s: s.pop("steps")), ShapeError, ("missing ['steps']",)),
    ("extra key", broken(lambda s: s.update(epoch=3)), ShapeError, ("unexpected ['epoch']",)),
    (
        "no eps",
        broken(lambda s: s["hyperparameters"].pop("eps")),
        ShapeError,
        ("state_dict['hyperparameters']", "missing ['eps']"),
    ),
    (
        "lr < 0",
        broken(lambda s: s["hyperparameters"].update(lr=-0.1)),
        SettingError,
        ("state_dict['hyperparameters']['lr']", "-0.1"),
    ),
    (
        "lr a str",
        broken(lambda s: s["hyperparameters"].update(lr="fast")),
        OperandTypeError,
        ("['lr']", "'fast'"),
    ),
    (
        "three betas",
        broken(lambda s: s["hyperparameters"].update(betas=[0.9, 0.99, 0.999])),
        OperandTypeError,
        ("['betas']",),
    ),
    ("steps < 0", broken(lambda s: s.update(steps=-1)), SettingError, ("['steps']", "-1")),
    ("steps 1.5", broken(lambda s: s.update(steps=1.5)), OperandTypeError, ("['steps']", "1.5")),
    (
        "short buffer",
        broken(lambda s: s["state"]["exp_avg"].pop()),
        ShapeError,
        ("['exp_avg']", "1 entries", "2 parameters"),
    ),
    (
        "no buffer",
        broken(lambda s: s["state"].pop("exp_avg_sq")),
        ShapeError,
        ("state_dict['state']", "missing ['exp_avg_sq']"),
    ),
    (
        "SGD's buffer",
        broken(lambda s: s["state"].update(momentum_buffer=[0.0, 0.0])),
        ShapeError,
        ("unexpected ['momentum_buffer']",),
    ),
    (
        "a str in a buffer",
        broken(lambda s: s["state"]["exp_avg"].__setitem__(1, "x")),
        OperandTypeError,
        ("['exp_avg'][1]", "'x'"),
    ),
    (
        "a buffer not a list",
        broken(lambda s: s["state"].update(exp_avg=0.5)),
        OperandTypeError,
        ("['exp_avg']", "0.5 (type float)"),
    ),
    (
        "state not a dict",
        broken(lambda s: s.update(state=[1.0])),
        OperandTypeError,
        ("state_dict['state']", "dict"),
    ),
]


@pytest.mark.parametrize(
    ("state", "error", "words"), [b[1:] for b in BAD_STATES], ids=[b[0] for b in BAD_STATES]
)
def test_a_wrong_state_dict_is_refused_and_changes_nothing(
    state: dict[str, Any], error: type[Exception], words: Sequence[str]
) -> None:
    opt = Adam([Value(3.0), Value(4.0)], lr=0.01)
    opt.params[0].grad = 1.0
    opt.step()
    before = opt.state_dict()
    with pytest.raises(error) as info:
        opt.load_state_dict(state)
    assert all(w in str(info.value) for w in words), str(info.value)
    assert "Adam.load_state_dict" in str(info.value)
    assert opt.state_dict() == before


def test_a_state_dict_must_be_a_dict() -> None:
    with pytest.raises(OperandTypeError, match="state_dict must be a dict, got 'x'"):
        SGD([Value(1.0)], lr=0.1).load_state_dict(wrong("x"))


def test_sgd_momentum_buffer_may_be_loaded_into_a_fresh_sgd() -> None:
    a = Value(1.0)
    a.grad = 2.0
    opt = SGD([a], lr=0.1, momentum=0.5)
    opt.step()
    fresh = SGD([Value(a.data)], lr=0.1)
    fresh.load_state_dict(opt.state_dict())
    assert (fresh.momentum, fresh.state) == (0.5, {"momentum_buffer": [2.0]})
