"""The lecture's title card."""

from __future__ import annotations

from manim import DOWN, FadeIn, FadeOut, MathTex, Text, VGroup, Write, config

from scenes import style
from scenes.base import LessonScene


class TitleCard(LessonScene):
    """The lecture title and the one question the lecture answers."""

    lesson_order = 0

    def construct(self) -> None:
        self.show_title()
        self.pose_question()
        self.clear_stage()

    def show_title(self) -> None:
        # The caption is one .srt line: whitespace (a newline in the title) folds into spaces.
        name = " ".join(self.lecture.title.split())
        self.step("title", caption=(
            f"{name}{'' if name[-1:] in '.?!' else '.'} A network learns by nudging its weights and biases "
            "to lower its cost."))
        self.title = Text(self.lecture.title.strip(), font_size=style.SIZES.title)
        # A long title (the lecture file allows up to 80 characters, 3 lines) shrinks to fit the frame.
        # Room: the frame's width less a margin each side, and 40% of its height (the question goes below).
        room_w, room_h = config.frame_width - 6 * style.SIZES.frame_margin, 0.4 * config.frame_height
        if self.title.width > room_w or self.title.height > room_h:
            self.title.scale(min(room_w / self.title.width, room_h / self.title.height))
        self.subtitle = Text(
            "how a network's cost responds to each weight and bias",
            font_size=style.SIZES.body,
            color=self.theme.muted,
        )
        self.header = VGroup(self.title, self.subtitle).arrange(DOWN, buff=0.4)
        self.play(Write(self.title), run_time=style.TIMINGS.write)
        self.play(FadeIn(self.subtitle, shift=0.2 * DOWN))
        self.wait(style.TIMINGS.pause)

    def pose_question(self) -> None:
        self.step("question", caption=(
            "The question: how sensitive is the cost to each weight and each bias? The chain rule answers it."))
        question = MathTex(
            r"\frac{\partial C}{\partial w}", r"\quad", r"\frac{\partial C}{\partial b}",
            font_size=style.SIZES.tex,
        )
        question[0].set_color(self.theme.cost)
        question[2].set_color(self.theme.cost)
        question.next_to(self.header, DOWN, buff=0.7)
        self.play(Write(question))
        self.wait(style.TIMINGS.long_pause)
        self.question = question

    def clear_stage(self) -> None:
        self.step("end")
        self.play(FadeOut(self.header), FadeOut(self.question))
