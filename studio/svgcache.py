"""Formulas' glyphs parsed once for all processes, beside the shared LaTeX cache.

Manim turns a formula's svg into glyph mobjects with svgelements (tens of ms
per formula) and keeps the result only for the process (SVG_HASH_TO_MOB_MAP),
so every preview parsed every formula again. Here the glyphs it builds
(`generate_mobject`: the submobjects and `id_to_vgroup_dict`) are pickled into
`Glyphs/` beside the shared LaTeX folder (which holds only svgs), keyed by
everything they are built from: the svg as manim rewrites it (with its
default style), the class, its path options, the renderer and the versions
of manim and svgelements. A later build loads them instead: the same
objects with the same values, as the first build made them.
A file is written under a temporary name in the cache root (where
`clean_stale` finds what a killed process left) and renamed into place; an
unreadable file is built again. Only TeX formulas use it (Text and others as
manim has them).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import xml.etree.ElementTree as ET
from pathlib import Path

FORMAT = 1  # bump when what is stored changes
_state: dict[str, Path] = {}


def _key(mob) -> str:
    import manim
    import svgelements
    from manim import config

    tree = mob.modify_xml_tree(ET.parse(mob.get_file_path()))
    parts = (FORMAT, manim.__version__, svgelements.SVGELEMENTS_VERSION, type(mob).__qualname__,
             repr(sorted(mob.path_string_config.items())), str(config.renderer))
    digest = hashlib.sha256(repr(parts).encode())
    digest.update(ET.tostring(tree.getroot()))
    return digest.hexdigest()[:32]


def _load(path: Path):
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # missing, or written by a killed process: build it again
        return None


def _store(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent.parent / f".{path.name}.{os.getpid()}.part"
    tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)


def _cached_generate_mobject(original):
    def generate_mobject(self):
        from manim import RIGHT, SingleStringMathTex

        folder = _state.get("dir")
        if folder is None or not isinstance(self, SingleStringMathTex):
            return original(self)
        path = folder / f"{_key(self)}.glyphs.pickle"
        stored = _load(path)
        if stored is None:
            original(self)
            _store(path, (list(self.submobjects), self.id_to_vgroup_dict))
            return self
        glyphs, groups = stored
        self.flip(RIGHT)  # as original() flips the whole family: here only self's own sheen direction turns
        self.add(*glyphs)  # stored flipped
        self.id_to_vgroup_dict = groups
        return self

    generate_mobject._glyph_cache = True
    return generate_mobject


def use_glyph_cache(tex_dir: Path) -> None:
    """Keep and reuse TeX formulas' parsed glyphs beside the shared LaTeX cache `tex_dir`."""
    from manim.mobject.svg.svg_mobject import SVGMobject

    _state["dir"] = tex_dir.parent / "Glyphs"
    if not getattr(SVGMobject.generate_mobject, "_glyph_cache", False):
        SVGMobject.generate_mobject = _cached_generate_mobject(SVGMobject.generate_mobject)
