"""The lecture as a manim-slides presentation: one slide per step of each scene.

A slide variant of a scene is built by composition: a class with the scene's
name whose bases are `StepSlides`, manim-slides' `Slide` and the scene class.
`LessonScene.step` calls `on_step` as each step starts; `StepSlides.on_step`
closes the previous step's slide there (manim-slides adds the first and the
last slide boundary itself). The animation of a step plays, then the
presentation waits for the presenter.

Each scene renders in its own process and media folder (as studio.render
does); its slides land in renders/<lecture>/<quality>/slides/ (manim-slides'
own layout: <Scene>.json and files/<Scene>/), then the presentation is
exported to lecture.pptx and lecture.html. For the HTML, reveal.js is taken
from the npm registry (`npm pack`, once, cached) and put beside it, so the
page opens with no network; without npm it falls back to manim-slides' CDN.

Narration: a scene may add sound inside a step (`self.add_sound`). manim-slides
cuts slides from manim's partial movies, which carry no sound, so after the
render each slide gets the matching stretch of the scene's full movie's audio.

Worker usage (one scene, in its own process):
    python -m studio.slides TEX_DIR MODULE SCENE QUALITY_FLAG WORK_DIR
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.lecture import LECTURE_ENV, Lecture
from studio.catalog import SceneEntry
from studio.render import QUALITIES, ROOT, Renderer, RenderError, _sha, file_lock, write_atomic

# The files manim-slides' reveal.js template loads from its `cdn_url`.
REVEAL_FILES = (
    "dist/reveal.css",
    "dist/reveal.js",
    "dist/theme/black.css",
    "dist/theme/white.css",
    "dist/plugin/highlight/zenburn.css",
    "dist/plugin/notes.js",
    "dist/plugin/markdown.js",
)


class StepSlides:
    """Mixin: a new slide at the start of every step but the first."""

    steps: list[str]

    def on_step(self, name: str) -> None:
        if len(self.steps) > 1:  # step() has appended `name`: a previous step exists
            if self._current_animation == self._start_animation:
                # a step without animation would merge into the next slide: show its state briefly
                self.wait(0.5)
            self.next_slide()
        super().on_step(name)

    @property
    def _background_color(self) -> str:
        # LessonScene sets the camera's background from the theme as a hex string, not a ManimColor
        from manim import ManimColor

        return ManimColor(self.camera.background_color).to_hex()

    def tear_down(self) -> None:
        if self.steps and self._current_animation == self._start_animation:
            self.wait(0.5)  # the last step showed no animation: still one slide of its own
        super().tear_down()


def slide_class(scene_cls: type) -> type:
    """The slide variant of a lesson scene (same name, so its files are named after the scene)."""
    from manim_slides import Slide

    return type(scene_cls.__name__, (StepSlides, Slide, scene_cls), {"__module__": scene_cls.__module__})


# --- one scene, in its own process ------------------------------------------------


def _worker(tex_dir: Path, module: str, name: str, flag: str, work: Path) -> None:
    from manim import tempconfig
    from manim.constants import QUALITIES as MANIM_QUALITIES

    from studio.texlock import share_tex_cache

    share_tex_cache(tex_dir)
    quality = next(q for q, v in MANIM_QUALITIES.items() if v["flag"] == flag)
    scene_cls = slide_class(getattr(importlib.import_module(module), name))
    os.chdir(work)  # manim-slides writes ./slides/, with paths relative to it
    settings = {
        "quality": quality,
        "media_dir": str(work / "media"),
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "WARNING",
    }
    with tempconfig(settings):
        scene = scene_cls()
        scene.render()
        movie = Path(scene.renderer.file_writer.movie_file_path)
    (work / "movie.txt").write_text(str(movie))


# --- narration: the scene movie's audio, cut per slide -----------------------------


def attach_audio(slides: list[Path], movie: Path) -> bool:
    """Give each slide video its stretch of `movie`'s sound; False when the movie has none.

    The slides follow each other in the movie, so slide i starts where slide i-1 ends. A stretch past
    the end of the sound (manim stops the track at its last sound) is filled with silence, so every
    slide carries sound exactly as long as its video.
    """
    from studio.video import probe

    sound = _decode_sound(movie)
    if sound is None:
        return False
    samples, rate, layout = sound
    start = 0.0
    for clip in slides:
        length = probe(clip).duration
        first, count = round(start * rate), round(length * rate)
        stretch = samples[:, first : first + count]
        if stretch.shape[1] < count:
            stretch = np.pad(stretch, ((0, 0), (0, count - stretch.shape[1])))
        _mux_audio(clip, stretch, rate, layout)
        start += length
    return True


def _decode_sound(movie: Path) -> tuple[np.ndarray, int, str] | None:
    """The movie's sound as float samples (channels x samples) from time 0, its rate and layout."""
    import av

    with av.open(str(movie)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate or 48000
        layout = stream.codec_context.layout.name if stream.codec_context.layout else "stereo"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        chunks, lead = [], None
        for frame in container.decode(stream):
            if lead is None:  # a track that starts late is preceded by silence
                lead = max(0, round(float(frame.pts * stream.time_base) * rate)) if frame.pts is not None else 0
            chunks.extend(f.to_ndarray() for f in resampler.resample(frame))
        chunks.extend(f.to_ndarray() for f in resampler.resample(None))
    channels = len(av.AudioLayout(layout).channels)
    body = np.concatenate(chunks, axis=1) if chunks else np.zeros((channels, 0), np.float32)
    return np.pad(body, ((0, 0), (lead or 0, 0))), rate, layout


def _mux_audio(clip: Path, samples: np.ndarray, rate: int, layout: str) -> None:
    """Rewrite `clip` with its video packets as they are and `samples` as its AAC sound."""
    import av

    out_path = clip.with_name(clip.stem + ".sound" + clip.suffix)
    with av.open(str(clip)) as video_in, av.open(str(out_path), "w") as out:
        v_in = video_in.streams.video[0]
        v_out = out.add_stream_from_template(v_in)
        a_out = out.add_stream("aac", rate=rate, layout=layout)
        for packet in video_in.demux(v_in):
            if packet.dts is None:
                continue
            packet.stream = v_out
            out.mux(packet)
        step = 1024  # AAC's frame size
        for i in range(0, samples.shape[1], step):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(samples[:, i : i + step], dtype=np.float32), format="fltp", layout=layout
            )
            frame.sample_rate, frame.pts = rate, i
            for packet in a_out.encode(frame):
                out.mux(packet)
        for packet in a_out.encode(None):
            out.mux(packet)
    os.replace(out_path, clip)


# --- the presentation ---------------------------------------------------------------


@dataclass(frozen=True)
class SceneSlides:
    name: str
    config: Path  # <Scene>.json, manim-slides' configuration
    slides: int
    steps: int
    narrated: bool
    rendered: bool


@dataclass(frozen=True)
class Presentation:
    folder: Path  # manim-slides' folder (--folder for present/convert)
    scenes: list[SceneSlides]
    pptx: Path
    html: Path
    offline_html: bool  # reveal.js sits beside the HTML


class SlideMaker:
    """Renders scenes of one lecture as slides at one quality, and exports them."""

    def __init__(self, lecture: Lecture, quality: str, out_root: Path):
        self.renderer = Renderer(lecture, quality, "slides", out_root)  # keys, paths, tex cache
        self.lecture, self.quality = lecture, quality
        self.folder = self.renderer.out / "slides"
        self.cache = out_root / ".cache"

    def _key(self, entry: SceneEntry) -> str:
        """The scene's render key, plus what turns a render into slides (this file, manim-slides)."""
        import manim_slides

        return _sha(self.renderer.key(entry).encode(), Path(__file__).read_bytes(), manim_slides.__version__.encode())

    def scene(self, entry: SceneEntry) -> SceneSlides:
        self.folder.mkdir(parents=True, exist_ok=True)
        key_file = self.folder / ".keys" / f"{entry.name}.json"
        with file_lock(self.folder / ".locks" / f"{entry.name}.lock"):
            try:
                recorded = json.loads(key_file.read_text())
                if recorded["key"] == self._key(entry) and (self.folder / f"{entry.name}.json").exists():
                    return SceneSlides(**{**recorded["scene"], "config": self.folder / f"{entry.name}.json"})
            except (OSError, ValueError, KeyError, TypeError):
                pass
            work = self.folder / ".work" / f"{entry.name}-{os.getpid()}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            try:
                made = self._render_in(entry, work)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            key_file.parent.mkdir(parents=True, exist_ok=True)
            record = {k: v for k, v in made.__dict__.items() if k != "config"}
            write_atomic(key_file, json.dumps({"key": self._key(entry), "scene": record}).encode())
            return made

    def _render_in(self, entry: SceneEntry, work: Path) -> SceneSlides:
        flag = QUALITIES[self.quality][0]
        manifest = work / "numbers.json"
        env = dict(os.environ, **{LECTURE_ENV: str(self.lecture.path), "BACKPROP_MANIFEST": str(manifest)})
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        cmd = [sys.executable, "-m", "studio.slides", str(self.renderer.tex_dir), entry.module, entry.name, flag]
        log = work / "manim.log"
        with open(log, "w") as handle:
            proc = subprocess.run([*cmd, str(work)], cwd=work, env=env, stdout=handle, stderr=subprocess.STDOUT)
        if proc.returncode != 0:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
            raise RenderError(f"slides of {entry.name} failed (exit {proc.returncode}):\n{tail}")
        config_file = work / "slides" / f"{entry.name}.json"
        slides = json.loads(config_file.read_text())["slides"]
        steps = json.loads(manifest.read_text())["steps"]
        if len(slides) != len(steps):
            raise RenderError(f"slides of {entry.name}: {len(slides)} slides for {len(steps)} steps")
        clips = [work / s["file"] for s in slides]
        narrated = attach_audio(clips, Path((work / "movie.txt").read_text()))
        # files first, configuration last: a configuration never names missing files
        target_files = self.folder / "files" / entry.name
        shutil.rmtree(target_files, ignore_errors=True)
        target_files.parent.mkdir(parents=True, exist_ok=True)
        os.replace(work / "slides" / "files" / entry.name, target_files)
        os.replace(config_file, self.folder / f"{entry.name}.json")
        return SceneSlides(entry.name, self.folder / f"{entry.name}.json", len(slides), len(steps), narrated, True)

    def export(self, scenes: list[SceneSlides]) -> tuple[Path, Path, bool]:
        """lecture.pptx and lecture.html (with reveal.js beside it when npm can fetch it)."""
        names = [s.name for s in scenes]
        pptx, html = self.folder / "lecture.pptx", self.folder / "lecture.html"
        staging = self.folder / f".export-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            self._convert("pptx", names, staging / pptx.name, [])
            reveal = self.reveal_js()
            options = [
                f"-ctitle={self.lecture.title}",
                f"-creveal_theme={'white' if self.lecture.theme == 'light' else 'black'}",
            ]
            if reveal is not None:
                assets = staging / "lecture_assets" / "revealjs"
                for rel in REVEAL_FILES:
                    (assets / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(reveal / rel, assets / rel)
                options.append("-ccdn_url=lecture_assets/revealjs")  # relative to lecture.html
            self._convert("html", names, staging / html.name, options)
            # the page's videos and reveal.js first, the page last
            shutil.rmtree(self.folder / "lecture_assets", ignore_errors=True)
            os.replace(staging / "lecture_assets", self.folder / "lecture_assets")
            os.replace(staging / pptx.name, pptx)
            os.replace(staging / html.name, html)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return pptx, html, reveal is not None

    def _convert(self, to: str, names: list[str], dest: Path, options: list[str]) -> None:
        cmd = [sys.executable, "-m", "manim_slides", "convert", "--folder", str(self.folder), "--to", to]
        proc = subprocess.run([*cmd, *options, *names, str(dest)], capture_output=True, text=True)
        if proc.returncode != 0 or not dest.exists():
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
            raise RenderError(f"manim-slides could not export {dest.name}:\n{tail}")

    def reveal_js(self) -> Path | None:
        """reveal.js at manim-slides' version, unpacked from the npm registry once; None without npm."""
        from manim_slides.convert import RevealJS

        version = RevealJS.model_fields["reveal_version"].default
        unpacked = self.cache / f"revealjs-{version}"
        if all((unpacked / rel).is_file() for rel in REVEAL_FILES):
            return unpacked
        npm = shutil.which("npm")
        if npm is None:
            return None
        with file_lock(self.cache / "revealjs.lock"):
            pack_dir = self.cache / f".revealjs-{os.getpid()}"
            pack_dir.mkdir(parents=True, exist_ok=True)
            try:
                proc = subprocess.run(
                    [npm, "pack", f"reveal.js@{version}", "--silent", "--pack-destination", str(pack_dir)],
                    capture_output=True, text=True, timeout=300,
                )  # fmt: skip
                tarballs = list(pack_dir.glob("*.tgz"))
                if proc.returncode != 0 or not tarballs:
                    return None
                staging = pack_dir / "unpacked"
                with tarfile.open(tarballs[0]) as tar:
                    for rel in REVEAL_FILES:
                        member = tar.getmember(f"package/{rel}")
                        data = tar.extractfile(member)
                        if data is None:
                            return None
                        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                        (staging / rel).write_bytes(data.read())
                shutil.rmtree(unpacked, ignore_errors=True)
                os.replace(staging, unpacked)
            except (OSError, subprocess.TimeoutExpired, KeyError, tarfile.TarError):
                return None
            finally:
                shutil.rmtree(pack_dir, ignore_errors=True)
        return unpacked

    def make(
        self, entries: list[SceneEntry], progress: Callable[[str, SceneEntry], None] | None = None
    ) -> Presentation:
        made = []
        for entry in entries:  # one at a time: slide renders are heavy and the exports need all
            if progress:
                progress("start", entry)
            try:
                made.append(self.scene(entry))
            except RenderError:
                if progress:
                    progress("failed", entry)
                raise
            if progress:
                progress("done", entry)
        pptx, html, offline = self.export(made)
        return Presentation(self.folder, made, pptx, html, offline)


if __name__ == "__main__":
    _worker(Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], Path(sys.argv[5]))
