"""The pages' wording lives in content: every name a template uses is in texts.yaml (web)."""

import re

from bot.web.site import TEMPLATE_DIR
from skm_core.content import Content
from skm_core.content_edits import SERVICE_FIELDS, UNIT_FIELDS


def test_every_label_a_template_uses_is_in_the_content(content: Content):
    labels = content.texts.web.labels
    used = set()
    for template in TEMPLATE_DIR.rglob("*.html"):
        used |= set(re.findall(r"\bw\.([a-z_]+)", template.read_text(encoding="utf-8")))
    for name, shape in (SERVICE_FIELDS | UNIT_FIELDS).items():
        used.add(f"field_{name}")
        if shape in ("lines", "rows"):
            used.add(f"hint_{shape}")
    missing = sorted(used - set(labels))
    assert missing == []
    assert used, "no template uses a label"


def test_templates_carry_no_sentences_of_their_own():
    # Wording is in content; what remains in a template is markup, names and data.
    for template in TEMPLATE_DIR.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        visible = re.sub(r"{[{%#].*?[}%#]}|<[^>]*>", " ", text, flags=re.S)
        words = re.findall(r"[A-Za-z]{4,}", visible)
        leftovers = [w for w in words if w not in {"JSON", "NRR", "RTL"}]
        assert leftovers == [], (template.name, leftovers)
