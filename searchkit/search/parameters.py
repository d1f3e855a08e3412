"""Every knob of ranking, in one place: BM25F's, the field weights, proximity's and feedback's.

Change a weight here and nowhere else: ``units.py`` applies the field weights and length normalisation,
``bm25f.py`` the saturation and idf, ``rerank.py`` proximity and feedback. ``bench/effectiveness.py``
measures what a change does to ranking quality.
"""

# BM25F (Robertson & Zaragoza): textbook saturation and length normalisation.
K1, B = 1.2, 0.75

# A field's term frequency is multiplied by its weight before saturation: a title match counts double.
FIELD_WEIGHTS = {"text": 1.0, "title": 2.0, "caps": 1.0, "source": 1.0, "speaker": 1.0}

# Ranking documents (--by-doc), idf counts documents rather than passages.
DOC_IDF = True

# Proximity: adjacent query words within PROXIMITY_WINDOW words score as an extra pseudo-term of weight
# PROXIMITY_WEIGHT, for the best PROXIMITY_DEPTH candidates.
PROXIMITY_WINDOW, PROXIMITY_WEIGHT, PROXIMITY_DEPTH = 8, 0.5, 100

# Pseudo-relevance feedback (RM3): FEEDBACK_TERMS terms from the top FEEDBACK_DOCS results, the original
# query keeping FEEDBACK_ORIGINAL of the weight, re-scoring the best FEEDBACK_DEPTH; only for queries of
# FEEDBACK_MIN_CONCEPTS concepts or more.
FEEDBACK_DOCS, FEEDBACK_TERMS, FEEDBACK_ORIGINAL, FEEDBACK_DEPTH = 10, 20, 0.5, 1000
FEEDBACK_MIN_CONCEPTS = 3
# Feedback is damped for diffuse results: its share falls in proportion when the clarity of the best
# results (rerank.feedback_share, in nats) is below FEEDBACK_FOCUS; 0 never damps it.
FEEDBACK_FOCUS = 0.0
