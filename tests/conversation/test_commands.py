"""The commands the content gives words for are exactly those the dialogue handles."""

from skm_core.content.models import CommandWords
from skm_core.conversation.dialogue import Command


def test_every_command_the_content_words_is_one_the_dialogue_handles():
    assert {c.value for c in Command} == set(CommandWords.model_fields)
