"""The near-duplicate measure that keeps evaluation sets honest (bot/nlu_overlap.py)."""

from bot.nlu_overlap import near_pairs

TRAINING = ["how long does botox last", "what does a gummy smile treatment cost", "can i drink alcohol after"]


def test_a_reworded_training_example_is_near_by_its_words():
    assert near_pairs(["how long does the botox last"], TRAINING) == [
        ("how long does the botox last", "how long does botox last")
    ]


def test_a_misspelt_training_example_is_near_by_its_characters():
    assert near_pairs(["what does a gummy smile treatmnet cost?"], TRAINING) == [
        ("what does a gummy smile treatmnet cost?", "what does a gummy smile treatment cost")
    ]


def test_a_different_question_on_the_same_topic_is_not_near():
    assert near_pairs(["is there anything i should avoid the night before my appointment"], TRAINING) == []


def test_every_near_pair_is_found_across_blocks(monkeypatch):
    import bot.nlu_overlap as overlap

    monkeypatch.setattr(overlap, "_BLOCK", 2)
    messages = ["hi there", "how long does the botox last", "nothing alike", "can i drink alcohol after it"]
    assert [m for m, _ in near_pairs(messages, TRAINING)] == [messages[1], messages[3]]


def test_nothing_to_compare_is_no_pair():
    assert near_pairs([], TRAINING) == near_pairs(["anything"], []) == []
