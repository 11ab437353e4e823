"""XOR with a bias-free ReLU network: first set by hand, then learned, checked by backward().

Run:  python examples/xor_by_hand.py

Two hidden ReLU units compute relu(a - b) and relu(b - a); their sum is |a - b|, which is XOR
on 0/1 inputs. So weights exist that solve XOR exactly without any bias. We set them by hand,
then start from Tom Martin's talk weights (3 hidden units) and let gradient descent find a
solution, and finally check one gradient of the trained network against the chain rule.
"""

from __future__ import annotations

from micrograd_lite import MLP, SGD, Value, squared_error

INPUTS = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
TARGETS = [0.0, 1.0, 1.0, 0.0]


def predict(model: MLP, x: tuple[float, float]) -> Value:
    out = model(list(x))
    assert isinstance(out, Value)  # one output neuron
    return out


# 1. By hand: hidden unit 1 = relu(a - b), unit 2 = relu(b - a), output = unit 1 + unit 2.
by_hand = MLP(2, [2, 1], bias=False, weights=[[[1.0, -1.0], [-1.0, 1.0]], [[1.0, 1.0]]])
print("by hand:", [predict(by_hand, x).data for x in INPUTS], "(targets", TARGETS, ")")

# 2. Learned: the talk's starting weights (column j of W_ih feeds hidden unit j), SGD per row.
w_ih = [[0.96003, 0.77081, 0.81631], [0.14657, 0.66646, -0.03392]]
w_ho = [0.70935, -0.94073, 0.44186]
model = MLP(2, [3, 1], bias=False, weights=[[list(col) for col in zip(*w_ih, strict=True)], [w_ho]])
optimizer = SGD(model.parameters(), lr=0.1)
for iteration in range(1, 61):
    error = 0.0
    for x, target in zip(INPUTS, TARGETS, strict=True):
        loss = squared_error(predict(model, x), target)  # (o - t)²
        error += loss.data
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if iteration == 1 or iteration % 10 == 0:
        print(f"iteration {iteration:2d}: error {error:.3e}")
print("learned:", [round(predict(model, x).data, 4) for x in INPUTS])

# 3. One gradient by hand. For input [1, 0] the loss is (o - t)² with o = Σ_j w_ho[j]·h_j, so
#    dL/dw_ho[j] = 2(o - t)·h_j. backward() must give exactly that.
out = predict(model, (1.0, 0.0))
loss = squared_error(out, 1.0)
optimizer.zero_grad()
loss.backward()
hidden_values = [neuron([1.0, 0.0]).data for neuron in model.layers[0].neurons]
output_weights = model.layers[1].neurons[0].w
for j, (h, w) in enumerate(zip(hidden_values, output_weights, strict=True)):
    by_formula = 2 * (out.data - 1.0) * h
    print(f"dL/dw_ho[{j}]: backward() {w.grad:+.6e}, formula 2(o - t)·h_j {by_formula:+.6e}")
