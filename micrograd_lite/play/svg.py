"""Mark up Graphviz's SVG of a graph so the player's script can find what it updates.

`render.to_svg` draws each Value `i` as a group titled `n<i>` (its record box: label, data,
grad, in that order), its op as `n<i>op` and each edge into the op as `n<j>->n<i>op`. Here
each such group gets a `data-mg-*` attribute with `i`, the box's last two texts the classes
`mg-data` and `mg-grad`, and every `id` the player's prefix, so that two players on one page
(a notebook) never share an id. The SVG is parsed and written back with ElementTree, so every
label stays escaped text, never markup.

    >>> svg = ('<svg xmlns="http://www.w3.org/2000/svg"><g id="node1" class="node">'
    ...        '<title>n0</title><text>a&lt;b</text><text>data 2</text><text>grad 1</text>'
    ...        '</g></svg>')
    >>> print(mark_up(svg, "p1").replace("><", ">\\n<"))
    <svg xmlns="http://www.w3.org/2000/svg">
    <g id="p1-node1" class="node" data-mg-node="0">
    <title>n0</title>
    <text>a&lt;b</text>
    <text class="mg-data">data 2</text>
    <text class="mg-grad">grad 1</text>
    </g>
    </svg>
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
_NODE = re.compile(r"n(\d+)")
_OP = re.compile(r"n(\d+)op")
_EDGE = re.compile(r"n\d+->n(\d+)op(?::\w+)*")  # ports: n0->n2op:i0:w


def mark_up(svg: str, prefix: str) -> str:
    """`svg` (Graphviz's output, XML declaration and doctype included) as one `<svg>` element,
    marked up for the player (see the module docstring)."""
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    root = ET.fromstring(svg[svg.index("<svg") :])  # the doctype names a DTD: leave it out
    for element in root.iter():
        if "id" in element.attrib:
            element.set("id", f"{prefix}-{element.get('id')}")
    for group in root.iter(f"{{{SVG}}}g"):
        title = group.find(f"{{{SVG}}}title")
        text = (title.text or "").strip() if title is not None else ""
        if (match := _NODE.fullmatch(text)) is not None:
            group.set("data-mg-node", match[1])
            texts = list(group.iter(f"{{{SVG}}}text"))
            if len(texts) >= 2:  # a record box: [label,] data, grad
                texts[-2].set("class", "mg-data")
                texts[-1].set("class", "mg-grad")
        elif (match := _OP.fullmatch(text)) is not None:
            group.set("data-mg-op", match[1])
        elif (match := _EDGE.fullmatch(text)) is not None:
            group.set("data-mg-edge", match[1])
    return ET.tostring(root, encoding="unicode")
