// The step-through player of micrograd_lite.play: it replays steps computed in Python
// (micrograd_lite/play/steps.py) on the marked-up Graphviz SVG beside it. No number is computed
// here: every data and grad shown comes from the engine, with the text Python formatted.
// Everything is looked up inside `root`, so players on one page (a notebook) stay apart.
// API (root.backprop, and window.backprop on a standalone page):
//   step(n)  advance n steps (negative: back), clamped to [0, steps]; returns state()
//   reset()  back to step 0 (nothing computed yet); returns state()
//   state()  {phase, step, steps, nodes: [{name, data, grad}]}, data/grad null while unknown
//   go(k), play(), pause()
function mgPlayer(root, data) {
  "use strict";
  var nodes = data.nodes, steps = data.steps, total = steps.length;
  var boxes = [], ops = [], edges = [];
  root.querySelectorAll("[data-mg-node]").forEach(function (g) {
    boxes[+g.getAttribute("data-mg-node")] = {
      g: g, data: g.querySelector(".mg-data"), grad: g.querySelector(".mg-grad")
    };
  });
  root.querySelectorAll("[data-mg-op]").forEach(function (g) {
    ops[+g.getAttribute("data-mg-op")] = g;
  });
  root.querySelectorAll("[data-mg-edge]").forEach(function (g) {
    var i = +g.getAttribute("data-mg-edge");
    (edges[i] = edges[i] || []).push(g);
  });
  var $ = function (cls) { return root.querySelector("." + cls); };
  var slider = $("mg-slider"), counter = $("mg-counter"), text = $("mg-text");
  var view = $("mg-graph");
  var playButton = $("mg-play");
  slider.max = String(total);
  var current = 0, timer = null;

  // The numbers after `k` steps: replayed from the start, each step's values as Python gave them.
  function numbers(k) {
    var d = nodes.map(function () { return null; });
    var g = nodes.map(function () { return null; });
    var gt = nodes.map(function () { return ""; });
    for (var s = 0; s < k; s++) {
      var st = steps[s];
      if (st.phase === "forward") {
        d[st.node] = nodes[st.node].data;
      } else {
        if (st.seed) {
          for (var j = 0; j < nodes.length; j++) { g[j] = 0; gt[j] = "0"; }
        }
        st.grads.forEach(function (c) { g[c[0]] = c[1]; gt[c[0]] = c[2]; });
      }
    }
    return {data: d, grad: g, gradText: gt};
  }

  // Scroll the picture (not the page) so the current box is in sight.
  function reveal(g) {
    var box = g.getBoundingClientRect(), frame = view.getBoundingClientRect();
    if (box.left < frame.left || box.right > frame.right) {
      view.scrollLeft += box.left - frame.left - (frame.width - box.width) / 2;
    }
    if (box.top < frame.top || box.bottom > frame.bottom) {
      view.scrollTop += box.top - frame.top - (frame.height - box.height) / 2;
    }
  }

  function mark(g, cls, on) { if (g) { g.classList.toggle(cls, on); } }

  function show() {
    var n = numbers(current), st = current > 0 ? steps[current - 1] : null;
    var inputs = {};
    if (st) { st.inputs.forEach(function (j) { inputs[j] = true; }); }
    boxes.forEach(function (b, i) {
      if (!b) { return; }
      var known = n.data[i] !== null;
      if (b.data) { b.data.textContent = "data " + (known ? nodes[i].text : "\u2013"); }
      if (b.grad) {
        b.grad.textContent = "grad " + (n.grad[i] !== null ? n.gradText[i] : "\u2013");
      }
      mark(b.g, "mg-pending", !known);
      mark(b.g, "mg-current", !!st && st.node === i);
      mark(b.g, "mg-input", !!inputs[i]);
    });
    ops.forEach(function (g, i) {
      mark(g, "mg-pending", n.data[i] === null);
      mark(g, "mg-current", !!st && st.node === i);
    });
    edges.forEach(function (list, i) {
      list.forEach(function (g) { mark(g, "mg-current", !!st && st.node === i); });
    });
    var title = st === null ? "Press \u25b6 or \u2192 to start the forward pass." :
      (st.phase === "forward" ? "Forward pass: " : "Backward pass: ") + nodes[st.node].title;
    text.textContent = "";
    [title].concat(st ? st.lines : []).forEach(function (line, k) {
      var div = document.createElement("div");
      div.className = k === 0 ? "mg-title" : "mg-line";
      div.textContent = line;  // text, never markup: labels are data
      text.appendChild(div);
    });
    if (st && boxes[st.node]) { reveal(boxes[st.node].g); }
    slider.value = String(current);
    counter.textContent = "step " + current + " / " + total;
    playButton.textContent = timer === null ? "\u25b6 play" : "\u275a\u275a pause";
  }

  function state() {
    var n = numbers(current);
    return {
      phase: current === 0 ? "start" : steps[current - 1].phase,
      step: current, steps: total,
      nodes: nodes.map(function (node, i) {
        return {name: node.name, data: n.data[i], grad: n.grad[i]};
      })
    };
  }

  function go(k) {
    k = Math.round(+k);
    current = isNaN(k) ? current : Math.max(0, Math.min(total, k));  // not a number: stay
    if (current === total) { pause(); }
    show();
    return state();
  }

  function pause() {
    if (timer !== null) { clearInterval(timer); timer = null; }
  }

  function play() {
    if (timer !== null) { return; }
    if (current === total) { current = 0; }
    timer = setInterval(function () { go(current + 1); }, data.interval);
    show();
  }

  var api = {
    step: function (n) { pause(); return go(current + (n === undefined ? 1 : +n)); },
    reset: function () { pause(); return go(0); },
    go: function (k) { pause(); return go(k); },
    state: state, play: play, pause: pause
  };
  var actions = {
    "mg-first": api.reset, "mg-prev": function () { api.step(-1); },
    "mg-next": function () { api.step(1); }, "mg-last": function () { api.go(total); },
    "mg-play": function () { if (timer === null) { play(); } else { pause(); show(); } },
    "mg-zoom": function () { root.classList.toggle("mg-fit"); }
  };
  Object.keys(actions).forEach(function (cls) {
    $(cls).addEventListener("click", function () { actions[cls](); root.focus(); });
  });
  slider.addEventListener("input", function () { api.go(slider.value); });
  root.addEventListener("keydown", function (e) {
    var keys = {ArrowRight: actions["mg-next"], ArrowLeft: actions["mg-prev"],
      Home: api.reset, End: actions["mg-last"], " ": actions["mg-play"]};
    if (keys[e.key] && e.target !== slider) { e.preventDefault(); keys[e.key](); }
  });
  $("mg-controls").hidden = false;
  root.backprop = api;
  go(0);
  return api;
}
