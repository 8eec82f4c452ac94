"""Reading and joining videos with PyAV (which manim already brings)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
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
    """Join videos of the same size and rate into one mp4 (re-encoded); their sound, if any, joined in step."""
    first = probe(videos[0])
    with av.open(str(out), mode="w", format="mp4") as output:
        stream = output.add_stream("libx264", rate=first.fps)
        stream.width, stream.height = first.width, first.height
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "23", "preset": "veryfast"}
        if any(has_audio(p) for p in videos):
            join_audio(videos, output, first.fps)
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


# --- sound -------------------------------------------------------------------------
AUDIO_RATE = 48000


def has_audio(path: Path) -> bool:
    with av.open(str(path)) as container:
        return bool(container.streams.audio)


def audio_samples(path: Path, seconds: float) -> np.ndarray:
    """A video's sound as mono float32 at AUDIO_RATE, cut or padded with silence to exactly `seconds`."""
    want = round(seconds * AUDIO_RATE)
    chunks = []
    with av.open(str(path)) as container:
        if container.streams.audio:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
            for frame in container.decode(container.streams.audio[0]):
                chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    return np.pad(samples[:want], (0, max(0, want - len(samples)))).astype(np.float32)


def join_audio(videos: list[Path], output, fps: Fraction) -> None:
    """One AAC track: each video's sound padded to its video's length (frames / fps), so the two stay in sync."""
    stream = output.add_stream("aac", rate=AUDIO_RATE)
    stream.layout = "mono"
    samples = np.concatenate([audio_samples(p, probe(p).frames / float(fps)) for p in videos])
    size, pts = 1024, 0
    for i in range(0, len(samples), size):
        frame = av.AudioFrame.from_ndarray(samples[None, i:i + size], format="flt", layout="mono")
        frame.sample_rate, frame.pts = AUDIO_RATE, pts
        pts += frame.samples
        for packet in stream.encode(frame):
            output.mux(packet)
    for packet in stream.encode(None):
        output.mux(packet)


def audio_duration(path: Path) -> float:
    """Seconds of sound in a file (0 without an audio stream), decoded."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return 0.0
        samples, rate = 0, 1
        for frame in container.decode(container.streams.audio[0]):
            samples, rate = samples + frame.samples, frame.sample_rate
        return samples / rate


def convert_audio(input_path, output_path, codec_name: str) -> None:
    """manim's audio conversion, with Opus where it asks for Vorbis (PyAV's FFmpeg has no libvorbis
    encoder, and Opus is the webm sound the web expects): resampled to 48 kHz, which Opus needs."""
    if codec_name != "libvorbis":  # as manim does it
        with av.open(str(input_path)) as inp, av.open(output_path, "w") as out:
            a_in = inp.streams.audio[0]
            a_out = out.add_stream(codec_name)
            for frame in inp.decode(a_in):
                out.mux(a_out.encode(frame))
            out.mux(a_out.encode(None))
        return
    with av.open(str(input_path)) as inp, av.open(output_path, "w") as out:
        a_in = inp.streams.audio[0]
        a_out = out.add_stream("libopus", rate=AUDIO_RATE)
        a_out.layout = a_in.layout.name
        resampler = av.AudioResampler(format="flt", layout=a_in.layout.name, rate=AUDIO_RATE)
        for frame in inp.decode(a_in):
            for f in resampler.resample(frame):
                out.mux(a_out.encode(f))
        for f in resampler.resample(None):
            out.mux(a_out.encode(f))
        out.mux(a_out.encode(None))


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
