"""Reading and joining videos with PyAV (which manim already brings)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import srt


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    duration: float  # seconds
    frames: int
    fps: Fraction


def probe(path: Path) -> VideoInfo:
    """Size, duration and frame count, decoded from the file itself."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = 0
        last_end = 0.0
        for frame in container.decode(stream):
            frames += 1
            if frame.time is not None:
                last_end = frame.time
        fps = stream.average_rate or stream.guessed_rate or Fraction(15)
        duration = last_end + 1 / float(fps) if frames else 0.0
        return VideoInfo(stream.codec_context.width, stream.codec_context.height, duration, frames, fps)


def concat(videos: list[Path], out: Path) -> None:
    """Join videos of the same size and rate into one mp4 (re-encoded)."""
    first = probe(videos[0])
    with av.open(str(out), mode="w", format="mp4") as output:
        stream = output.add_stream("libx264", rate=first.fps)
        stream.width, stream.height = first.width, first.height
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "23", "preset": "veryfast"}
        index = 0
        for path in videos:
            with av.open(str(path)) as container:
                for frame in container.decode(container.streams.video[0]):
                    new = frame.reformat(width=first.width, height=first.height, format="yuv420p")
                    new.pts = index
                    new.time_base = Fraction(1) / first.fps
                    index += 1
                    for packet in stream.encode(new):
                        output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)


def merge_srt(parts: list[tuple[Path | None, float]], out: Path) -> None:
    """One .srt from (srt file or None, its start offset in seconds) pairs."""
    subtitles = []
    for path, offset in parts:
        if path is None or not path.exists():
            continue
        shift = datetime.timedelta(seconds=offset)
        for sub in srt.parse(path.read_text(encoding="utf-8")):
            subtitles.append(srt.Subtitle(0, sub.start + shift, sub.end + shift, sub.content))
    out.write_text(srt.compose(subtitles, reindex=True), encoding="utf-8")
