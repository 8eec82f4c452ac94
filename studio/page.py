"""The lecture page: index.html beside lecture.mp4, static, for a browser with no server and no network.

It shows the lecture video with captions (WebVTT converted from lecture.srt) and chapters (one per
scene, listed with the scene's steps), each scene's clip with a small thumbnail, each scene's numbers
(value, what it is, where the engine computed it), the lecture file that made it, and download links.
Plain HTML and CSS, in the lecture's theme; a few lines of script only to seek the video to a step.

Chromium refuses <track> files from file:// pages (every file URL is its own origin), so the tracks
are embedded as data: URLs; the .vtt files are written beside the page too, for download.
"""

from __future__ import annotations

import base64
import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import srt

from studio.render import Renderer, SceneOutput, write_atomic

THUMB_WIDTH = 320


@dataclass(frozen=True)
class Chapter:
    name: str
    start: float
    end: float
    summary: str
    steps: list[tuple[str, float | None, str]]  # (step name, start in the lecture when recorded, narration)


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def srt_to_vtt(text: str) -> str:
    """WebVTT from SubRip text (same cues, WebVTT's header and time format)."""
    cues = [
        f"{_vtt_time(sub.start.total_seconds())} --> {_vtt_time(sub.end.total_seconds())}\n{sub.content}"
        for sub in srt.parse(text)
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + ("\n" if cues else "")


def chapters_vtt(chapters: list[Chapter]) -> str:
    cues = [f"{_vtt_time(c.start)} --> {_vtt_time(c.end)}\n{c.name}" for c in chapters]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def _caption_at(path: Path | None, start: float | None) -> str:
    """The caption that starts with a step (within a frame's time), or ''."""
    if path is None or start is None or not path.exists():
        return ""
    cues = srt.parse(path.read_text(encoding="utf-8"))
    return next((c.content for c in cues if abs(c.start.total_seconds() - start) < 0.06), "")


def chapters_of(outputs: list[SceneOutput]) -> list[Chapter]:
    from studio import catalog

    summaries = {e.name: e.summary for e in catalog.scenes()}
    chapters, t = [], 0.0
    for o in outputs:
        manifest = json.loads(o.manifest.read_text())
        names = manifest.get("steps", [])
        times = manifest.get("step_times") or [None] * len(names)
        said = manifest.get("narration", {})  # a step's whole narration: all of its captions
        steps = [(n, None if s is None else t + s, said.get(n) or _caption_at(o.srt, s))
                 for n, s in zip(names, times, strict=False)]
        chapters.append(Chapter(o.name, t, t + o.duration, summaries.get(o.name, ""), steps))
        t += o.duration
    return chapters


def thumbnail(video: Path, out: Path, width: int = THUMB_WIDTH) -> None:
    """A small JPEG of the scene's last full frame (before it fades out)."""
    import av
    import numpy as np

    def last_full_frame(container, seek_to: float):
        # the last frame at nearly the fullest contrast: scenes end fading out, a fading frame is dim
        stream = container.streams.video[0]
        if seek_to > 0:
            container.seek(int(seek_to / stream.time_base), stream=stream)
        scored = []  # (contrast, the frame already shrunk to thumbnail size: 1080p frames are large)
        for frame in container.decode(stream):
            small = frame.reformat(width=width, height=round(frame.height * width / frame.width))
            scored.append((float(np.asarray(small.to_ndarray(format="gray"), np.float32).std()), small.to_image()))
        if not scored:
            return None
        best = max(s for s, _ in scored)
        return next(image for s, image in reversed(scored) if s >= 0.85 * best)

    with av.open(str(video)) as container:
        length = float(container.duration or 0) / 1_000_000  # microseconds
        chosen = last_full_frame(container, max(0.0, length - 4.0))  # the end only: cheap
    if chosen is None:
        raise ValueError(f"{video} has no frames")
    tmp = out.with_name(f".{out.name}.part")
    chosen.save(tmp, format="JPEG", quality=82)
    tmp.replace(out)


def _data_url(text: str) -> str:
    return "data:text/vtt;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m}:{s:02d}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def write_page(renderer: Renderer, outputs: list[SceneOutput], joined: tuple[Path, Path]) -> Path:
    """index.html (and its captions, chapters, thumbnails, lecture file) beside lecture.mp4."""
    out = renderer.out
    video, subs = joined
    lecture = renderer.lecture
    chapters = chapters_of(outputs)
    captions = srt_to_vtt(subs.read_text(encoding="utf-8"))
    chapter_track = chapters_vtt(chapters)
    write_atomic(out / "lecture.vtt", captions.encode("utf-8"))
    write_atomic(out / "chapters.vtt", chapter_track.encode("utf-8"))
    lecture_copy = out / f"lecture-file{lecture.path.suffix}"
    write_atomic(lecture_copy, renderer.lecture_bytes)
    thumbs = out / "thumbs"
    thumbs.mkdir(exist_ok=True)
    for o in outputs:
        thumb = thumbs / f"{o.name}.jpg"
        if not thumb.exists() or thumb.stat().st_mtime_ns < o.video.stat().st_mtime_ns:
            thumbnail(o.video, thumb)
    page = _page(renderer, outputs, chapters, video, captions, chapter_track, lecture_copy)
    write_atomic(out / "index.html", page.encode("utf-8"))
    for stale in thumbs.iterdir():  # thumbnails of scenes no longer in the lecture
        if stale.stem not in {o.name for o in outputs}:
            stale.unlink() if stale.is_file() else shutil.rmtree(stale)
    return out / "index.html"


CSS = """
:root { color-scheme: dark; --bg: #111418; --fg: #e8e6e3; --muted: #a8b0b8; --card: #1b2027;
  --line: #2e3742; --accent: #58c4dd; }
html[data-theme="light"] { color-scheme: light; --bg: #fbfaf7; --fg: #1d232a; --muted: #55606b;
  --card: #ffffff; --line: #d9dde2; --accent: #1f6f8b; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.5;
  font: clamp(16px, 1.1vw + 12px, 22px)/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem clamp(0.75rem, 3vw, 2.5rem) 4rem; }
h1 { font-size: 1.8em; margin: 0.5em 0 0.2em; } h2 { font-size: 1.35em; margin: 1.6em 0 0.5em; }
h3 { font-size: 1.1em; margin: 0 0 0.3em; }
a { color: var(--accent); } p.meta { color: var(--muted); margin: 0 0 1em; }
video { width: 100%; height: auto; background: #000; border-radius: 6px; display: block; }
nav.chapters ol { padding-left: 1.4em; } nav.chapters li { margin: 0.3em 0; }
nav.chapters ul { margin: 0.2em 0 0.6em; padding-left: 1.2em; color: var(--muted); font-size: 0.9em; }
.time { font-variant-numeric: tabular-nums; color: var(--muted); margin-right: 0.4em; }
section.scene { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 1em; margin: 1.2em 0; }
.scene-head { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
.scene-head img { width: min(100%, 320px); height: auto; border-radius: 4px; border: 1px solid var(--line); }
.scene-head div { flex: 1 1 16em; }
details { margin-top: 0.8em; } summary { cursor: pointer; }
.table-wrap { overflow-x: auto; } table { border-collapse: collapse; width: 100%; font-size: 0.85em; }
th, td { text-align: left; padding: 0.3em 0.6em; border-bottom: 1px solid var(--line); vertical-align: top; }
td.value { font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 0.8em;
  overflow-x: auto; font-size: 0.8em; }
ul.downloads { columns: 2 16em; }
"""

SCRIPT = """
document.querySelectorAll('a[data-t]').forEach(function (a) {
  a.addEventListener('click', function (ev) {
    var v = document.getElementById('lecture');
    ev.preventDefault(); v.currentTime = parseFloat(a.dataset.t); v.play();
    v.scrollIntoView({behavior: 'smooth'});
  });
});
"""


def _seek(label: str, t: float) -> str:
    return f'<a href="#" data-t="{t:.3f}"><span class="time">{_clock(t)}</span>{_e(label)}</a>'


def _numbers_table(manifest: dict) -> str:
    rows = "".join(
        f'<tr><td class="value">{_e(n["text"])}</td><td><code>{_e(n["label"])}</code></td>'
        f"<td><code>{_e(n['source'])}</code></td><td>{_e(n['step'])}</td></tr>"
        for n in manifest.get("numbers", [])
    )
    if not rows:
        return "<p class='meta'>This scene shows no computed numbers.</p>"
    return (
        '<div class="table-wrap"><table><thead><tr><th>value</th><th>what it is</th>'
        "<th>where the engine computed it</th><th>step</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


def _page(
    renderer: Renderer,
    outputs: list[SceneOutput],
    chapters: list[Chapter],
    video: Path,
    captions: str,
    chapter_track: str,
    lecture_copy: Path,
) -> str:
    lecture = renderer.lecture
    theme = "light" if lecture.theme == "light" else "dark"
    total = chapters[-1].end if chapters else 0.0
    nav = []
    for c in chapters:
        steps = "".join(
            f"<li>{_seek(n, t) if t is not None else _e(n)}{f' <span>{_e(cap)}</span>' if cap else ''}</li>"
            for n, t, cap in c.steps
        )
        nav.append(f"<li>{_seek(c.name, c.start)}<ul>{steps}</ul></li>")
    scenes = []
    for o, c in zip(outputs, chapters, strict=True):
        manifest = json.loads(o.manifest.read_text())
        count = len(manifest.get("numbers", []))
        scenes.append(
            f'<section class="scene" id="{_e(o.name)}"><div class="scene-head">'
            f'<a href="{_e(o.video.name)}"><img src="thumbs/{_e(o.name)}.jpg" alt="{_e(o.name)}, last frame" '
            f'width="{THUMB_WIDTH}"></a><div><h3>{_e(o.name)}</h3><p>{_e(c.summary)}</p>'
            f'<p class="meta">{o.duration:.1f} s · {len(c.steps)} steps · {_seek("play in the lecture", c.start)}'
            f' · <a href="{_e(o.video.name)}">clip</a> · <a href="{_e(o.manifest.name)}">numbers (JSON)</a></p>'
            f"</div></div><details><summary>{count} numbers on screen</summary>{_numbers_table(manifest)}"
            "</details></section>"
        )
    downloads = [
        (video.name, "the whole lecture (mp4)"),
        ("lecture.srt", "captions (SubRip)"),
        ("lecture.vtt", "captions (WebVTT)"),
        ("chapters.vtt", "chapters (WebVTT)"),
        (lecture_copy.name, f"the lecture file ({lecture.path.name})"),
        ("index.json", "what was rendered (JSON)"),
    ] + [(o.video.name, f"{o.name} (clip)") for o in outputs]
    links = "".join(f'<li><a href="{_e(href)}" download>{_e(text)}</a></li>' for href, text in downloads)
    lecture_text = renderer.lecture_bytes.decode("utf-8", errors="replace")
    return f"""<!DOCTYPE html>
<html lang="en" data-theme="{theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(lecture.title)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>{_e(lecture.title)}</h1>
<p class="meta">{len(outputs)} scenes · {_clock(total)} · lecture file <code>{_e(lecture.path.name)}</code>
· {_e(theme)} theme</p>
<video id="lecture" controls preload="metadata" src="{_e(video.name)}" poster="thumbs/{_e(outputs[0].name)}.jpg">
<track kind="captions" label="English" srclang="en" src="{_data_url(captions)}" default>
<track kind="chapters" label="Scenes" srclang="en" src="{_data_url(chapter_track)}">
</video>
<nav class="chapters"><h2>Chapters</h2><ol>{"".join(nav)}</ol></nav>
<h2>Scenes</h2>
{"".join(scenes)}
<h2>The lecture file</h2>
<p class="meta">Everything above was computed from this file (<a href="{_e(lecture_copy.name)}">download</a>).</p>
<pre>{_e(lecture_text)}</pre>
<h2>Downloads</h2>
<ul class="downloads">{links}</ul>
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
