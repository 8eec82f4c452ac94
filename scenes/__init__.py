"""Manim scenes of the lecture and the visual vocabulary they share.

Data flows one way: engine -> trace -> scene -> render. Scenes read values
from the engine (through `scenes.values`) and never compute a number
themselves.
"""
