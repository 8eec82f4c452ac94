"""The lecture page (index.html beside lecture.mp4), opened from the file system in headless Chromium."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import srt
from browser import Chromium, chromium_path

from engine.lecture import load_lecture
from studio import catalog
from studio.page import srt_to_vtt, write_page
from studio.render import Renderer
from studio.video import probe


def test_srt_becomes_webvtt() -> None:
    text = "1\n00:00:01,500 --> 00:00:03,250\nFirst line.\n\n2\n01:02:03,004 --> 01:02:04,000\nSecond\ntwo lines.\n"
    assert srt_to_vtt(text) == (
        "WEBVTT\n\n00:00:01.500 --> 00:00:03.250\nFirst line.\n\n01:02:03.004 --> 01:02:04.000\nSecond\ntwo lines.\n"
    )


@pytest.fixture(scope="module")
def lecture_page(tmp_path_factory) -> tuple[Renderer, list, tuple[Path, Path], Path]:
    """A small full render: two scenes joined as the CLI joins a whole lecture, and its page."""
    out = tmp_path_factory.mktemp("page")
    renderer = Renderer(load_lecture(None), "low", "mp4", out)
    outputs = renderer.render_all([catalog.find("TitleCard"), catalog.find("Recap")], jobs=2)
    joined = renderer.join(outputs)
    page = write_page(renderer, outputs, joined)
    renderer.write_index(outputs, joined)
    return renderer, outputs, joined, page


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "poster") and value:
                self.refs.append(value)


@pytest.mark.render
def test_page_files_and_links_resolve(lecture_page) -> None:
    renderer, outputs, (video, _), page = lecture_page
    text = page.read_text()
    parser = _Refs()
    parser.feed(text)
    local = [r for r in parser.refs if r != "#" and not r.startswith("data:")]
    assert not [r for r in local if re.match(r"[a-z]+:", r)], "the page must not reach out of its folder"
    for ref in local:
        assert (page.parent / ref).is_file(), ref
    assert {"lecture.mp4", "lecture.srt", "lecture.vtt", "chapters.vtt", "index.json"} <= set(local)
    for o in outputs:  # each scene: its clip, its thumbnail, its numbers with their engine sources
        assert o.video.name in local and f"thumbs/{o.name}.jpg" in local
        for n in json.loads(o.manifest.read_text())["numbers"]:
            assert n["source"].replace("'", "&#x27;").replace('"', "&quot;") in text or n["source"] in text
    chapters = text[text.index('<nav class="chapters">') : text.index("</nav>")]
    for o in outputs:  # the chapter list names every step with its caption
        for name in json.loads(o.manifest.read_text())["steps"]:
            assert f"</span>{name}</a>" in chapters
        for cue in srt.parse(o.srt.read_text()):
            assert html.escape(cue.content) in chapters
    assert renderer.lecture.path.read_text() in (page.parent / "lecture-file.toml").read_text()
    assert 'data-theme="dark"' in text


@pytest.mark.render
def test_page_follows_a_light_lecture(lecture_page, tmp_path: Path) -> None:
    _, outputs, joined, _ = lecture_page
    light = Renderer(load_lecture("wide"), "low", "mp4", tmp_path)
    light.out.mkdir(parents=True)
    assert 'data-theme="light"' in write_page(light, outputs, joined).read_text()


CHECK = """(async () => {
  const wait = (ok, ms) => new Promise(done => {
    const t0 = Date.now();
    (function poll() { if (ok() || Date.now() - t0 > ms) done(); else setTimeout(poll, 100); })();
  });
  const v = document.getElementById('lecture');
  const tracks = [...v.querySelectorAll('track')];
  tracks.forEach(t => { if (t.track.mode === 'disabled') t.track.mode = 'hidden'; });  // load them all
  await wait(() => v.readyState >= 1 && tracks.every(t => t.readyState >= 2), 20000);
  const images = [...document.images];
  await wait(() => images.every(i => i.complete), 10000);
  v.currentTime = 8;  // a frame with a caption, for the screenshot
  await wait(() => v.readyState >= 2 && !v.seeking, 10000);
  await new Promise(done => setTimeout(done, 500));
  return {
    ready: v.readyState, duration: v.duration, error: v.error ? v.error.code : null,
    tracks: tracks.map(t => ({kind: t.kind, state: t.readyState,
                              cues: t.track.cues ? [...t.track.cues].map(c => c.text) : null})),
    images: images.map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0})),
    seekLinks: document.querySelectorAll('a[data-t]').length,
  };
})()"""


@pytest.mark.render
def test_page_plays_in_chromium_from_the_file_system(lecture_page, tmp_path: Path) -> None:
    if chromium_path() is None:
        pytest.skip("no chromium installed (./render.sh test installs Debian's chromium as root)")
    _, outputs, (video, subs), page = lecture_page
    with Chromium(width=1280, height=1000) as browser:
        browser.open(page.as_uri())
        state = browser.evaluate(CHECK)
        shot = browser.screenshot(tmp_path / "page.png")
    assert state["error"] is None and state["ready"] >= 2
    assert state["duration"] == pytest.approx(probe(video).duration, abs=0.2)
    captions, chapters = state["tracks"]
    assert (captions["kind"], captions["state"], chapters["kind"], chapters["state"]) == (
        "captions", 2, "chapters", 2
    )  # fmt: skip
    assert captions["cues"] == [s.content for s in srt.parse(subs.read_text())] and captions["cues"]
    assert chapters["cues"] == [o.name for o in outputs]
    assert state["images"] and all(i["ok"] for i in state["images"]), state["images"]
    steps = sum(len(json.loads(o.manifest.read_text())["steps"]) for o in outputs)
    assert state["seekLinks"] == 2 * len(outputs) + steps  # chapter, its steps, "play in the lecture"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
