"""What is said in each step, and how long saying (or reading) it takes.

A step's text is its narration: one or more sentences in our own words. The
captions (.srt) are that narration, one sentence per caption. A *narrator*
turns a step's text into an `Utterance`: the sentences with their times
inside the step, the step's minimum length and, for a voice, the audio file.

`ReadingPace` is the silent narrator: each sentence stays up as long as it
takes to read it (READING_WPS words per second, never less than
MIN_CAPTION seconds). A voice narrator gives the same shape with the times
of the spoken audio, so a scene is timed by whichever narrator the lecture
uses and never has to know which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

READING_WPS = 2.5  # words per second a viewer can read while watching
MIN_CAPTION = 1.6  # seconds: no caption flashes by, however short
GAP = 0.25  # seconds between two sentences

# A sentence ends at . ! or ? followed by a space and a capital, a digit or an opening bracket/quote;
# "e.g." and decimals like 0.25 are not ends.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!e\.g\.)(?<!i\.e\.)\s+(?=[A-Z0-9(\"'“])")
_WORD = re.compile(r"[^\s—–-]+")


@dataclass(frozen=True)
class Line:
    """One sentence of a step's narration and when it is said, in seconds from the step's start."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Utterance:
    """A step's narration as timed lines; `duration` is how long the step must last at least."""

    lines: tuple[Line, ...]
    duration: float
    audio: Path | None = None  # the spoken narration, when a voice speaks it


class NarrationKeyError(ValueError):
    """A lecture file replaces the narration of a step the scene does not have."""


class Narrator(Protocol):
    def utter(self, scene: str, step: str, text: str) -> Utterance: ...


def clean(text: str) -> str:
    """One line of text: newlines and runs of spaces folded (an .srt line must not break)."""
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(clean(text)) if s]


def words(text: str) -> int:
    return len(_WORD.findall(text))


def reading_time(sentence: str) -> float:
    return max(MIN_CAPTION, words(sentence) / READING_WPS)


class ReadingPace:
    """The silent narrator: sentences timed for reading."""

    def utter(self, scene: str, step: str, text: str) -> Utterance:
        lines, t = [], 0.0
        for sentence in sentences(text):
            length = reading_time(sentence)
            lines.append(Line(sentence, t, t + length))
            t += length + GAP
        return Utterance(tuple(lines), max(t - GAP, 0.0))


def stretch_lines(utterance: Utterance, length: float) -> tuple[Line, ...]:
    """The lines spread over a step that lasted `length` (>= the utterance): captions stay up longer."""
    if not utterance.lines or utterance.duration <= 0 or length <= utterance.duration:
        return utterance.lines
    k = length / utterance.duration
    return tuple(Line(line.text, line.start * k, line.end * k) for line in utterance.lines)
