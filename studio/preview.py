"""Previews in seconds: the last frame (with content) as a PNG and a storyboard sheet with
one small frame per step, built by constructing the scene with every
animation skipped (no video is encoded)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from studio.catalog import SceneEntry
from studio.runner import construct

THUMB_WIDTH = 384
COLUMNS = 4
LABEL_HEIGHT = 26


@dataclass(frozen=True)
class Preview:
    name: str
    still: Path
    storyboard: Path
    steps: int
    duration: float
    layout_problems: tuple[str, ...]
    metrics: tuple[dict, ...] = ()  # per step: smallest text (px at 480p), caption speed, problems

    def report(self) -> str:
        """One line a teacher can read: length, the smallest text, the fastest caption, problems."""
        sizes = [m["smallest_text_px"] for m in self.metrics if m.get("smallest_text_px")]
        speeds = [m["caption_words_per_s"] for m in self.metrics if m.get("caption_words_per_s")]
        parts = [f"{self.name}: {self.steps} steps, {self.duration:.1f} s"]
        parts.append(f"smallest text {min(sizes):.1f} px" if sizes else "no text")
        if speeds:
            parts.append(f"captions up to {max(speeds):.1f} words/s")
        parts.append(f"{len(self.layout_problems)} problem(s)" if self.layout_problems else "no problems")
        return ", ".join(parts)


def storyboard_sheet(frames: list[tuple[str, Image.Image]], title: str) -> Image.Image:
    """A grid of labelled thumbnails, in order."""
    thumbs = [(label, img.resize((THUMB_WIDTH, THUMB_WIDTH * img.height // img.width))) for label, img in frames]
    thumb_h = thumbs[0][1].height
    cols = min(COLUMNS, len(thumbs))
    rows = (len(thumbs) + cols - 1) // cols
    pad = 8
    header = 34
    sheet = Image.new(
        "RGB",
        (pad + cols * (THUMB_WIDTH + pad), header + rows * (thumb_h + LABEL_HEIGHT + pad) + pad),
        "#202020",
    )
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=16)
    draw.text((pad, 8), title, fill="#FFFFFF", font=ImageFont.load_default(size=20))
    for i, (label, img) in enumerate(thumbs):
        r, c = divmod(i, cols)
        x = pad + c * (THUMB_WIDTH + pad)
        y = header + r * (thumb_h + LABEL_HEIGHT + pad)
        sheet.paste(img, (x, y))
        draw.text((x + 2, y + thumb_h + 4), label, fill="#DDDDDD", font=font)
    return sheet


def _last_with_content(frames: list[tuple[str, Image.Image]]) -> Image.Image:
    """The last frame that shows something: many scenes end by clearing the stage."""
    for _, img in reversed(frames):
        lo, hi = img.convert("L").getextrema()
        if hi - lo > 8:
            return img
    return frames[-1][1]


def _swap_in(new: Path, final: Path) -> None:
    """Put folder `new` at `final`, whose old version goes (previews of one scene may run at once)."""
    for attempt in range(20):
        old = final.with_name(f".{final.name}.{attempt}.{os.getpid()}.part")
        try:
            final.rename(old)
        except FileNotFoundError:
            pass
        shutil.rmtree(old, ignore_errors=True)
        try:
            new.rename(final)
            return
        except OSError:  # another preview put its folder there in between
            continue
    raise RuntimeError(f"could not replace {final}")


def preview(entry: SceneEntry, lecture_path: Path, out_dir: Path, tex_dir: Path, keep_frames: bool = False) -> Preview:
    """Write <Scene>.png (last frame) and <Scene>.storyboard.png into out_dir;
    with keep_frames, every step's full frame too, in <Scene>.steps/."""
    from studio.render import clean_stale, clean_stale_caches
    from studio.texlock import share_tex_cache

    out_dir.mkdir(parents=True, exist_ok=True)
    cache = tex_dir.parent
    clean_stale([out_dir])  # what killed commands left
    clean_stale_caches(cache)
    work = Path(tempfile.mkdtemp(prefix=f".preview-{entry.name}.{os.getpid()}.part", dir=out_dir))
    try:
        share_tex_cache(tex_dir)
        frames_dir = work / "frames"
        scene = construct(
            entry, lecture_path, work / "media", check=True, storyboard_dir=frames_dir, pixel_height=540,
            cache_dir=cache,
        )
        steps = json.loads((frames_dir / "steps.json").read_text()) if (frames_dir / "steps.json").exists() else []
        frames = [
            (f"{s['index']:02d} {s['name']}  ({s['time']:.1f}s)", Image.open(frames_dir / f"{s['index']:02d}.png"))
            for s in steps
        ]
        if not frames:
            raise RuntimeError(f"scene {entry.name} has no steps to preview")
        still = out_dir / f"{entry.name}.png"
        board = out_dir / f"{entry.name}.storyboard.png"
        tmp_still, tmp_board = work / "still.png", work / "board.png"
        _last_with_content(frames).save(tmp_still)
        storyboard_sheet(frames, f"{entry.name}: {entry.summary}").save(tmp_board)
        tmp_still.replace(still)
        tmp_board.replace(board)
        if keep_frames:
            new_steps = work / "steps"
            new_steps.mkdir()
            for s in steps:
                (frames_dir / f"{s['index']:02d}.png").replace(new_steps / f"{s['index']:02d}-{s['name']}.png")
            _swap_in(new_steps, out_dir / f"{entry.name}.steps")
        return Preview(entry.name, still, board, len(frames), scene.renderer.time, tuple(scene.layout_problems),
                       tuple(scene.step_metrics))
    finally:
        shutil.rmtree(work, ignore_errors=True)
