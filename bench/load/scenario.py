"""The scenario every bot is driven through: six intake steps, the same for each bot.

A step is what a person does (send a text, or tap a button under the bot's last message) and the
button the bot's reply must carry for the step to count as answered (the next step taps it). The
steps follow Tsunagari's default intake (flows/intake.yaml) from /start to the question of how the
person wants help; the peers show the same buttons (the echo bot on every reply, the aiogram bot
state by state), so every bot answers the same six steps, four of them taps and two texts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    kind: str  # "text" or "tap"
    value: str  # the text sent, or the callback_data tapped
    expect: str  # callback_data of a button the bot's reply carries


# Free-text concerns, one per scenario in turn: low or moderate risk (a high one would add the
# "are you safe now" question, and the scenario would no longer be six steps for everyone).
CONCERNS = (
    "仕事をやめてから誰とも話していなくて、夜になるとさびしくてたまらないです",
    "お金がなくて家賃が払えそうにない。どうしたらいいかわからない",
    "引っ越してきてから友だちがいなくて、週末はずっとひとりです",
    "I moved here for work and I do not really talk to anyone most days.",
)


def scenario(concern: str) -> list[Step]:
    return [
        Step("text", "/start", "consent"),
        Step("tap", "consent", "lang_ja"),
        Step("tap", "lang_ja", "cat_loneliness"),
        Step("text", concern, "dying_no"),
        Step("tap", "dying_no", "region_skip"),
        Step("tap", "region_skip", "help_talk"),
    ]


STEPS_PER_SCENARIO = len(scenario(CONCERNS[0]))
# Every button the scenario taps or expects (the echo bot puts them all under each reply).
BUTTONS = ("consent", "lang_ja", "cat_loneliness", "dying_no", "region_skip", "help_talk")
