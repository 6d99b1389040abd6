"""Replies rendered within WhatsApp's limits, whatever the engine offers."""

from hypothesis import given
from hypothesis import strategies as st

from bot.whatsapp.render import message_content
from skm_core.content import load_content, shipped_content_dir
from skm_core.conversation.messages import Option, Reply


def test_text_without_options(content):
    assert message_content(Reply("Halo"), content.texts.whatsapp) == {
        "type": "text",
        "text": {"body": "Halo", "preview_url": False},
    }


def test_three_short_options_are_reply_buttons(content):
    reply = Reply("Bersedia?", (Option("a", "Ya"), Option("b", "Tidak"), Option("c", "Menu")))
    message = message_content(reply, content.texts.whatsapp)
    assert message["interactive"]["type"] == "button"
    assert [b["reply"]["title"] for b in message["interactive"]["action"]["buttons"]] == [
        "Ya", "Tidak", "Menu",
    ]  # fmt: skip


def test_long_labels_go_to_a_list_and_stay_whole_in_the_description(content):
    label = "4 · Sangat sopan dan ramah"
    reply = Reply("U7?", (Option("a", label), Option("b", "Kembali")))
    message = message_content(reply, content.texts.whatsapp)
    [section] = message["interactive"]["action"]["sections"]
    row = section["rows"][0]
    assert len(row["title"]) <= 24
    assert row["description"] == label
    assert message["interactive"]["action"]["button"] == "Pilih"


labels = st.text(min_size=1, max_size=120)


WORDS = load_content(shipped_content_dir()).texts.whatsapp


@given(st.lists(labels, min_size=1, max_size=14), st.text(min_size=1, max_size=5000))
def test_limits_hold_for_any_options(labels, body):
    words = WORDS
    options = tuple(Option(f"id{n}", label) for n, label in enumerate(labels))
    message = message_content(Reply(body, options), words)
    interactive = message["interactive"]
    if interactive["type"] == "button":
        buttons = interactive["action"]["buttons"]
        assert len(buttons) <= 3
        assert all(len(b["reply"]["title"]) <= 20 for b in buttons)
        assert len(interactive["body"]["text"]) <= 1024
    else:
        rows = interactive["action"]["sections"][0]["rows"]
        assert len(rows) <= 10
        assert all(len(r["title"]) <= 24 for r in rows)
        assert all(len(r.get("description", "")) <= 72 for r in rows)
        assert len(interactive["body"]["text"]) <= 4096
